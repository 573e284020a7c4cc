/**
 * Soak: many messages and many reconnects through the real reference server, watching that
 * nothing grows. The server runs in a child process (as in the other server benches); the
 * customers and the agent are ChatSockets (Node adapter) here. Customers send text messages,
 * a few in flight each; every `messages / reconnects` messages one customer's link is cut
 * (the `ws` under its SocketTask is terminated, as a phone losing its network), so ChatSocket
 * reconnects and replays what was unacked. The demo agent receives every message.
 *
 * At start (connected, before any message), middle and end (after the last ack, links still
 * open) the server's and this process's heap, RSS, external memory and active handles are read
 * after a forced GC. The aim (issue 9): flat, the end within 10% of the middle. The run also
 * checks what it exercised: every message acked once and received by the agent exactly once.
 *
 *   npm run bench:soak        (node scripts/run-ts.mjs bench/soak.ts)
 *   options: --messages 100000 --reconnects 1000 --customers 20 --window 8
 *   a short run: npm run bench:soak -- --messages 10000 --reconnects 100
 */
import WebSocket from 'ws'
import { ChatSocket, createNodeConnectSocket } from '../src'
import type { ConnectSocket } from '../src/types'
import { arg, table } from './lib/report'
import { record } from './lib/results'
import { loginAgent, loginCustomers, measureHere, runChildIfAsked, startChild, type Memory } from './lib/server-processes'

const MESSAGES = arg('messages', 100_000)
const RECONNECTS = arg('reconnects', 1_000)
const CUSTOMERS = arg('customers', 20)
/** Sends in flight per customer (awaiting their ack). */
const WINDOW = arg('window', 8)
const TEXT = '你好'.repeat(10) + 'x'.repeat(40)

interface Customer {
  socket: ChatSocket
  /** Cuts the current link (no close frame), as a lost network does. */
  cut(): boolean
}

/** A Node connectSocket that remembers the latest `ws`, so the bench can cut it. */
function cuttable(): { connectSocket: ConnectSocket; cut(): boolean } {
  let current: WebSocket | null = null
  class Tracked extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      current = this // eslint-disable-line @typescript-eslint/no-this-alias
    }
  }
  return {
    connectSocket: createNodeConnectSocket(Tracked),
    cut: () => {
      if (current?.readyState !== WebSocket.OPEN) return false
      current.terminate()
      return true
    },
  }
}

function socketFor(url: string, connectSocket: ConnectSocket): ChatSocket {
  return new ChatSocket({
    url,
    connectSocket,
    lifecycle: false,
    heartbeat: false,
    reconnect: { minDelay: 5, maxDelay: 50, minUptime: 50 },
    queue: { maxSize: WINDOW * 4 },
  })
}

