/**
 * Child processes for the server benchmarks: the reference server (`chat`) or a bare `ws`
 * echo server (`echo`), each in its own process so the clients (in the parent) do not share
 * its event loop. The parent asks a child for its memory after a forced GC over IPC.
 * The child raises its open-file limit to the hard limit when the shell allows it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import WebSocket, { WebSocketServer } from 'ws'
import { startServer } from '../../server/server'

export type ChildKind = 'chat' | 'echo'

export interface Memory {
  rss: number
  heapUsed: number
  external: number
  /** Active handles and requests (sockets, timers, servers): process.getActiveResourcesInfo(). */
  handles: number
}

export interface ChildServer {
  kind: ChildKind
  port: number
  url: string
  wsUrl: string
  /** The child's open-file limit after raising it. */
  fdLimit: number
  memory(): Promise<Memory>
  /** Writes a heap snapshot of the child (after a forced GC) to a temp file; resolves with its path. */
  heapSnapshot(): Promise<string>
  stop(): Promise<void>
}

export const AGENT_PASSWORD = 'bench-agent-password'

/** This process's memory after a forced GC (run with --expose-gc, as scripts/run-ts.mjs does). */
export function measureHere(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  gc?.()
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, handles: process.getActiveResourcesInfo().length }
}

/** In the child: serve, answer `mem` and `stop`. Returns false in the parent. */
export function runChildIfAsked(): boolean {
  const i = process.argv.indexOf('--child')
  if (i < 0) return false
  const kind = process.argv[i + 1] as ChildKind
  const fdLimit = Number(process.env.BENCH_FD_LIMIT ?? 0)
  void (async () => {
    let stop: () => Promise<void>
    let port: number
    if (kind === 'echo') {
      const server = http.createServer()
      const wss = new WebSocketServer({ server, maxPayload: 64 * 1024, perMessageDeflate: false })
      wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      port = (server.address() as { port: number }).port
      stop = async () => {
        for (const ws of wss.clients) ws.terminate()
        await new Promise((resolve) => server.close(resolve))
      }
    } else {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-chat-'))
      const running = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        logLevel: 'warn',
        demoAgent: { password: AGENT_PASSWORD },
        // The per-connection limit (20/s) is for people; one bench agent answers every customer.
        rateLimit: { rate: 1e6, burst: 1e6 },
        // Every bench customer logs in from 127.0.0.1.
        limits: { customerLogins: { rate: 1e6, burst: 1e6 } },
        shutdownTimeout: 0,
        // BENCH_GROUP_COMMIT=0: a commit per transaction (the comparison in bench/server-roundtrip.ts --compare-commit).
        sqliteGroupCommit: process.env.BENCH_GROUP_COMMIT !== '0',
      })
      port = running.port
      stop = async () => {
        await running.close()
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    }
    process.on('message', (msg: { cmd: string }) => {
      if (msg.cmd === 'mem') process.send?.({ mem: measureHere() })
      if (msg.cmd === 'snapshot') {
        measureHere()
        process.send?.({
          snapshot: v8.writeHeapSnapshot(path.join(os.tmpdir(), `bench-${kind}-${process.pid}-${Date.now()}.heapsnapshot`)),
        })
      }
      if (msg.cmd === 'stop') void stop().then(() => process.exit(0))
    })
    process.send?.({ port, fdLimit })
  })()
  return true
}

function hardFdLimit(): string {
  const res = spawnSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' })
  return res.stdout.trim() || 'unlimited'
}

/** Starts this same script as a child in `--child <kind>` mode, with its fd limit raised to the hard limit. */
export function startChild(kind: ChildKind, env: NodeJS.ProcessEnv = {}): Promise<ChildServer> {
  const hard = hardFdLimit()
  const script = `ulimit -n ${hard} 2>/dev/null; BENCH_FD_LIMIT=$(ulimit -n) exec "$0" "$@"`
  const self = process.argv[1]
  if (self === undefined) throw new Error('startChild: no script path in process.argv')
  // BENCH_CPU_PROF=<dir>: each server child writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const child: ChildProcess = spawn('/bin/sh', ['-c', script, process.execPath, '--expose-gc', ...profile, self, '--child', kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  })
  const ask = <T>(cmd: string, key: string): Promise<T> =>
    new Promise((resolve) => {
      const onMessage = (msg: Record<string, unknown>) => {
        if (key in msg) {
          child.off('message', onMessage)
          resolve(msg[key] as T)
        }
      }
      child.on('message', onMessage)
      child.send({ cmd })
    })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} child exited with ${code}`)))
    child.once('message', (msg: { port: number; fdLimit: number }) => {
      resolve({
        kind,
        port: msg.port,
        url: `http://127.0.0.1:${msg.port}`,
        wsUrl: `ws://127.0.0.1:${msg.port}/ws`,
        fdLimit: msg.fdLimit,
        memory: () => ask<Memory>('mem', 'mem'),
        heapSnapshot: () => ask<string>('snapshot', 'snapshot'),
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit')
            child.once('exit', () => done())
            child.send({ cmd: 'stop' })
          }),
      })
    })
  })
}

async function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${url} answered ${res.status}`)
  return (await res.json()) as T
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once; stops starting new ones after the first failure. */
export async function pool<T>(n: number, concurrency: number, task: (i: number) => Promise<T>): Promise<{ results: T[]; error?: Error }> {
  const results: T[] = []
  let next = 0
  let error: Error | undefined
  const worker = async () => {
    while (error === undefined && next < n) {
      const i = next++
      try {
        results[i] = await task(i)
      } catch (err) {
        error ??= err as Error
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
  return { results: results.filter((r) => r !== undefined), ...(error ? { error } : {}) }
}

/**
 * Logs `n` customers in (codes bench-0…); rejects unless all got a token. Each login carries an
 * X-Forwarded-For address of its own: a server that trusts the bench's proxy (TRUST_PROXY, as
 * bench:cluster's instances do) counts its per-address login limit per customer, as real phones
 * would be; others ignore the header.
 */
export async function loginCustomers(server: Pick<ChildServer, 'url'>, n: number): Promise<string[]> {
  const { results, error } = await pool(n, 32, async (i) => {
    const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    return (await postJson<{ token: string }>(`${server.url}/api/login`, { code: `bench-${i}` }, { 'x-forwarded-for': address })).token
  })
  if (error) throw new Error(`${results.length} of ${n} customer logins succeeded: ${error.message}`)
  return results
}

export async function loginAgent(server: Pick<ChildServer, 'url'>): Promise<string> {
  return (await postJson<{ token: string }>(`${server.url}/api/agent/login`, { username: 'demo', password: AGENT_PASSWORD })).token
}

/** Opens a socket (with a Bearer token when given); resolves once open. */
export function openSocket(url: string, token?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
}
