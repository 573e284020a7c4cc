/**
 * Throughput over loopback with 1 KB JSON messages: ChatSocket with acks and with `ack: false`,
 * against the raw SocketTask (the wx.connectSocket shim over `ws`) on the same server, in the
 * same run, rounds interleaved. The server runs in a child process so client and server do not
 * share one event loop.
 *
 *   npm run bench:socket            (or: node scripts/run-ts.mjs bench/socket-throughput.ts)
 *   options: --messages 20000 --rounds 5
 */
import { fork } from 'node:child_process'
import { WebSocketServer } from 'ws'
import { ChatSocket } from '../src'
import { createWxSocketShim } from '../test/helpers/wx-socket'
import { arg, median, ratio, table } from './lib/report'

const MESSAGES = arg('messages', 20000)
const ROUNDS = arg('rounds', 5)
const TEXT = 'x'.repeat(960) // with the envelope, each frame is ~1 KB

// ── server (child process) ──────────────────────────────────────────────────
// `?mode=ack`: ack every frame with an id. `?mode=count&n=N`: no acks; send `done` after N frames.
function serve(): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  wss.on('listening', () => process.send?.({ port: (wss.address() as { port: number }).port }))
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
  process.on('disconnect', () => process.exit(0))
}

// ── clients ─────────────────────────────────────────────────────────────────
type Variant = (url: string) => Promise<number> // resolves with elapsed ms

const message = (i: number) => ({ type: 'message', id: `m${i}`, text: TEXT })

/** Raw SocketTask, no acks: stringify and send every message, done when the server has all. */
const rawNoAck: Variant = (url) =>
  new Promise((resolve) => {
    const task = createWxSocketShim()({ url: `${url}?mode=count&n=${MESSAGES}` })
    let started = 0
    task.onMessage(() => {
      resolve(performance.now() - started)
      task.close({ code: 1000, reason: '' })
    })
    task.onOpen(() => {
      started = performance.now()
      for (let i = 0; i < MESSAGES; i++) task.send({ data: JSON.stringify(message(i)) })
    })
  })

/** Raw SocketTask with server acks, matched by hand: parse each ack, done at the last. */
const rawAck: Variant = (url) =>
  new Promise((resolve) => {
    const task = createWxSocketShim()({ url: `${url}?mode=ack` })
    const waiting = new Set<string>()
    let started = 0
    task.onMessage(({ data }) => {
      const frame = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8')) as { id: string }
      waiting.delete(frame.id)
      if (waiting.size === 0) {
        resolve(performance.now() - started)
        task.close({ code: 1000, reason: '' })
      }
    })
    task.onOpen(() => {
      started = performance.now()
      for (let i = 0; i < MESSAGES; i++) {
        waiting.add(`m${i}`)
        task.send({ data: JSON.stringify(message(i)) })
      }
    })
  })

function chatSocket(url: string, ack: boolean): ChatSocket {
  return new ChatSocket({
    url,
    connectSocket: createWxSocketShim(),
    lifecycle: false,
    ack,
    queue: { maxSize: MESSAGES, sendTimeout: 120_000 },
  })
}

/** ChatSocket with acks: every send's promise resolved. */
const socketAck: Variant = async (url) => {
  const socket = chatSocket(`${url}?mode=ack`, true)
  await socket.connect()
  const started = performance.now()
  const sends: Array<Promise<unknown>> = []
  for (let i = 0; i < MESSAGES; i++) sends.push(socket.send({ type: 'message', text: TEXT }))
  await Promise.all(sends)
  const elapsed = performance.now() - started
  socket.close()
  return elapsed
}

/** ChatSocket with `ack: false`: done when the server has all of them. */
const socketNoAck: Variant = async (url) => {
  const socket = chatSocket(`${url}?mode=count&n=${MESSAGES}`, false)
  await socket.connect()
  const done = new Promise<void>((resolve) => socket.once('message', () => resolve()))
  const started = performance.now()
  for (let i = 0; i < MESSAGES; i++) void socket.send({ type: 'message', text: TEXT })
  await done
  const elapsed = performance.now() - started
  socket.close()
  return elapsed
}

async function main(): Promise<void> {
  const child = fork(process.argv[1]!, ['--server'], { stdio: 'inherit' })
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)))
  const url = `ws://127.0.0.1:${port}/`
  const variants: Array<[string, Variant]> = [
    ['raw SocketTask, no acks', rawNoAck],
    ['ChatSocket, ack: false', socketNoAck],
    ['raw SocketTask + hand-matched acks', rawAck],
    ['ChatSocket, acks', socketAck],
  ]
  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]))
  // One warm-up round, then interleaved rounds so machine noise hits every variant alike.
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, run] of variants) {
      const ms = await run(url)
      if (round >= 0) times.get(name)?.push(ms)
    }
  }
  child.kill()
  const rate = (name: string) => MESSAGES / (median(times.get(name) ?? []) / 1000)
  const raw = rate('raw SocketTask, no acks')
  const rawAcked = rate('raw SocketTask + hand-matched acks')
  console.log(`\nThroughput, ${MESSAGES} messages of ~1 KB over loopback, median of ${ROUNDS} interleaved rounds\n`)
  table(
    ['variant', 'messages/s', '× raw no-ack', '× raw acked'],
    variants.map(([name]) => [name, Math.round(rate(name)).toLocaleString('en'), ratio(rate(name), raw), ratio(rate(name), rawAcked)]),
  )
}

if (process.argv.includes('--server')) serve()
else void main()
