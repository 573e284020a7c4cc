import { createEmitter, type Emitter } from '../emitter'
import { ErrorCodes, SocketError } from '../errors'
import { createIdGenerator } from '../ids'
import { SendQueue, type Push } from '../send-queue'
import type { Frame } from '../types'
import { HELLO_EVENT, KEY_FIELD } from './exactly-once'
import { describe, type LinkCloseReason, type Manager, type NamespaceSink } from './manager'
import { PacketTypes, RESERVED_EVENTS, encodePacket, type Packet } from './packet'
import type { AuthOption, ResolvedManagerOptions } from './options'

/** Why a namespace socket disconnected, in socket.io-client's words. */
export type DisconnectReason = LinkCloseReason | 'io client disconnect'

/**
 * A namespace socket's explicit states (`active` says whether it wants to be connected):
 * ```
 * disconnected ─connect()→ connecting ─CONNECT ack→ connected ─link lost→ connecting …
 *      ↑  └─CONNECT_ERROR or disconnect()─┘                └─server DISCONNECT or disconnect()→ disconnected
 * ```
 */
export type NamespaceState = 'disconnected' | 'connecting' | 'connected'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void

/** An emit waiting in the namespace's queue: the event and its arguments, with its idempotency key as `id`. */
interface EmitFrame extends Frame {
  type: 'emit'
  id: string
  event: string
  args: unknown[]
}

/** The error of `connect_error`: CONNECT_FAILED (no link) or SERVER (a middleware refused; `data` is what it sent). */
export interface ConnectError extends SocketError {
  data?: unknown
}

export interface SocketInit {
  auth: AuthOption | undefined
  autoConnect: boolean
}

/** `socket.timeout(ms)`: emits whose ack must come within `ms` of connected time. */
export interface TimedEmitter {
  /** The ack callback gets `(err, ...args)`: err a SocketError TIMEOUT, or null. */
  emit(event: string, ...args: unknown[]): void
  emitWithAck<T = unknown>(event: string, ...args: unknown[]): Promise<T>
}

/**
 * One namespace over a shared link, with socket.io-client's API. Emits wait in a bounded
 * queue (the library's SendQueue) while disconnected and go out in order on connect; acked
 * emits stay queued until their ack and are resent, in order and all at once (pipelined),
 * after a reconnect, under the same idempotency key.
 */
export class Socket implements NamespaceSink {
  private readonly emitter: Emitter<Record<string, unknown[]>>
  private readonly listeners = new Map<string, Array<{ fn: Listener; off: () => void }>>()
  private readonly queue: SendQueue
  private readonly makeKey: () => string
  private readonly opts: ResolvedManagerOptions
  private _state: NamespaceState = 'disconnected'
  private _active = false
  private _id: string | undefined
  /** Bumped at every CONNECT sent and every close: answers to an older connection are ignored. */
  private connection = 0
  /** The server's exactly-once helper announced itself on the current connection: emits carry their key. */
  private keyed = false
  private helloSeen = false
  private ackIds = new Map<number, string>()
  private nextAckId = 0
  /** Events that arrived before the CONNECT ack, emitted right after `connect`. */
  private early: unknown[][] = []

  constructor(
    readonly io: Manager,
    readonly nsp: string,
    private readonly init: SocketInit,
  ) {
    this.opts = io.opts
    const clock = this.opts.clock
    this.emitter = createEmitter({
      report: (err) =>
        clock.setTimeout(() => {
          throw err
        }, 0),
    })
    this.makeKey = this.opts.generateId ?? createIdGenerator(this.opts.random, () => clock.now())
    this.queue = new SendQueue(clock, (p, phase) =>
      phase === 'open'
        ? new SocketError(ErrorCodes.TIMEOUT, `no ack to ${describeEmit(p)} within its timeout of connected time`, { id: p.id })
        : new SocketError(ErrorCodes.TIMEOUT, `${describeEmit(p)} could not be sent: not connected within queue.offlineTimeout`, {
            id: p.id,
          }),
    )
    if (init.autoConnect) this.connect()
  }

  /** The server's id for this socket while connected. */
  get id(): string | undefined {
    return this._id
  }

  get connected(): boolean {
    return this._state === 'connected'
  }

  get disconnected(): boolean {
    return this._state !== 'connected'
  }

  /** Wants to be connected: it reconnects with the link. False after `disconnect()`, a server DISCONNECT or a CONNECT_ERROR. */
  get active(): boolean {
    return this._active
  }

  get state(): NamespaceState {
    return this._state
  }

  /** Emits waiting to be sent or for their ack. */
  get pending(): number {
    return this.queue.size
  }

