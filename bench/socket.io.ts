/**
 * Socket.IO: acked events per second of our client (`miniprogram-chat-socket/socket.io`) and
 * of socket.io-client against the same socket.io server (in a child process, so the clients'
 * CPU is their own), in the same run, interleaved rounds, median; and the min+gzip size of our
 * mini-program file against socket.io-client and weapp.socket.io.
 *
 * - socket.io-client emitWithAck, pipelined: the baseline (at most once: a link that dies
 *   loses what was in flight).
 * - socket.io-client with `retries: 3`: its at-least-once mode, which keeps one event in flight at a time.
 * - ours, pipelined, on `ws` (the Node adapter) and on the wx.connectSocket shim; and with the
 *   server's exactlyOnce() helper (the key travels and is checked).
 *
 * Twice: over plain loopback (the server's own cost dominates), and through a TCP proxy in the
 * server's process that adds a phone-like round trip (`--rtt`, 40 ms), where one event in
 * flight at a time costs a round trip per event.
 *
 *   npm run bench:socket.io   (node scripts/build.mjs && node scripts/run-ts.mjs bench/socket.io.ts [--events 5000 --rtt-events 100 --rtt 40 --rounds 5])
 */
import { build } from 'esbuild'
import { fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { connect, createServer as createNetServer, type Socket } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Server } from 'socket.io'
import { io as ioClient } from 'socket.io-client'
import WebSocket from 'ws'
import { createNodeConnectSocket } from '../src/adapters/node'
import { io } from '../src/socket.io'
import { exactlyOnce } from '../src/socket.io-server'
import { createWxSocketShim } from '../test/helpers/wx-socket'
import { arg, median, ratio, table } from './lib/report'
import { record } from './lib/results'

const EVENTS = arg('events', 5000)
const ROUNDS = arg('rounds', 5)
/** Over the delaying proxy: fewer events (one in flight at RTT_MS each takes a while). */
const RTT_EVENTS = arg('rtt-events', 100)
/** Round-trip time the proxy adds (half each way), like a phone's link. */
const RTT_MS = arg('rtt', 40)
const root = join(__dirname, '../..')
const PAYLOAD = { text: 'x'.repeat(200) }

// ── the server (child process): `/` acks every `m`; `/once` the same behind exactlyOnce() ─────
function serve(): void {
  const http = createServer()
  const sio = new Server(http, { transports: ['websocket'], perMessageDeflate: false })
  const handler = (socket: { on(e: string, fn: (...a: unknown[]) => void): unknown }): void => {
    socket.on('m', (_payload: unknown, ack: unknown) => (ack as () => void)())
  }
  sio.on('connection', handler)
  sio.of('/once').use(exactlyOnce())
  sio.of('/once').on('connection', handler)
  // A TCP proxy that delays every chunk by RTT_MS / 2 each way (order kept: equal delays fire in order).
  const proxy = createNetServer((client) => {
    const upstream = connect((http.address() as { port: number }).port, '127.0.0.1')
    const pipe = (from: Socket, to: Socket): void => {
      from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), RTT_MS / 2))
      from.on('close', () => setTimeout(() => to.destroy(), RTT_MS / 2))
      from.on('error', () => to.destroy())
    }
    pipe(client, upstream)
    pipe(upstream, client)
  })
  http.listen(0, '127.0.0.1', () =>
    proxy.listen(0, '127.0.0.1', () =>
      process.send?.({ direct: (http.address() as { port: number }).port, delayed: (proxy.address() as { port: number }).port }),
    ),
  )
  process.on('disconnect', () => process.exit(0))
}

// ── the clients: each connects, sends EVENTS acked events, resolves when every ack is back ─────
/** Connects (not timed), calls `start()`, sends `events` acked events, resolves when every ack is back. */
type Run = (url: string, events: number, start: () => void) => Promise<void>

const theirs =
  (retries?: number): Run =>
  async (url, events, start) => {
    const socket = ioClient(url, {
      transports: ['websocket'],
      forceNew: true,
      ...(retries !== undefined && { retries, ackTimeout: 10_000 }),
    })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    start()
    await Promise.all(Array.from({ length: events }, () => socket.emitWithAck('m', PAYLOAD)))
    socket.disconnect()
  }

const ours =
  (platform: 'ws' | 'wx', nsp = ''): Run =>
  async (url, events, start) => {
    const connectSocket = platform === 'ws' ? createNodeConnectSocket(WebSocket) : createWxSocketShim()
    const socket = io(`${url}${nsp}`, { connectSocket, forceNew: true, lifecycle: false, queue: { maxSize: events } })
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    start()
    await Promise.all(Array.from({ length: events }, () => socket.emitWithAck('m', PAYLOAD)))
    if (nsp !== '' && !socket.exactlyOnce) throw new Error('the exactly-once helper did not announce itself')
    socket.disconnect()
  }

