/**
 * Customer → agent latency through the reference server at a fixed message rate, against a
 * bare `ws` echo server measured in the same run. Servers run in child processes; all
 * clients run here, so every time is read from one clock.
 *
 * - one hop: customer sends → agent receives the push (server: auth'd routing, SQLite commit,
 *   ack, push). Baseline: a client sends → the echo comes back (client → server → client).
 * - round trip: the agent replies at once → the customer receives the reply (two hops).
 *   Baseline: the echo is sent again at once → the second echo comes back.
 * Messages are 100 characters of text, sent open-loop on a fixed schedule spread over the customers.
 *
 *   npm run bench:server        (or: node scripts/run-ts.mjs bench/server-roundtrip.ts)
 *   options: --rate 200 (messages/s) --seconds 10 --customers 20
 */
import type WebSocket from 'ws'
import { arg, percentile, ratio, roundRobin, table } from './lib/report'
import { record } from './lib/results'
import { loginAgent, loginCustomers, openSocket, runChildIfAsked, startChild, type ChildServer } from './lib/server-processes'

const RATE = arg('rate', 200)
const SECONDS = arg('seconds', 10)
const CUSTOMERS = arg('customers', 20)
const WARMUP_SECONDS = 1
const TEXT = '你'.repeat(10) + 'x'.repeat(90)

interface Samples {
  oneHop: number[]
  roundTrip: number[]
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6

/** Sends `total` messages at RATE on a fixed schedule; `send(i)` sends message i. Resolves after the last send. */
function schedule(total: number, send: (i: number) => void): Promise<void> {
  const interval = 1000 / RATE
  const start = now()
  let sent = 0
  return new Promise((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((now() - start) / interval) + 1)
      while (sent < due) send(sent++)
      if (sent >= total) return resolve()
      setTimeout(tick, Math.max(0, start + sent * interval - now()))
    }
    tick()
  })
}

async function drained(done: () => boolean): Promise<void> {
  const deadline = now() + 10_000
  while (!done() && now() < deadline) await new Promise((r) => setTimeout(r, 10))
}

async function echoRun(server: ChildServer, total: number, warmup: number): Promise<Samples> {
  const url = server.url.replace('http', 'ws')
  const clients = await Promise.all(Array.from({ length: CUSTOMERS }, () => openSocket(url)))
  const sentAt = new Map<string, number>()
  const samples: Samples = { oneHop: [], roundTrip: [] }
  let finished = 0
  for (const ws of clients) {
    ws.on('message', (data: Buffer) => {
      const t = now()
      const frame = JSON.parse(data.toString()) as { id: string; hop: number; i: number }
      const t0 = sentAt.get(frame.id)!
      if (frame.hop === 1) {
        if (frame.i >= warmup) samples.oneHop.push(t - t0)
        ws.send(JSON.stringify({ ...frame, hop: 2 }))
      } else {
        if (frame.i >= warmup) samples.roundTrip.push(t - t0)
        finished++
      }
    })
  }
  await schedule(total, (i) => {
    const id = `e${i}`
    sentAt.set(id, now())
    roundRobin(clients, i).send(JSON.stringify({ type: 'message', id, i, hop: 1, kind: 'text', text: TEXT }))
  })
  await drained(() => finished === total)
  for (const ws of clients) ws.terminate()
  return samples
}