  /** The key the helper dedups by travels with every acked emit on this connection. */
  get exactlyOnce(): boolean {
    return this.connected && this.keyed
  }

  connect(): this {
    if (this._active) return this
    this._active = true
    this._state = 'connecting'
    this.io.attach(this)
    return this
  }

  /** socket.io-client's alias of `connect()`. */
  open(): this {
    return this.connect()
  }

  /**
   * Leaves the namespace (the link closes when no namespace is left). Emits still pending
   * reject with CLOSED; `connect()` joins again.
   */
  disconnect(): this {
    const wasConnected = this.connected
    if (wasConnected) this.io.write({ type: PacketTypes.DISCONNECT, nsp: this.nsp })
    this.deactivate()
    this.queue.rejectAll(() => new SocketError(ErrorCodes.CLOSED, 'the socket was disconnected by disconnect()'))
    if (wasConnected) this.fire('disconnect', ['io client disconnect'])
    return this
  }

  close(): this {
    return this.disconnect()
  }

  on(event: string, fn: Listener): () => void {
    return this.listen(event, fn, false)
  }

  once(event: string, fn: Listener): () => void {
    return this.listen(event, fn, true)
  }

  /** Removes `fn`, every listener of `event`, or every listener. */
  off(event?: string, fn?: Listener): this {
    if (event === undefined) {
      for (const list of this.listeners.values()) for (const l of list) l.off()
      this.listeners.clear()
      return this
    }
    const list = this.listeners.get(event) ?? []
    for (const l of list.filter((x) => fn === undefined || x.fn === fn)) l.off()
    return this
  }

  listenerCount(event?: string): number {
    return this.emitter.listenerCount(event)
  }

  /**
   * Emits an event; a function as the last argument is the ack callback (called with the
   * server's ack arguments; no timeout unless `timeout(ms)`). Buffered in order while
   * disconnected (at most `queue.maxSize`; beyond that throws QUEUE_FULL). Without an ack it
   * is sent once, on the first connection.
   */
  emit(event: string, ...args: unknown[]): this {
    const last = args[args.length - 1]
    const cb = typeof last === 'function' ? (args.pop() as Listener) : undefined
    this.checkEvent(event)
    this.checkEncodable(event, args)
    if (this.queue.size >= this.opts.queue.maxSize && (cb !== undefined || !this.connected)) {
      throw new SocketError(ErrorCodes.QUEUE_FULL, `${this.queue.size} emits are already waiting (queue.maxSize)`)
    }
    if (cb !== undefined) {
      this.enqueue(event, args, true, Infinity).then(
        (ackArgs) => cb(...ackArgs),
        () => undefined, // socket.io-client calls a callback without timeout only with an ack
      )
    } else if (this.connected) {
      this.io.write({ type: PacketTypes.EVENT, nsp: this.nsp, data: [event, ...args] })
    } else {
      this.enqueue(event, args, false, Infinity).catch(() => undefined)
    }
    return this
  }

  /** socket.io-client's `send(...args)`: `emit('message', ...args)`. */
  send(...args: unknown[]): this {
    return this.emit('message', ...args)
  }

  /**
   * Emits and resolves with the first argument of the server's ack, as socket.io-client does.
   * Rejects with TIMEOUT after `queue.sendTimeout` ms of connected time without an ack (see
   * `timeout(ms)`), QUEUE_FULL, CLOSED after `disconnect()`, SEND_FAILED for arguments that
   * cannot be encoded.
   */
  emitWithAck<T = unknown>(event: string, ...args: unknown[]): Promise<T> {
    return this.acked(event, args, this.opts.queue.sendTimeout).then((a) => a[0] as T)
  }

  /** Emits with an ack deadline of `ms` of connected time: `socket.timeout(5000).emitWithAck('slow', 1)`. */
  timeout(ms: number): TimedEmitter {
    if (typeof ms !== 'number' || !(ms > 0)) throw new RangeError(`timeout(ms): ms must be a positive number, got ${String(ms)}`)
    return {
      emit: (event, ...args) => {
        const last = args[args.length - 1]
        if (typeof last !== 'function') {
          this.emit(event, ...args)
          return
        }
        args.pop()
        const cb = last as Listener
        this.acked(event, args, ms).then(
          (ackArgs) => cb(null, ...ackArgs),
          (err: unknown) => cb(err),
        )
      },
      emitWithAck: <T>(event: string, ...args: unknown[]) => this.acked(event, args, ms).then((a) => a[0] as T),
    }
  }

  // ── what the manager tells ────────────────────────────────────────────────