interface Sample {
  at: string
  server: Memory
  client: Memory
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
const change = (to: number, from: number): string => `${(((to - from) / from) * 100).toFixed(1)}%`

async function main(): Promise<void> {
  const server = await startChild('chat')
  const started = Date.now()
  try {
    const agentToken = await loginAgent(server)
    const tokens = await loginCustomers(server, CUSTOMERS)
    const agent = socketFor(`${server.wsUrl}?token=${encodeURIComponent(agentToken)}`, createNodeConnectSocket(WebSocket))
    // Per message index, allocated once (so the bench's own bookkeeping does not grow with the
    // run and pass for a leak): acks seen, and copies the agent received (the text starts with the index).
    const ackedAt = new Uint8Array(MESSAGES)
    const receivedAt = new Uint8Array(MESSAGES)
    let receivedCount = 0
    agent.on('message', (frame) => {
      const m = frame.type === 'message' ? (frame.message as { text?: string; from?: { role?: string } } | undefined) : undefined
      if (m?.from?.role !== 'customer' || typeof m.text !== 'string') return
      const i = Number.parseInt(m.text, 10)
      if (i >= 0 && i < MESSAGES) {
        receivedAt[i] = Math.min(255, receivedAt[i]! + 1)
        receivedCount++
      }
    })
    await agent.connect()
    await agent.request({ type: 'session' })
    const customers: Customer[] = tokens.map((token) => {
      const link = cuttable()
      return { socket: socketFor(`${server.wsUrl}?token=${encodeURIComponent(token)}`, link.connectSocket), cut: link.cut }
    })
    await Promise.all(customers.map((c) => c.socket.connect()))
    // Links opened after the first: the reconnects ChatSocket actually made.
    let reopened = 0
    for (const c of customers) c.socket.on('open', () => void reopened++)
    // One message each first, so every conversation exists and is routed before the start sample.
    await Promise.all(customers.map((c) => c.socket.send({ type: 'message', kind: 'text', text: 'warm-up' })))

    const samples: Sample[] = []
    const sample = async (at: string): Promise<void> => {
      samples.push({ at, server: await server.memory(), client: measureHere() })
    }
    await sample('start')

    let next = 0
    let acked = 0
    let reconnects = 0
    let failures = 0
    const cutEvery = RECONNECTS > 0 ? Math.max(1, Math.floor(MESSAGES / RECONNECTS)) : Infinity
    // Set inside an ack callback: typed by assertion so TypeScript does not narrow them to null.
    let middle = null as Promise<void> | null
    let paused = null as Promise<void> | null
    // Each customer keeps WINDOW sends in flight; the middle sample pauses every sender until it is taken.
    const sender = async (customer: Customer): Promise<void> => {
      const inFlight = new Set<Promise<void>>()
      while (next < MESSAGES) {
        if (paused !== null) {
          await Promise.all(inFlight)
          await paused
          continue
        }
        const i = next++
        if ((i + 1) % cutEvery === 0 && reconnects < RECONNECTS) {
          // Cut a customer that is not mid-reconnect (the next one round-robin that is open).
          for (let k = 0; k < customers.length; k++) {
            if (customers[(Math.floor(i / cutEvery) + k) % customers.length]!.cut()) {
              reconnects++
              break
            }
          }
        }
        const sent: Promise<void> = customer.socket
          .send({ type: 'message', kind: 'text', text: `${i} ${TEXT}` })
          .then(
            () => {
              if (ackedAt[i]!++ > 0) failures++
              acked++
              if (acked === Math.floor(MESSAGES / 2) && middle === null) {
                let resume!: () => void
                paused = new Promise((r) => (resume = r))
                middle = (async () => {
                  // Let every sender drain its window, then sample with nothing in flight.
                  while (customers.some((c) => c.socket.pending > 0)) await new Promise((r) => setTimeout(r, 10))
                  await sample('middle')
                  paused = null
                  resume()
                })()
              }
            },
            () => void failures++,
          )
          .finally(() => inFlight.delete(sent))
        inFlight.add(sent)
        if (inFlight.size >= WINDOW) await Promise.race(inFlight)
      }
      await Promise.all(inFlight)
    }
    await Promise.all(customers.map(sender))
    await middle
    const deadline = Date.now() + 30_000
    while (receivedCount < acked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await sample('end')

    const seconds = (Date.now() - started) / 1000
    let doubled = 0
    let missing = 0
    for (let i = 0; i < MESSAGES; i++) {
      if (receivedAt[i]! > 1) doubled++
      if (ackedAt[i]! > 0 && receivedAt[i] === 0) missing++
    }
    console.log(
      `\nsoak: ${acked.toLocaleString('en')} of ${MESSAGES.toLocaleString('en')} messages acked, ${reconnects} links cut and ${reopened} reopened, ${CUSTOMERS} customers (window ${WINDOW}), ${seconds.toFixed(0)} s`,
    )
    console.log(`at the agent: ${missing} acked but not received, ${doubled} received twice or more; ${failures} failed or acked twice\n`)
    const rows: Array<Array<string | number>> = []
    for (const side of ['server', 'client'] as const) {
      for (const s of samples) {
        const m = s[side]
        rows.push([side, s.at, mb(m.heapUsed), mb(m.rss), mb(m.external), m.handles])
      }
    }
    table(['process', 'at', 'heap MB', 'RSS MB', 'external MB', 'handles'], rows)
    const [, mid, end] = samples as [Sample, Sample, Sample]
    console.log('\nend against middle (aim: within 10%):\n')
    const within = (to: number, from: number): boolean => Math.abs((to - from) / from) <= 0.1
    table(
      ['process', 'heap', 'RSS', 'handles', 'aim (all three within 10%)'],
      (['server', 'client'] as const).map((side) => {
        const [m, e] = [mid[side], end[side]]
        const met = within(e.heapUsed, m.heapUsed) && within(e.rss, m.rss) && within(e.handles, m.handles)
        return [side, change(e.heapUsed, m.heapUsed), change(e.rss, m.rss), `${m.handles} → ${e.handles}`, met ? 'met' : 'missed']
      }),
    )
    record('soak', { messages: acked, reconnects, reopened, samples, missing, doubled, failures })
    agent.close()
    for (const c of customers) c.socket.close()
    if (missing > 0 || doubled > 0 || failures > 0 || acked !== MESSAGES) process.exitCode = 1
  } finally {
    await server.stop()
  }
}

if (!runChildIfAsked()) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