const VARIANTS: Array<{ name: string; run: Run }> = [
  { name: 'socket.io-client emitWithAck, pipelined (baseline)', run: theirs() },
  { name: 'socket.io-client emitWithAck, retries: 3 (one in flight)', run: theirs(3) },
  { name: 'ours emitWithAck, pipelined [ws]', run: ours('ws') },
  { name: 'ours emitWithAck, pipelined [wx shim]', run: ours('wx') },
  { name: 'ours emitWithAck + exactlyOnce() on the server [ws]', run: ours('ws', '/once') },
]

interface Sample {
  ms: number
  cpuUs: number
}

async function measure(run: Run, url: string, events: number): Promise<Sample> {
  ;(globalThis as { gc?: () => void }).gc?.()
  let cpu = process.cpuUsage()
  let started = performance.now()
  await run(url, events, () => {
    cpu = process.cpuUsage()
    started = performance.now()
  })
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { ms, cpuUs: used.user + used.system }
}

// ── bundle sizes: min+gzip, esbuild --bundle --minify ES2018 for the peers, gzip -9 ────────────
const gzip = (code: Uint8Array | string): number => gzipSync(code, { level: 9 }).length

async function bundled(contents: string): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2018',
    write: false,
    legalComments: 'none',
    logLevel: 'error',
  })
  return gzip(result.outputFiles[0]?.contents ?? new Uint8Array())
}

async function main(): Promise<void> {
  const child = fork(process.argv[1]!, ['--server', '--rtt', String(RTT_MS)], { stdio: 'inherit' })
  const ports = await new Promise<{ direct: number; delayed: number }>((resolve) =>
    child.once('message', (p) => resolve(p as { direct: number; delayed: number })),
  )
  const version = (JSON.parse(readFileSync(join(root, 'node_modules/socket.io/package.json'), 'utf8')) as { version: string }).version
  const figures: Record<string, unknown> = {}
  for (const [label, port, events] of [
    ['loopback', ports.direct, EVENTS],
    [`${RTT_MS} ms RTT`, ports.delayed, RTT_EVENTS],
  ] as const) {
    const url = `http://127.0.0.1:${port}`
    const cells = VARIANTS.map((v) => ({ v, samples: [] as Sample[] }))
    for (let round = -1; round < ROUNDS; round++) {
      const shift = Math.max(0, round) % cells.length
      for (const cell of [...cells.slice(shift), ...cells.slice(0, shift)]) {
        const sample = await measure(cell.v.run, url, events)
        if (round >= 0) cell.samples.push(sample)
      }
    }
    const rate = (c: (typeof cells)[number]): number => events / (median(c.samples.map((s) => s.ms)) / 1000)
    const cpu = (c: (typeof cells)[number]): number => median(c.samples.map((s) => s.cpuUs)) / events
    const base = cells[0]!
    console.log(
      `\nSocket.IO acked events, ${label}: ${events.toLocaleString('en')} events of ~220 B, every one acked, to one socket.io ${version} server ` +
        `(child process${label === 'loopback' ? '' : `, through a proxy adding ${RTT_MS} ms round trip`}); median of ${ROUNDS} interleaved rounds. CPU = this (client) process per event.\n`,
    )
    table(
      ['client', 'acked events/s', '× baseline', 'client CPU µs/event'],
      cells.map((c) => [c.v.name, Math.round(rate(c)).toLocaleString('en'), ratio(rate(c), rate(base)), cpu(c).toFixed(1)]),
    )
    figures[label] = Object.fromEntries(
      cells.map((c) => [c.v.name, { eventsPerSecond: rate(c), ratio: rate(c) / rate(base), cpuUsPerEvent: cpu(c) }]),
    )
  }
  child.kill()

  const shipped = gzip(readFileSync(join(root, 'miniprogram_dist/socket.io/index.js')))
  const sizes: Array<[string, number]> = [
    ['ours: miniprogram_dist/socket.io/index.js as shipped', shipped],
    [
      'ours: src/socket.io/miniprogram.ts, plain esbuild',
      await bundled(`export * from ${JSON.stringify(join(root, 'src/socket.io/miniprogram.ts'))}`),
    ],
    ['socket.io-client (io)', await bundled(`export { io } from 'socket.io-client'`)],
    ['weapp.socket.io 3.0.0', await bundled(`export { default } from 'weapp.socket.io'`)],
  ]
  console.log('\nBundle size, min+gzip bytes (gzip -9):\n')
  table(
    ['bundle', 'bytes', '× ours shipped'],
    sizes.map(([name, bytes]) => [name, bytes.toLocaleString('en'), ratio(bytes, shipped)]),
  )
  record('socketio', {
    events: EVENTS,
    rttEvents: RTT_EVENTS,
    rttMs: RTT_MS,
    rounds: ROUNDS,
    rates: figures,
    bundles: Object.fromEntries(sizes),
  })
}

if (process.argv.includes('--server')) serve()
else void main()
