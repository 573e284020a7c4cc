/**
 * Idle connections held by the reference server, and its memory per connection, against a
 * bare `ws` echo server measured in the same run. Each server runs in its own child process
 * (fd limit raised to the hard limit); the clients are raw `ws` sockets in this process.
 * The chat server's sockets are authenticated customers (one login each, before the baseline).
 *
 *   npm run bench:server        (or: node scripts/run-ts.mjs bench/server-connections.ts)
 *   options: --connections 10000
 */
import { spawnSync } from 'node:child_process'
import type WebSocket from 'ws'
import { arg, ratio, table } from './lib/report'
import { record } from './lib/results'
import { loginCustomers, openSocket, pool, runChildIfAsked, startChild, type ChildKind } from './lib/server-processes'

const CONNECTIONS = arg('connections', 10_000)

interface Result {
  kind: ChildKind
  held: number
  error?: string
  rssPerConn: number
  heapPerConn: number
  fdLimit: number
  openSeconds: number
}

async function measure(kind: ChildKind): Promise<Result> {
  const server = await startChild(kind)
  const tokens = kind === 'chat' ? await loginCustomers(server, CONNECTIONS) : []
  const before = await server.memory()
  const started = process.hrtime.bigint()
  const url = kind === 'chat' ? server.wsUrl : server.url.replace('http', 'ws')
  const { results: sockets, error } = await pool<WebSocket>(CONNECTIONS, 200, (i) => openSocket(url, tokens[i]))
  const openSeconds = Number(process.hrtime.bigint() - started) / 1e9
  const after = await server.memory()
  const held = sockets.length
  for (const ws of sockets) ws.terminate()
  await server.stop()
  return {
    kind,
    held,
    ...(error ? { error: error.message } : {}),
    rssPerConn: (after.rss - before.rss) / held,
    heapPerConn: (after.heapUsed - before.heapUsed) / held,
    fdLimit: server.fdLimit,
    openSeconds,
  }
}

async function main(): Promise<void> {
  const soft = spawnSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim()
  console.log(`Idle connections: ${CONNECTIONS} per server, opened 200 at a time; client fd limit ${soft}`)
  const echo = await measure('echo')
  const chat = await measure('chat')
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
  table(
    ['server', 'connections held', 'RSS / connection', 'JS heap / connection', 'open time', 'server fd limit'],
    [echo, chat].map((r) => [
      r.kind === 'echo' ? 'bare ws echo' : 'reference server',
      `${r.held}${r.error ? ` (stopped: ${r.error})` : ''}`,
      kb(r.rssPerConn),
      kb(r.heapPerConn),
      `${r.openSeconds.toFixed(1)} s`,
      r.fdLimit,
    ]),
  )
  console.log(
    `\nreference server / bare ws: RSS per connection ${ratio(chat.rssPerConn, echo.rssPerConn)}, heap per connection ${ratio(chat.heapPerConn, echo.heapPerConn)}`,
  )
  record('serverMemory', { connections: CONNECTIONS, echo, chat })
}

if (!runChildIfAsked()) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