  linkOpen(): void {
    if (!this._active) return
    const connection = ++this.connection
    this._state = 'connecting'
    this.helloSeen = false
    this.resolveAuth((err, auth) => {
      if (connection !== this.connection || !this._active) return
      if (err !== undefined) {
        return this.fire('connect_error', [
          new SocketError(ErrorCodes.CONNECT_FAILED, `the auth function failed: ${describe(err)}`, { cause: err }),
        ])
      }
      this.io.write({ type: PacketTypes.CONNECT, nsp: this.nsp, ...(auth !== undefined && { data: auth }) })
    })
  }

  packet(packet: Packet): void {
    switch (packet.type) {
      case PacketTypes.CONNECT:
        return this.connectAck(packet.data as { sid?: unknown } | undefined)
      case PacketTypes.CONNECT_ERROR:
        return this.refused(packet.data)
      case PacketTypes.EVENT:
        return this.event(packet.data as unknown[], packet.id)
      case PacketTypes.ACK:
        return this.ack(packet.id!, packet.data as unknown[])
      case PacketTypes.DISCONNECT:
        return this.serverDisconnect()
      default:
        return
    }
  }

  linkClosed(reason: LinkCloseReason): void {
    const was = this.connected
    this.connectionLost()
    if (this._active) this._state = 'connecting'
    if (was) this.fire('disconnect', [reason])
  }

  linkFailed(error: SocketError): void {
    if (this._active && !this.connected) this.fire('connect_error', [error])
  }

  gaveUp(error: SocketError): void {
    this.deactivate()
    this.queue.rejectAll(() => error)
  }

  // ── incoming ──────────────────────────────────────────────────────────────

  private connectAck(data: { sid?: unknown } | undefined): void {
    if (this._state !== 'connecting') return
    this._state = 'connected'
    this._id = typeof data?.sid === 'string' ? data.sid : undefined
    this.keyed = this.helloSeen
    this.ackIds = new Map()
    this.nextAckId = 0
    // Everything buffered goes out before `connect` handlers run, so their emits queue behind it.
    const connection = this.connection
    for (let push = this.queue.nextUnsent(); push !== undefined; push = this.queue.nextUnsent()) {
      if (connection !== this.connection) return
      this.transmit(push)
    }
    if (connection !== this.connection) return
    this.fire('connect', [])
    const early = this.early
    this.early = []
    for (const args of early) {
      if (connection !== this.connection) return
      this.fire(args[0] as string, args.slice(1))
    }
  }

  private refused(data: unknown): void {
    if (!this._active) return
    const body = (typeof data === 'object' && data !== null ? data : { message: data }) as { message?: unknown; data?: unknown }
    const error: ConnectError = new SocketError(ErrorCodes.SERVER, typeof body.message === 'string' ? body.message : 'connection refused', {
      cause: body.data,
    })
    if (body.data !== undefined) error.data = body.data
    this.deactivate()
    this.fire('connect_error', [error])
  }

  private event(data: unknown[], ackId: number | undefined): void {
    if (data[0] === HELLO_EVENT) {
      this.helloSeen = true
      if (this.connected) this.keyed = true
      return
    }
    const args = data.slice()
    if (ackId !== undefined) args.push(this.ackFunction(ackId))
    if (this.connected) this.fire(String(data[0]), args.slice(1))
    else if (this._state === 'connecting') this.early.push(args)
  }

  private ackFunction(id: number): Listener {
    const connection = this.connection
    let sent = false
    return (...args: unknown[]) => {
      if (sent || connection !== this.connection || !this.connected) return
      sent = true
      this.io.write({ type: PacketTypes.ACK, nsp: this.nsp, id, data: args })
    }
  }

  private ack(id: number, args: unknown[]): void {
    const key = this.ackIds.get(id)
    if (key === undefined) return // an ack for nothing pending (a second ack after a resend): not an error
    this.ackIds.delete(id)
    const push = this.queue.take(key)
    push?.resolve(args)
  }

  private serverDisconnect(): void {
    const was = this.connected
    this.deactivate()
    if (was) this.fire('disconnect', ['io server disconnect'])
  }

  // ── outgoing ──────────────────────────────────────────────────────────────

