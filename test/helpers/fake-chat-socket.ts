/**
 * An in-memory ChatSocketLike for chat-logic tests: records every send and request as a
 * call the test answers (ack, reply, fail), pushes frames, and drops/reopens the link.
 */
import type { ChatSocketLike } from '../../src/chat'
import { createEmitter } from '../../src/emitter'
import { SocketError, type ErrorCode } from '../../src/errors'
import type { ChatSocketEvents, Frame, RestoredSend, SendOptions, SocketState } from '../../src/types'

export interface FakeCall {
  kind: 'send' | 'request'
  frame: Frame & { id: string }
  opts: SendOptions | undefined
  settled: boolean
  resolve(value: unknown): void
  reject(error: Error): void
}

export class FakeChatSocket implements ChatSocketLike {
  state: SocketState
  readonly calls: FakeCall[] = []
  /** What `ChatSocket.restored` would hold: set by the test before the client is made. */
  restored: RestoredSend[] = []
  /** The same emitter as ChatSocket's: a throwing handler does not stop the others. */
  private readonly emitter = createEmitter<ChatSocketEvents>()
  private counter = 0

  constructor(state: SocketState = 'open') {
    this.state = state
  }

  on<K extends keyof ChatSocketEvents>(type: K, handler: (event: ChatSocketEvents[K]) => void): () => void {
    return this.emitter.on(type, handler)
  }

  send(msg: Frame, opts?: SendOptions): Promise<Frame> {
    return this.record('send', msg, opts) as Promise<Frame>
  }

  request(msg: Frame, opts?: SendOptions): Promise<unknown> {
    return this.record('request', msg, opts)
  }

  // ── test controls ──────────────────────────────────────────────────────────

  /** Handlers registered for `type`, or over all event types. */
  listenerCount(type?: keyof ChatSocketEvents): number {
    return this.emitter.listenerCount(type)
  }

  /** Unanswered calls, optionally only those whose frame has `type`. */
  pending(type?: string): FakeCall[] {
    return this.calls.filter((c) => !c.settled && (type === undefined || c.frame.type === type))
  }

  /** Every frame sent or requested with `type`, answered or not. */
  frames(type: string): Frame[] {
    return this.calls.filter((c) => c.frame.type === type).map((c) => c.frame)
  }

  /** The oldest unanswered call with a frame of `type`; throws when there is none. */
  take(type: string): FakeCall {
    const call = this.pending(type)[0]
    if (call === undefined) throw new Error(`no pending ${type} call (sent: ${this.calls.map((c) => c.frame.type).join(', ')})`)
    return call
  }

  ack(call: FakeCall, fields: Record<string, unknown> = {}): void {
    this.settle(call, () => call.resolve({ type: 'ack', id: call.frame.id, ...fields }))
  }

  reply(call: FakeCall, data: unknown): void {
    this.settle(call, () => call.resolve(data))
  }

  fail(call: FakeCall, error: Error): void {
    this.settle(call, () => call.reject(error))
  }

  /** A server push. */
  push(frame: Frame): void {
    this.emitter.emit('message', frame)
  }

  /** The link drops (with `code`, default 1006); the socket will reconnect. */
  drop(code = 1006, reason = ''): void {
    this.state = 'reconnecting'
    this.emitter.emit('close', { code, reason, willReconnect: true })
  }

  /** The socket reports an error; the default, CONNECT_FAILED, is a connect attempt that failed (it will try again). */
  error(code: ErrorCode = 'CONNECT_FAILED'): void {
    if (code === 'CONNECT_FAILED') this.state = 'reconnecting'
    this.emitter.emit('error', new SocketError(code, `${code} (fake)`))
  }

  /** The link is (back) up. */
  open(): void {
    this.state = 'open'
    this.emitter.emit('open', undefined)
  }

  private record(kind: FakeCall['kind'], msg: Frame, opts: SendOptions | undefined): Promise<unknown> {
    const frame = { ...msg, id: msg.id ?? `f-${++this.counter}` }
    return new Promise((resolve, reject) => {
      this.calls.push({ kind, frame, opts, settled: false, resolve, reject })
    })
  }

  private settle(call: FakeCall, answer: () => void): void {
    if (call.settled) throw new Error(`call ${call.frame.id} (${call.frame.type}) was answered already`)
    call.settled = true
    answer()
  }
}

/** Lets pending promise chains run (no timers involved, so it works under fake timers). */
export async function flushPromises(rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve()
}
