/**
 * Throughput over loopback with ~1 KB JSON messages, pipelined: ChatSocket (`post`, `send`
 * with `ack: false`, `send` with acks) against the raw socket it runs on, and the peers a
 * mini-program team reaches for instead (partysocket, reconnecting-websocket, socket.io-client),
 * in the same run, on the same servers, rounds interleaved (the order rotates every round).
 *
 * Each variant runs on two links:
 * - `wx`: the faithful `wx.connectSocket` shim over `ws` (test/helpers/wx-socket.ts), which is
 *   what ChatSocket meets in a mini-program. The WebSocket-constructor peers run on it through
 *   a small WebSocket class over the SocketTask (bench/lib/task-websocket.ts), the glue a
 *   mini-program developer would write for them.
 * - `ws`: Node's bare `ws` client (ChatSocket through createNodeConnectSocket).
 * socket.io-client cannot take a SocketTask (engine.io-client builds its own transports), so it
 * runs on `ws` only, against a socket.io server in the same child process.
 *
 * Two figures per variant: messages/s (wall clock, noisy on a shared machine) and the client
 * process's CPU time per message (process.cpuUsage: user + system; steadier). Ratios compare
 * each variant with the raw baseline on the same link: "× raw" for messages/s, and "raw CPU ÷
 * CPU" (1.00× = as cheap as raw, 0.50× = twice the CPU).
 *
 * Raw baselines: the raw SocketTask (or ws socket) stringifies each message and sends it, and
 * nothing else. With acks, it also keeps a Set of outstanding ids and deletes each id as its
 * ack is parsed: the minimum an acked client needs.
 *
 *   npm run bench:socket            (or: node scripts/run-ts.mjs bench/socket-throughput.ts)
 *   options: --messages 20000 --rounds 7 --only wx|ws --variant <part of a name> --samples (every round's CPU)
 */
import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import { Server as SocketIoServer } from 'socket.io'
import { io as ioClient } from 'socket.io-client'
import ReconnectingWebSocket from 'reconnecting-websocket'
import PartySocket from 'partysocket/ws'
import WebSocket, { WebSocketServer } from 'ws'
import { ChatSocket, createNodeConnectSocket } from '../src'
import type { ConnectSocket } from '../src/types'
import { createWxSocketShim } from '../test/helpers/wx-socket'
import { arg, median, ratio, table } from './lib/report'
import { record } from './lib/results'
import { taskWebSocketClass } from './lib/task-websocket'

const MESSAGES = arg('messages', 20000)
const ROUNDS = arg('rounds', 7)
const option = (name: string): string | undefined =>
  process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined
const ONLY = option('only')
/** Runs only the variants whose name contains this text (and their baselines), e.g. for a CPU profile. */
const VARIANT = option('variant')
const TEXT = 'x'.repeat(960) // with the envelope, each frame is ~1 KB

// ── servers (child process) ─────────────────────────────────────────────────
// ws: `?mode=ack` acks every frame with an id; `?mode=count&n=N` sends `done` after N frames.
// socket.io: event `m` with an ack callback is acked; event `c` is counted, `done` after `n` (from auth).
function serve(): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  wss.on('connection', (ws, req) => {
    const params = new URL(req.url ?? '/', 'http://x').searchParams
    const ack = params.get('mode') === 'ack'
    const n = Number(params.get('n'))
    let count = 0
    ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as { type: string; id?: string }
      if (frame.type === 'ping') return ws.send('{"type":"pong"}')
      if (ack) return ws.send(JSON.stringify({ type: 'ack', id: frame.id }))
      if (++count === n) ws.send('{"type":"done"}')
    })
  })
  const http = createServer()
  const sio = new SocketIoServer(http, { transports: ['websocket'], perMessageDeflate: false, maxHttpBufferSize: 1e6 })
  sio.on('connection', (socket) => {
    const n = Number((socket.handshake.auth as { n?: number }).n ?? 0)
    let count = 0
    socket.on('m', (_msg: unknown, ack?: () => void) => ack?.())
    socket.on('c', () => {
      if (++count === n) socket.emit('done')
    })
  })
  let ready = 0
  const ports: { ws?: number; io?: number } = {}
  const up = () => ++ready === 2 && process.send?.(ports)
  wss.on('listening', () => {
    ports.ws = (wss.address() as { port: number }).port
    up()
  })
  http.listen(0, '127.0.0.1', () => {
    ports.io = (http.address() as { port: number }).port
    up()
  })
  process.on('disconnect', () => process.exit(0))
}

// ── clients ─────────────────────────────────────────────────────────────────
type Link = 'wx' | 'ws'
interface Urls {
  ws: string
  io: string
}
/** Runs MESSAGES messages; resolves when the last is known received (its ack, or the server's `done`). */
type Run = (urls: Urls, link: Link) => Promise<void>

interface Variant {
  name: string
  /** Which raw baseline it is compared with. */
  base: 'raw no-ack' | 'raw acked'
  links: Link[]
  run: Run
}

const message = (i: number) => ({ type: 'message', id: `m${i}`, text: TEXT })