  private acked(event: string, args: unknown[], timeout: number): Promise<unknown[]> {
    try {
      this.checkEvent(event)
      this.checkEncodable(event, args)
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)))
    }
    if (typeof timeout !== 'number' || !(timeout > 0)) {
      return Promise.reject(new RangeError('emitWithAck: the ack timeout must be a positive number of ms'))
    }
    if (this.queue.size >= this.opts.queue.maxSize) {
      return Promise.reject(new SocketError(ErrorCodes.QUEUE_FULL, `${this.queue.size} emits are already waiting (queue.maxSize)`))
    }
    return this.enqueue(event, args, true, timeout)
  }

  private enqueue(event: string, args: unknown[], expectAck: boolean, timeout: number): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const id = this.makeKey()
      const frame: EmitFrame = { type: 'emit', id, event, args }
      const push: Push = {
        id,
        frame,
        kind: 'send',
        expectAck,
        openLeft: timeout,
        offlineLeft: this.opts.queue.offlineTimeout,
        since: 0,
        deadline: Infinity,
        sent: false,
        resolve: resolve,
        reject,
      }
      this.queue.add(push)
      if (this.connected) this.transmit(push)
    })
  }

  /** Writes a queued emit with a fresh ack id for this connection, and its key when the helper is there. */
  private transmit(push: Push): void {
    const frame = push.frame as EmitFrame
    const data: unknown[] = [frame.event, ...frame.args]
    const packet: Packet = { type: PacketTypes.EVENT, nsp: this.nsp, data }
    if (push.expectAck) {
      if (this.keyed) data.push({ [KEY_FIELD]: frame.id })
      const ackId = this.nextAckId++
      this.ackIds.set(ackId, frame.id)
      packet.id = ackId
    }
    this.queue.written(push)
    if (!this.io.write(packet)) return // the link dropped: it goes out again on the next connection
    if (!push.expectAck && this.queue.take(push.id, push)) push.resolve([])
  }

  private checkEvent(event: unknown): void {
    if (typeof event !== 'string' || event.length === 0) throw new TypeError('emit(event): event must be a non-empty string')
    if (RESERVED_EVENTS.includes(event) || event === HELLO_EVENT) throw new TypeError(`emit(event): "${event}" is a reserved event name`)
  }

  private checkEncodable(event: string, args: unknown[]): void {
    try {
      encodePacket({ type: PacketTypes.EVENT, nsp: this.nsp, data: [event, ...args] })
    } catch (cause) {
      throw new SocketError(ErrorCodes.SEND_FAILED, `emit("${event}"): the arguments cannot be encoded: ${describe(cause)}`, { cause })
    }
  }

  // ── state ─────────────────────────────────────────────────────────────────

  /** The current connection is over: answers to it are void, everything unanswered goes out again. */
  private connectionLost(): void {
    this.connection++
    this._id = undefined
    this.keyed = false
    this.ackIds = new Map()
    this.early = []
    this.queue.markAllUnsent()
  }

  private deactivate(): void {
    this.connectionLost()
    this._state = 'disconnected'
    if (!this._active) return
    this._active = false
    this.io.detach(this)
  }

  private resolveAuth(done: (err: unknown, auth?: Record<string, unknown>) => void): void {
    const auth = this.init.auth
    if (typeof auth !== 'function') return done(undefined, auth)
    let called = false
    const once = (err: unknown, value?: Record<string, unknown>): void => {
      if (called) return
      called = true
      done(err, value)
    }
    try {
      const returned = auth((value) => once(undefined, value))
      if (returned !== undefined && typeof (returned as Promise<unknown>).then === 'function') {
        ;(returned as Promise<Record<string, unknown>>).then(
          (value) => once(undefined, value),
          (err: unknown) => once(err ?? new Error('the auth promise rejected')),
        )
      } else if (returned !== undefined) {
        once(undefined, returned as Record<string, unknown>)
      }
    } catch (err) {
      once(err ?? new Error('the auth function threw'))
    }
  }

  private listen(event: string, fn: Listener, once: boolean): () => void {
    if (typeof fn !== 'function') throw new TypeError(`on("${event}", fn): fn must be a function`)
    const wrapped = (args: unknown[]): void => {
      if (once) entry.off()
      fn(...args)
    }
    const unsubscribe = this.emitter.on(event, wrapped)
    const entry = {
      fn,
      off: () => {
        unsubscribe()
        const list = this.listeners.get(event)
        if (list === undefined) return
        const i = list.indexOf(entry)
        if (i >= 0) list.splice(i, 1)
        if (list.length === 0) this.listeners.delete(event)
      },
    }
    const list = this.listeners.get(event)
    if (list) list.push(entry)
    else this.listeners.set(event, [entry])
    return entry.off
  }

  private fire(event: string, args: unknown[]): void {
    this.emitter.emit(event, args)
  }
}

function describeEmit(push: Push): string {
  return `emit("${(push.frame as EmitFrame).event}") ${push.id}`
}
