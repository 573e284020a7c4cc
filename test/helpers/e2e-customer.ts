/**
 * A customer for the e2e tests: logs in over HTTP (`POST /api/login`), talks through a real
 * ChatSocket on the Node adapter, with the shared chat logic (CustomerSession and its
 * ConversationClient), exactly as the mini-program does.
 */
import WebSocket from 'ws'
import { ChatSocket, createNodeConnectSocket } from '../../src'
import { CustomerSession, type ConversationClient, type Sender, type User } from '../../src/chat'

export interface Customer {
  user: User
  token: string
  socket: ChatSocket
  session: CustomerSession
  client: ConversationClient
  /** Text of every message that is not a system notice, in list order. */
  texts(): string[]
  /** Who is typing on the agent's side, as the last typing event said. */
  typing: Sender | null
  /** Resolves once `predicate()` holds, re-checked on every client event; rejects after `ms`. */
  until(predicate: () => boolean, what: string, ms?: number): Promise<void>
  /** POST /api/upload; resolves with the `/uploads/...` path. */
  upload(png: Buffer): Promise<string>
  close(): void
}

/** Resolves once `predicate()` holds; `subscribe(recheck)` hooks re-checks to events and returns its removal. */
export function until(subscribe: (recheck: () => void) => () => void, predicate: () => boolean, what: string, ms = 15_000): Promise<void> {
  if (predicate()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer)
      unsubscribe()
      if (error) reject(error)
      else resolve()
    }
    const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}`)), ms)
    const unsubscribe = subscribe(() => {
      if (predicate()) done()
    })
  })
}

export async function startCustomer(httpBase: () => string, code: string): Promise<Customer> {
  const res = await fetch(`${httpBase()}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  })
  if (res.status !== 200) throw new Error(`/api/login answered ${res.status}`)
  const { token, user } = (await res.json()) as { token: string; user: User }
  const socket = new ChatSocket({
    url: () => `${httpBase().replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`,
    connectSocket: createNodeConnectSocket(WebSocket),
    lifecycle: false,
    reconnect: { minDelay: 50, maxDelay: 500, minUptime: 200 },
  })
  const session = new CustomerSession({ socket })
  await session.start()
  const client = await session.open()
  const customer: Customer = {
    user,
    token,
    socket,
    session,
    client,
    typing: null,
    texts: () => client.messages.filter((m) => m.kind === 'text').map((m) => m.text ?? ''),
    until: (predicate, what, ms) =>
      until(
        (recheck) => {
          const offs = (['change', 'read', 'typing', 'conversation', 'state'] as const).map((type) => client.on(type, recheck))
          return () => offs.forEach((off) => off())
        },
        predicate,
        what,
        ms,
      ),
    upload: async (png) => {
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'photo.png')
      const up = await fetch(`${httpBase()}/api/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
      if (up.status !== 201) throw new Error(`/api/upload answered ${up.status}`)
      return ((await up.json()) as { url: string }).url
    },
    close: () => {
      session.dispose()
      socket.close()
    },
  }
  client.on('typing', (who) => {
    customer.typing = who
  })
  return customer
}