/** The raw link: the shim's SocketTask, or a bare ws socket, behind one small interface. */
function rawLink(
  url: string,
  link: Link,
): { send(data: string): void; onOpen(fn: () => void): void; onMessage(fn: (data: string) => void): void; close(): void } {
  if (link === 'wx') {
    const task = createWxSocketShim()({ url })
    return {
      send: (data) => task.send({ data }),
      onOpen: (fn) => task.onOpen(fn),
      onMessage: (fn) => task.onMessage(({ data }) => fn(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'))),
      close: () => task.close({ code: 1000, reason: '' }),
    }
  }
  const ws = new WebSocket(url, { perMessageDeflate: false })
  return {
    send: (data) => ws.send(data),
    onOpen: (fn) => ws.once('open', fn),
    onMessage: (fn) => ws.on('message', (data: Buffer) => fn(data.toString())),
    close: () => ws.close(1000),
  }
}

const rawNoAck: Run = (urls, link) =>
  new Promise((resolve) => {
    const raw = rawLink(`${urls.ws}?mode=count&n=${MESSAGES}`, link)
    raw.onMessage(() => {
      raw.close()
      resolve()
    })
    raw.onOpen(() => {
      for (let i = 0; i < MESSAGES; i++) raw.send(JSON.stringify(message(i)))
    })
  })

const rawAck: Run = (urls, link) =>
  new Promise((resolve) => {
    const raw = rawLink(`${urls.ws}?mode=ack`, link)
    const waiting = new Set<string>()
    raw.onMessage((data) => {
      waiting.delete((JSON.parse(data) as { id: string }).id)
      if (waiting.size === 0) {
        raw.close()
        resolve()
      }
    })
    raw.onOpen(() => {
      for (let i = 0; i < MESSAGES; i++) {
        const msg = message(i)
        waiting.add(msg.id)
        raw.send(JSON.stringify(msg))
      }
    })
  })

function connectSocketFor(link: Link): ConnectSocket {
  return link === 'wx' ? createWxSocketShim() : createNodeConnectSocket(WebSocket)
}

async function chatSocket(url: string, link: Link, ack: boolean): Promise<ChatSocket> {
  const socket = new ChatSocket({
    url,
    connectSocket: connectSocketFor(link),
    lifecycle: false,
    ack,
    queue: { maxSize: MESSAGES, sendTimeout: 120_000 },
  })
  await socket.connect()
  return socket
}

const socketAck: Run = async (urls, link) => {
  const socket = await chatSocket(`${urls.ws}?mode=ack`, link, true)
  const sends: Array<Promise<unknown>> = []
  for (let i = 0; i < MESSAGES; i++) sends.push(socket.send({ type: 'message', text: TEXT }))
  await Promise.all(sends)
  socket.close()
}

const socketNoAck: Run = async (urls, link) => {
  const socket = await chatSocket(`${urls.ws}?mode=count&n=${MESSAGES}`, link, false)
  const done = new Promise<void>((resolve) => socket.once('message', () => resolve()))
  for (let i = 0; i < MESSAGES; i++) void socket.send({ type: 'message', text: TEXT })
  await done
  socket.close()
}

/** `post`: fire and forget, no id, no promise, no queue entry. */
const socketPost: Run = async (urls, link) => {
  const socket = await chatSocket(`${urls.ws}?mode=count&n=${MESSAGES}`, link, false)
  const done = new Promise<void>((resolve) => socket.once('message', () => resolve()))
  for (let i = 0; i < MESSAGES; i++) socket.post({ type: 'message', text: TEXT })
  await done
  socket.close()
}

/** The constructor the WebSocket-class peers get: the bare ws class, or a WebSocket over the shim's SocketTask. */
function webSocketClassFor(link: Link): unknown {
  return link === 'wx' ? taskWebSocketClass(createWxSocketShim()) : WebSocket
}

interface WebSocketPeer {
  send(data: string): unknown
  addEventListener(type: string, fn: (e: { data?: unknown }) => void): void
  close(): void
}

/** reconnecting-websocket and partysocket share the same shape: constructor(url, protocols, { WebSocket }). */
function peerRun(Peer: new (url: string, protocols: undefined, options: { WebSocket: unknown; maxRetries: number }) => WebSocketPeer): Run {
  return (urls, link) =>
    new Promise((resolve) => {
      const socket = new Peer(`${urls.ws}?mode=count&n=${MESSAGES}`, undefined, { WebSocket: webSocketClassFor(link), maxRetries: 0 })
      socket.addEventListener('message', () => {
        socket.close()
        resolve()
      })
      socket.addEventListener('open', () => {
        for (let i = 0; i < MESSAGES; i++) socket.send(JSON.stringify(message(i)))
      })
    })
}

function socketIoRun(acked: boolean): Run {
  return (urls) =>
    new Promise((resolve) => {
      const socket = ioClient(urls.io, { transports: ['websocket'], auth: { n: MESSAGES }, reconnection: false })
      const finish = () => {
        socket.close()
        resolve()
      }
      socket.on('done', finish)
      socket.on('connect', () => {
        let left = MESSAGES
        for (let i = 0; i < MESSAGES; i++) {
          if (acked) socket.emit('m', message(i), () => --left === 0 && finish())
          else socket.emit('c', message(i))
        }
      })
    })
}

const VARIANTS: Variant[] = [
  { name: 'raw, no acks', base: 'raw no-ack', links: ['wx', 'ws'], run: rawNoAck },
  { name: 'ChatSocket post', base: 'raw no-ack', links: ['wx', 'ws'], run: socketPost },
  { name: 'ChatSocket send, ack: false', base: 'raw no-ack', links: ['wx', 'ws'], run: socketNoAck },
  {
    name: 'partysocket',
    base: 'raw no-ack',
    links: ['wx', 'ws'],
    run: peerRun(PartySocket),
  },
  {
    name: 'reconnecting-websocket',
    base: 'raw no-ack',
    links: ['wx', 'ws'],
    run: peerRun(ReconnectingWebSocket),
  },
  { name: 'socket.io-client emit, no acks', base: 'raw no-ack', links: ['ws'], run: socketIoRun(false) },
  { name: 'raw + hand-matched acks', base: 'raw acked', links: ['wx', 'ws'], run: rawAck },
  { name: 'ChatSocket send, acks', base: 'raw acked', links: ['wx', 'ws'], run: socketAck },
  { name: 'socket.io-client emit with ack', base: 'raw acked', links: ['ws'], run: socketIoRun(true) },
]

interface Sample {
  ms: number
  cpuUs: number
}

async function measure(run: Run, urls: Urls, link: Link): Promise<Sample> {
  ;(globalThis as { gc?: () => void }).gc?.()
  const cpu = process.cpuUsage()
  const started = performance.now()
  await run(urls, link)
  const ms = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { ms, cpuUs: used.user + used.system }
}

async function main(): Promise<void> {
  const child = fork(process.argv[1]!, ['--server'], { stdio: 'inherit' })
  const ports = await new Promise<{ ws: number; io: number }>((resolve) => child.once('message', resolve))
  const urls: Urls = { ws: `ws://127.0.0.1:${ports.ws}/`, io: `http://127.0.0.1:${ports.io}` }
  const links: Link[] = ONLY === 'wx' || ONLY === 'ws' ? [ONLY] : ['wx', 'ws']
  const wanted = (v: Variant) => VARIANT === undefined || v.name.includes(VARIANT) || v.name.startsWith('raw')
  const cells = VARIANTS.filter(wanted).flatMap((v) =>
    v.links.filter((l) => links.includes(l)).map((link) => ({ v, link, samples: [] as Sample[] })),
  )
  // One warm-up round, then interleaved rounds whose order rotates, so machine noise and
  // position in the round hit every variant alike.
  for (let round = -1; round < ROUNDS; round++) {
    const shift = Math.max(0, round) % cells.length
    for (const cell of [...cells.slice(shift), ...cells.slice(0, shift)]) {
      const sample = await measure(cell.v.run, urls, cell.link)
      if (round >= 0) cell.samples.push(sample)
    }
  }
  child.kill()
  if (process.argv.includes('--samples'))
    for (const c of cells) console.log(c.v.name, c.link, c.samples.map((s) => (s.cpuUs / MESSAGES).toFixed(1)).join(' '))

  const rate = (c: (typeof cells)[number]) => MESSAGES / (median(c.samples.map((s) => s.ms)) / 1000)
  const cpu = (c: (typeof cells)[number]) => median(c.samples.map((s) => s.cpuUs)) / MESSAGES
  const baseOf = (c: (typeof cells)[number]) =>
    cells.find((b) => b.link === c.link && b.v.name === (c.v.base === 'raw no-ack' ? 'raw, no acks' : 'raw + hand-matched acks'))!
  console.log(
    `\nThroughput: ${MESSAGES.toLocaleString('en')} messages of ~1 KB, pipelined over loopback, median of ${ROUNDS} interleaved rounds.` +
      `\nwx = the wx.connectSocket shim, ws = bare ws. CPU = this (client) process, user + system, per message.\n`,
  )
  table(
    ['variant', 'link', 'messages/s', '× raw', 'CPU µs/msg', 'raw CPU ÷ CPU'],
    cells.map((c) => [
      c.v.name,
      c.link,
      Math.round(rate(c)).toLocaleString('en'),
      ratio(rate(c), rate(baseOf(c))),
      cpu(c).toFixed(2),
      ratio(cpu(baseOf(c)), cpu(c)),
    ]),
  )
  record(
    'throughput',
    Object.fromEntries(
      cells.map((c) => [
        `${c.v.name} [${c.link}]`,
        { messagesPerSecond: rate(c), cpuUsPerMessage: cpu(c), rateRatio: rate(c) / rate(baseOf(c)), cpuRatio: cpu(baseOf(c)) / cpu(c) },
      ]),
    ),
  )
}

if (process.argv.includes('--server')) serve()
else void main()