async function chatRun(server: ChildServer, total: number, warmup: number): Promise<Samples> {
  const agent = await openSocket(server.wsUrl, await loginAgent(server))
  const tokens = await loginCustomers(server, CUSTOMERS)
  const customers = await Promise.all(tokens.map((t) => openSocket(server.wsUrl, t)))
  const conversations = await Promise.all(customers.map((ws, i) => request(ws, { type: 'open', id: `open-${i}` })))
  const sentAt = new Map<string, number>()
  const index = new Map<string, number>()
  const samples: Samples = { oneHop: [], roundTrip: [] }
  let finished = 0
  agent.on('message', (data: Buffer) => {
    const t = now()
    const frame = JSON.parse(data.toString()) as { type: string; message?: { id: string; conversationId: string; from: { role: string } } }
    if (frame.type !== 'message' || frame.message?.from.role !== 'customer') return
    const m = frame.message
    if (index.get(m.id)! >= warmup) samples.oneHop.push(t - sentAt.get(m.id)!)
    agent.send(JSON.stringify({ type: 'message', id: `r-${m.id}`, conversationId: m.conversationId, kind: 'text', text: TEXT }))
  })
  for (const ws of customers) {
    ws.on('message', (data: Buffer) => {
      const t = now()
      const frame = JSON.parse(data.toString()) as { type: string; message?: { id: string; from: { role: string } } }
      if (frame.type !== 'message' || frame.message?.from.role !== 'agent') return
      const id = frame.message.id.slice(2)
      if (index.get(id)! >= warmup) samples.roundTrip.push(t - sentAt.get(id)!)
      finished++
    })
  }
  await schedule(total, (i) => {
    const id = `m${i}`
    sentAt.set(id, now())
    index.set(id, i)
    const conversationId = roundRobin(conversations, i).conversation.id
    roundRobin(customers, i).send(JSON.stringify({ type: 'message', id, conversationId, kind: 'text', text: TEXT }))
  })
  await drained(() => finished === total)
  for (const ws of [agent, ...customers]) ws.terminate()
  return samples
}

function request(ws: WebSocket, frame: { type: string; id: string }): Promise<{ conversation: { id: string } }> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer) => {
      const answer = JSON.parse(data.toString()) as {
        type: string
        id?: string
        data?: { conversation: { id: string } }
        error?: { code: string }
      }
      if (answer.type !== 'reply' || answer.id !== frame.id) return
      ws.off('message', onMessage)
      if (answer.error || !answer.data) reject(new Error(answer.error?.code ?? 'no data'))
      else resolve(answer.data)
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify(frame))
  })
}

async function main(): Promise<void> {
  const total = Math.round(RATE * (SECONDS + WARMUP_SECONDS))
  const warmup = Math.round(RATE * WARMUP_SECONDS)
  console.log(
    `Latency at ${RATE} messages/s for ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), ${CUSTOMERS} customers → 1 agent, 100-character text`,
  )
  const echoServer = await startChild('echo')
  const echo = await echoRun(echoServer, total, warmup)
  await echoServer.stop()
  const chatServer = await startChild('chat')
  const chat = await chatRun(chatServer, total, warmup)
  await chatServer.stop()

  const ms = (v: number) => `${v.toFixed(2)} ms`
  const row = (name: string, s: number[]) => [name, s.length, ms(percentile(s, 50)), ms(percentile(s, 99))]
  table(
    ['path', 'samples', 'p50', 'p99'],
    [
      row('bare ws echo, one hop', echo.oneHop),
      row('customer → agent (one hop)', chat.oneHop),
      row('bare ws echo, two hops', echo.roundTrip),
      row('customer → agent → customer', chat.roundTrip),
    ],
  )
  console.log(
    `\none hop: p50 ${ratio(percentile(chat.oneHop, 50), percentile(echo.oneHop, 50))}, p99 ${ratio(percentile(chat.oneHop, 99), percentile(echo.oneHop, 99))} of bare ws`,
  )
  console.log(
    `round trip: p50 ${ratio(percentile(chat.roundTrip, 50), percentile(echo.roundTrip, 50))}, p99 ${ratio(percentile(chat.roundTrip, 99), percentile(echo.roundTrip, 99))} of bare ws`,
  )
  const stats = (s: Samples) => ({
    oneHop: { samples: s.oneHop.length, p50: percentile(s.oneHop, 50), p99: percentile(s.oneHop, 99) },
    roundTrip: { samples: s.roundTrip.length, p50: percentile(s.roundTrip, 50), p99: percentile(s.roundTrip, 99) },
  })
  record('latency', { rate: RATE, seconds: SECONDS, customers: CUSTOMERS, echo: stats(echo), chat: stats(chat) })
}

if (!runChildIfAsked()) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
