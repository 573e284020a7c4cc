import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
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
export function spawnServer(dir: string, env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, [path.join(dir, 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...storeEnv(env.DATA_DIR), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString()
      const match = /Mini-program socket\s+(ws:\/\/127\.0\.0\.1:(\d+)\/ws)/.exec(err)
      if (match) {
        child.stderr?.removeAllListeners('data')
        child.stderr?.on('data', (more: Buffer) => (err += more.toString()))
        resolve({
          child,
          port: Number(match[2]),
          wsUrl: match[1]!,
          url: `http://127.0.0.1:${match[2]}`,
          stdout: () => out,
          stderr: () => err,
          exited,
        })
      }
    })
    void exited.then((code) => reject(new Error(`server exited with ${code} before it was ready:\n${err}`)))
  })
}

/** Sends SIGTERM and resolves with the exit code. */
export async function stopServer(server: ChildServer, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal)
  return server.exited
}
