import { spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { spawnNode } from '../../../scripts/cluster-local'
import { storeEnv } from '../../helpers/test-database'

const ROOT = path.resolve(__dirname, '../../..')

/** Bundles the server with scripts/build-server.mjs into a fresh folder under build/ (so node_modules resolve). */
export function buildServer(): { dir: string; remove: () => void } {
  const dir = path.join(ROOT, 'build', `.test-server-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)
  const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-server.mjs'), '--outdir', dir], { cwd: ROOT, encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`build failed: ${res.stderr}`)
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

export interface ChildServer {
  child: ChildProcess
  port: number
  wsUrl: string
  url: string
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
}

/** Runs `node <dir>/main.js` (what `npm start` runs) and resolves once its banner names the socket URL. */
export async function spawnServer(dir: string, env: Record<string, string>): Promise<ChildServer> {
  const c = await spawnNode(
    path.join(dir, 'main.js'),
    { HOST: '127.0.0.1', LOG_LEVEL: 'info', ...storeEnv(env.DATA_DIR), ...env },
    /Mini-program socket\s+(ws:\/\/127\.0\.0\.1:(\d+)\/ws)/,
    ROOT,
  )
  const port = Number(c.match[2])
  return { child: c.child, port, wsUrl: c.match[1]!, url: `http://127.0.0.1:${port}`, stdout: c.stdout, stderr: c.stderr, exited: c.exited }
}

/** Sends SIGTERM and resolves with the exit code. */
export async function stopServer(server: ChildServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal)
  return server.exited
}
