/**
 * Long-polling vs WebSocket in the same run: agent → customer message latency p50/p99 and
 * HTTP requests per message at 1, 10 and 100 messages/s. The reference server runs in this
 * process (in memory); the agent is on a WebSocket; the customer is a ChatSocket on
 * `transports: ['polling']` (createFetchRequest, counted) or on WebSocket, one after the other
 * at each rate. Latency: from the agent's send to the customer's `message` event, one clock.
 *
 *   npm run bench:polling     (or: node scripts/run-ts.mjs bench/polling.ts)
 *   options: --seconds 5 (per rate and transport)
 */
import WebSocket from 'ws'
import { startServer } from '../server'
import { ChatSocket, createFetchRequest, createNodeConnectSocket, type Frame, type RequestFn } from '../src'
import { arg, percentile, ratio, table } from './lib/report'

const SECONDS = arg('seconds', 5)
const RATES = [1, 10, 100]
const now = (): number => Number(process.hrtime.bigint()) / 1e6

async function main(): Promise<void> {
  const server = await startServer({
    port: 0,
    dataDir: ':memory:',
    logLevel: 'silent',
    demoAgent: { password: 'bench-password-1' },
    rateLimit: { rate: 10_000, burst: 10_000 },
  })
  const post = async (path: string, body: unknown): Promise<{ token: string }> => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return (await res.json()) as { token: string }
  }
  const agentToken = (await post('/api/agent/login', { username: 'demo', password: 'bench-password-1' })).token
  const agent = new ChatSocket({
    url: `${server.wsUrl}?token=${agentToken}`,
    connectSocket: createNodeConnectSocket(WebSocket),
    lifecycle: false,
  })
  await agent.connect()
  await agent.request({ type: 'session' })
  const rows: Array<Array<string | number>> = []
  try {
    for (const rate of RATES) {
      const results: Record<string, { p50: number; p99: number; perMessage: number }> = {}
      for (const transport of ['websocket', 'polling'] as const) {
        const token = (await post('/api/login', { code: `bench-${transport}-${rate}` })).token
        let requests = 0
        const fetchRequest = createFetchRequest()
        const request: RequestFn = (o) => {
          requests++
          return fetchRequest(o)
        }
        const customer = new ChatSocket({
          url: `${server.wsUrl}?token=${token}`,
          connectSocket: createNodeConnectSocket(WebSocket),
          transports: [transport],
          request,
          lifecycle: false,
        })
        await customer.connect()
        const { conversation } = await customer.request<{ conversation: { id: string } }>({ type: 'open' })
        const sentAt = new Map<string, number>()
        const latencies: number[] = []
        customer.on('message', (f: Frame) => {
          const m = f.message as { text?: string } | undefined
          const t = f.type === 'message' && m?.text !== undefined ? sentAt.get(m.text) : undefined
          if (t !== undefined) latencies.push(now() - t)
        })
        const total = Math.max(5, Math.round(rate * SECONDS))
        const before = requests
        const start = now()
        for (let i = 0; i < total; i++) {
          const due = start + (i * 1000) / rate
          const wait = due - now()
          if (wait > 0) await new Promise((r) => setTimeout(r, wait))
          sentAt.set(`m${i}`, now())
          void agent.send({ type: 'message', conversationId: conversation.id, kind: 'text', text: `m${i}` })
        }
        const deadline = now() + 10_000
        while (latencies.length < total && now() < deadline) await new Promise((r) => setTimeout(r, 10))
        const perMessage = (requests - before) / total
        results[transport] = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), perMessage }
        if (latencies.length < total) console.error(`${transport} at ${rate}/s: only ${latencies.length}/${total} arrived`)
        customer.close()
      }
      const ws = results.websocket!
      const lp = results.polling!
      rows.push([
        `${rate}/s`,
        ws.p50.toFixed(2),
        ws.p99.toFixed(2),
        lp.p50.toFixed(2),
        lp.p99.toFixed(2),
        ratio(lp.p50, ws.p50),
        ratio(lp.p99, ws.p99),
        lp.perMessage.toFixed(2),
      ])
    }
  } finally {
    agent.close()
    await server.close()
  }
  console.log(`\nagent → customer latency (ms) and HTTP requests per message, ${SECONDS} s per rate and transport`)
  table(['rate', 'ws p50', 'ws p99', 'polling p50', 'polling p99', 'p50 vs ws', 'p99 vs ws', 'polling requests/msg'], rows)
}

void main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
