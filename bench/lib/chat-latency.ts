/**
 * Customer → agent latency at a fixed, open-loop message rate through the reference server:
 * shared by bench/server-roundtrip.ts and bench/cluster.ts.
 */
import type WebSocket from 'ws'
import { roundRobin } from './report'
import { loginAgent, loginCustomers, openSocket, type ChildServer } from './server-processes'

export const TEXT = '你'.repeat(10) + 'x'.repeat(90)

/** Where a chat server is reached: HTTP for logins, the socket URL for clients. */
export type ChatEndpoint = Pick<ChildServer, 'url' | 'wsUrl'>

export interface Samples {
  oneHop: number[]
  roundTrip: number[]
}

export const now = (): number => Number(process.hrtime.bigint()) / 1e6

/** Sends `total` messages at RATE on a fixed schedule; `send(i)` sends message i. Resolves after the last send. */
export function schedule(rate: number, total: number, send: (i: number) => void): Promise<void> {
  const interval = 1000 / rate
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

export async function drained(done: () => boolean): Promise<void> {
  const deadline = now() + 10_000
  while (!done() && now() < deadline) await new Promise((r) => setTimeout(r, 10))
}

export async function chatRun(
  server: ChatEndpoint,
  rate: number,
  total: number,
  warmup: number,
  tag: string,
  customerCount: number,
): Promise<Samples> {
  const agent = await openSocket(server.wsUrl, await loginAgent(server))
  const tokens = await loginCustomers(server, customerCount)
  const customers = await Promise.all(tokens.map((t) => openSocket(server.wsUrl, t)))
  const conversations = await Promise.all(customers.map((ws, i) => request(ws, { type: 'open', id: `${tag}open-${i}` })))
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
  await schedule(rate, total, (i) => {
    const id = `${tag}m${i}`
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
