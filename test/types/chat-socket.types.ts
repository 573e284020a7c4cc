/**
 * Type tests, checked by `tsc --noEmit` (part of `npm test`). Each `@ts-expect-error` must
 * be an error: if the typing regresses and accepts the line, tsc fails on the unused directive.
 */
import {
  ChatSocket,
  createNodeConnectSocket,
  type AckFrame,
  type ChatSocketEvents,
  type CloseEvent,
  type ErrorCode,
  type Frame,
  type SocketError,
  type SocketState,
} from '../../src'
import WebSocket from 'ws'

declare const socket: ChatSocket

// ── the event map ───────────────────────────────────────────────────────────
socket.on('close', (e) => {
  const willReconnect: boolean = e.willReconnect
  const code: number = e.code
  const reason: string = e.reason
  void [willReconnect, code, reason]
  // @ts-expect-error close events have no attempt
  void e.attempt
})
socket.on('reconnecting', ({ attempt, delay }) => {
  const n: number = attempt + delay
  void n
})
socket.on('state', ({ from, to }) => {
  const states: SocketState[] = [from, to]
  // @ts-expect-error 'dead' is not a state
  const bad: SocketState = 'dead'
  void [states, bad]
})
socket.on('error', (e) => {
  const err: SocketError = e
  const code: ErrorCode = e.code
  // @ts-expect-error codes are a closed union
  const bad: ErrorCode = 'OOPS'
  void [err, code, bad]
})
socket.on('message', (frame) => {
  const type: string = frame.type
  void type
})
socket.on('open', () => undefined)

// @ts-expect-error unknown event names are rejected
socket.on('opened', () => undefined)
// @ts-expect-error the handler must accept the event's type
socket.on('reconnecting', (e: { attempt: string }) => void e)
// @ts-expect-error off() also checks the name
socket.off('closing', () => undefined)

const unsubscribe: () => void = socket.on('open', () => undefined)
const unsubscribeOnce: () => void = socket.once('close', (e: CloseEvent) => void e)
void [unsubscribe, unsubscribeOnce]

// ── send and request ────────────────────────────────────────────────────────
async function sends(): Promise<void> {
  const ack: AckFrame = await socket.send({ type: 'message', text: 'hi', conversationId: 'c1' })
  const id: string = ack.id
  void id
  interface TextMessage {
    type: 'message'
    text: string
  }
  const typed: TextMessage = { type: 'message', text: 'interface-typed messages are accepted' }
  await socket.send(typed)
  await socket.send({ type: 'typing' }, { ack: false, timeout: 1000 })

  const page = await socket.request<{ messages: Frame[]; hasMore: boolean }>({ type: 'sync', conversationId: 'c1', afterSeq: 0 })
  const more: boolean = page.hasMore
  void more

  // @ts-expect-error a message needs a type
  await socket.send({ text: 'no type' })
  // @ts-expect-error ids are strings
  await socket.send({ type: 'message', id: 42 })
  // @ts-expect-error request always waits for a reply: no ack option
  await socket.request({ type: 'sync' }, { ack: false })
  // @ts-expect-error timeout is a number of ms
  await socket.send({ type: 'message' }, { timeout: '5s' })
}
void sends

// ── options ─────────────────────────────────────────────────────────────────
new ChatSocket({ url: 'ws://x', connectSocket: createNodeConnectSocket(WebSocket), heartbeat: false, reconnect: { jitter: 0 } })
new ChatSocket({ url: async () => 'ws://x', header: () => ({ Authorization: 'Bearer t' }) })
// @ts-expect-error url is required
new ChatSocket({ connectSocket: createNodeConnectSocket(WebSocket) })
// @ts-expect-error heartbeat is an object or false, not true
new ChatSocket({ url: 'ws://x', heartbeat: true })
// @ts-expect-error misspelt options are caught
new ChatSocket({ url: 'ws://x', hearbeat: { interval: 1000 } })
// @ts-expect-error header values are strings
new ChatSocket({ url: 'ws://x', header: { 'X-Count': 1 } })

// The event map is exported for wrappers.
type OpenPayload = ChatSocketEvents['open']
const nothing: OpenPayload = undefined
void nothing
