import { backoffDelay } from './backoff'
import { TimerSlot } from './clock'
import { TokenBucket } from './token-bucket'
import { createEmitter, type Emitter } from './emitter'
import { ErrorCodes, SocketError, type ErrorCode } from './errors'
import { Heartbeat } from './heartbeat'
import { bindLifecycle } from './lifecycle'
import { resolveOptions, type ResolvedOptions } from './options'
import { checkCloseArgs } from './close-args'
import { CloseCodes, PING, isAck, isFrame, isReply } from './protocol'
import { Outbox } from './outbox'
import { SendQueue, type Push } from './send-queue'
import { WebSocketTransport, type Link, type LinkEvents, type TransportName } from './transports'
import { PollingLink, PollingTransport, type Detached } from './transports/polling'
import { UpgradeProbe, refusedUpgrade } from './transports/polling-switch'
import { UPGRADE_FRAME } from './protocol/polling'
import type {
  AckFrame,
  ChatSocketEvents,
  ChatSocketOptions,
  Frame,
  OutgoingMessage,
  Resolvable,
  RestoredSend,
  SendOptions,
  SocketState,
} from './types'

type Handler<T> = (event: T) => void

/** Code of a link ChatSocket abandoned itself (heartbeat or connect timeout, failed send). */
const ABANDONED = CloseCodes.ABANDONED

/**
 * A chat link that survives a phone: heartbeats, reconnect with backoff and jitter, an acked
 * send queue that replays in order after a reconnect, and typed events.
 *
 * State machine (every change goes through `setState`, which emits `state`):
 * ```
 * idle ─connect()→ connecting ─open→ open ─lost→ reconnecting ─open→ open
 *                       └──────failed──────────────↗   (retries with backoff)
 * any ─close() or attempts exhausted→ closed (final)
 * ```
 */
export class ChatSocket {
  private readonly o: ResolvedOptions
  private readonly emitter: Emitter<ChatSocketEvents>
  private readonly queue: SendQueue
  /** The `persist` outbox, or null. */
  private readonly outbox: Outbox | null
  private readonly restoredSends: RestoredSend[]
  private readonly heartbeat: Heartbeat | null
  private readonly retryTimer: TimerSlot
  private readonly connectTimer: TimerSlot
  private readonly uptimeTimer: TimerSlot
  /** Waits for the pace bucket's next token while queued frames wait their turn. */
  private readonly paceTimer: TimerSlot
  /** The current link's write budget (`queue.rate`/`queue.burst`), fresh for every link; null when not paced. */
  private pace: TokenBucket | null = null
  private _state: SocketState = 'idle'
  private readonly websocket: WebSocketTransport
  /** Null unless `transports` has 'polling'. */
  private readonly polling: PollingTransport | null
  /** The transport links are dialed with. */
  private current: TransportName
  /** WebSocket connect attempts failed in a row (the fallback to polling counts them). */
  private wsFailures = 0
  /** While on polling with 'websocket' allowed: the probes that upgrade back. */
  private readonly probe: UpgradeProbe | null
  private link: Link | null = null
  /** Bumped whenever a link is abandoned: callbacks from older links are ignored (SocketTask has no off*). */
  private generation = 0
  private dialing = false
  /** The current link is open and the queue has been replayed on it. */
  private ready = false
  /** Reconnect attempts made since the link last stayed up for `minUptime`. */
  private attempt = 0
  private online = true
  private waiters: Array<{ resolve: () => void; reject: (e: SocketError) => void }> = []
  private unbindLifecycle: (() => void) | null = null

  constructor(options: ChatSocketOptions) {
    this.o = resolveOptions(options)
    const { clock, heartbeat } = this.o
    // A throwing handler is rethrown from a timer, outside the socket's own callbacks.
    this.emitter = createEmitter({
      report: (err) =>
        clock.setTimeout(() => {
          throw err
        }, 0),
    })
    this.queue = new SendQueue(clock, (p, phase) =>
      phase === 'open'
        ? this.error('TIMEOUT', `no answer to ${p.id} within queue.sendTimeout of open link`, undefined, p.id)
        : this.error('TIMEOUT', `${p.id} could not be sent: no link within queue.offlineTimeout`, undefined, p.id),
    )
    const persist = this.o.persist
    // Reported on a microtask: handlers attached right after construction see what loading found.
    const report = (message: string, cause?: unknown): void =>
      void Promise.resolve().then(() => this.emit('error', this.error('STORAGE', `persist: ${message}`, cause)))
    this.outbox = persist && new Outbox(persist.storage, persist.key, persist, clock, report)
    this.restoredSends = this.restore()
    this.retryTimer = new TimerSlot(clock)
    this.connectTimer = new TimerSlot(clock)
    this.uptimeTimer = new TimerSlot(clock)
    this.paceTimer = new TimerSlot(clock)
    this.websocket = new WebSocketTransport(this.o.connectSocket, this.o.passThrough)
    const { transports, request } = this.o
    this.current = transports[0] ?? 'websocket'
    this.polling = request && new PollingTransport(request, this.o.pollingUrl, this.o.passThrough.timeout)
    this.probe =
      this.polling && transports.includes('websocket')
        ? new UpgradeProbe(this.websocket, clock, this.o.probeInterval, this.o.passThrough.timeout, {
            target: (done) =>
              resolveBoth(this.o.url, this.o.header, (err, url, header) =>
                done(err === undefined && typeof url === 'string' && url ? { url, ...(header && { header }) } : null),
              ),
            isCurrent: (poll) => this.ready && this.link === poll,
            upgrade: (ws, detached) => this.upgraded(ws, detached),
          })
        : null
    this.heartbeat = heartbeat
      ? new Heartbeat(heartbeat.interval, heartbeat.timeout, clock, {
          ping: () => this.transmitRaw(PING),
          dead: () => this.drop(ABANDONED, 'heartbeat timeout'),
        })
      : null
    if (this.o.lifecycle) {
      this.unbindLifecycle = bindLifecycle(this.o.lifecycle, {
        hide: () => this.heartbeat?.stop(),
        show: () => this.wake(),
        network: (online) => this.setOnline(online),
      })
    }
    // On the next microtask, so handlers attached right after construction see every event.
    if (this.o.autoConnect) {
      void Promise.resolve().then(() => {
        if (this._state === 'idle') this.connect().catch(() => undefined)
      })
    }
  }

  get state(): SocketState {
    return this._state
  }

  /** The transport links are made with: `'websocket'`, or `'polling'` after a fallback (the `transport` event says when it changes). */
  get transport(): TransportName {
    return this.current
  }

  /** Number of sends waiting for the link or for their ack. */
  get pending(): number {
    return this.queue.size
  }

  /**
   * The sends a previous run left in the `persist` outbox (the app was killed before their
   * acks), read back at construction. They are already queued and go out on the first link,
   * before anything newer, with their original ids; each `result` settles as `send()` would.
   * A snapshot: it does not change as they settle.
   */
  get restored(): readonly RestoredSend[] {
    return this.restoredSends
  }

  /** A fresh message id, as `send` would assign. */
  nextId(): string {
    return this.o.generateId()
  }

  /** Resolves when the link is open; rejects with CLOSED if the socket closes first. */
  connect(): Promise<void> {
    if (this._state === 'closed') return Promise.reject(this.error('CLOSED', 'the socket is closed'))
    if (this._state === 'open') return Promise.resolve()
    const opened = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }))
    if (this._state === 'idle') {
      this.setState('connecting')
      this.dial()
    } else if (this._state === 'reconnecting') {
      this.retryNow()
    }
    return opened
  }

  /**
   * Queues `msg` (a JSON object with a string `type`) and resolves with the server's ack frame
   * (or its reply frame). Gives `msg` an `id` unless it has one; resends after a reconnect carry it.
   * ChatSocket holds the message object (a shallow copy when it adds the id) until it settles and
   * encodes it again for a replay: change the object after `send` and a replay carries the change.
   */
  send<M extends OutgoingMessage>(msg: M, options?: SendOptions): Promise<AckFrame> {
    return this.enqueue(msg as unknown as Frame, options, 'send') as Promise<AckFrame>
  }

  /** Like `send`, but resolves with the reply's `data` and rejects with its error (code SERVER). */
  request<T = unknown, M extends OutgoingMessage = Frame>(msg: M, options?: Omit<SendOptions, 'ack' | 'persist'>): Promise<T> {
    return this.enqueue(msg as unknown as Frame, options, 'request') as Promise<T>
  }

  /**
   * Fire and forget, for what is stale by the time a link comes back (typing notices,
   * presence): while the link is open, encodes `msg` and hands it to the link at once, with no
   * id added, no promise, no queue entry and no replay, and returns true. Otherwise sends
   * nothing and returns false. While open, every earlier `send` has already been handed to
   * the link, so a post goes out after them. Throws TypeError for a `msg` that is not an
   * object with a string `type`, and SocketError SEND_FAILED when the codec cannot encode it.
   */
  post<M extends OutgoingMessage>(msg: M): boolean {
    if (!isFrame(msg)) throw new TypeError('post(msg): msg must be an object with a string "type"')
    if (!this.ready) return false
    let data: string | ArrayBuffer
    try {
      data = this.o.codec.encode(msg)
    } catch (cause) {
      throw this.error('SEND_FAILED', `could not encode the message: ${describe(cause)}`, cause, msg.id)
    }
    return this.write(data)
  }

  /**
   * Final: no reconnect. Pending and later sends reject with CLOSED. `code` is 1000 or
   * 3000–4999 and `reason` at most 123 UTF-8 bytes, as WeChat's SocketTask requires.
   */
  close(code = 1000, reason = ''): void {
    checkCloseArgs(code, reason)
    if (this._state === 'closed') return
    const wasOpen = this.ready
    this.abandon(code, reason)
    this.finish(this.error('CLOSED', 'the socket was closed by close()'))
    if (wasOpen) this.emit('close', { code, reason, willReconnect: false })
  }

  on<K extends keyof ChatSocketEvents>(type: K, fn: Handler<ChatSocketEvents[K]>): () => void {
    return this.emitter.on(type, fn)
  }

  once<K extends keyof ChatSocketEvents>(type: K, fn: Handler<ChatSocketEvents[K]>): () => void {
    return this.emitter.once(type, fn)
  }

  /** Handlers registered for `type`, or for every event: lets a page check it cleaned up after itself. */
  listenerCount(type?: keyof ChatSocketEvents): number {
    return this.emitter.listenerCount(type)
  }

  off<K extends keyof ChatSocketEvents>(type: K, fn?: Handler<ChatSocketEvents[K]>): void {
    this.emitter.off(type, fn)
  }

  // ── connecting ────────────────────────────────────────────────────────────

  /** The callbacks of the link of generation `gen`: each checks it first, so a late one from an abandoned link is ignored. */
  private linkEvents(gen: number): LinkEvents {
    const failed = (reason: string, cause?: unknown): void => {
      if (gen !== this.generation) return
      this.emit('error', this.error('CONNECT_FAILED', `connect failed: ${reason}`, cause))
      this.drop(1006, reason)
    }
    return {
      open: () => gen === this.generation && this.opened(),
      message: (data) => gen === this.generation && this.received(data),
      close: (code, reason) => gen === this.generation && this.lost(code, reason),
      error: (message, cause) => gen === this.generation && (this.ready ? this.drop(1006, message) : failed(message, cause)),
      failed,
      sendFailed: (cause) => gen === this.generation && this.sendFailed(cause),
    }
  }

  private dial(): void {
    const gen = ++this.generation
    this.dialing = true
    this.retryTimer.clear()
    const events = this.linkEvents(gen)
    const failed = (reason: string, cause?: unknown): void => events.failed(reason, cause)
    resolveBoth(this.o.url, this.o.header, (err, url, header) => {
      if (gen !== this.generation) return
      if (err !== undefined) return failed('the url or header function failed', err)
      if (typeof url !== 'string' || url.length === 0) return failed('the url function gave no string')
      const transport = this.current === 'polling' && this.polling ? this.polling : this.websocket
      const link = transport.connect({ url, ...(header !== undefined && { header }) }, events)
      if (link === null) return
      if (gen !== this.generation) return link.close(1000, '')
      this.link = link
      this.connectTimer.set(() => failed('connect timeout'), this.o.passThrough.timeout)
    })
  }

  private opened(): void {
    this.dialing = false
    this.connectTimer.clear()
    this.ready = true
    const { rate, burst } = this.o.queue
    // Fresh for every link, as a server's per-connection bucket is.
    this.pace = rate === Infinity ? null : new TokenBucket(rate, burst, () => this.o.clock.now())
    this.heartbeat?.start()
    if (this.o.reconnect) this.uptimeTimer.set(() => (this.attempt = 0), this.o.reconnect.minUptime)
    if (this.link instanceof PollingLink) this.probe?.start(this.link)
    else this.wsFailures = 0
    // Replay before the state says open, so a send made in an open/state handler queues behind.
    const gen = this.generation
    this.pump()
    if (gen !== this.generation) return
    this.setState('open')
    this.emit('open', undefined)
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w.resolve()
  }

  /** We give up on the current link ourselves (dead heartbeat, failed send, error): close it and recover. */
  private drop(code: number, reason: string): void {
    const link = this.link
    this.lost(code, reason)
    link?.close(ABANDONED, reason)
  }

  /** The current link is gone. Recover: reconnect with backoff, or close for good. */
  private lost(code: number, reason: string): void {
    const wasOpen = this.ready
    if (!wasOpen) this.attemptFailed(reason)
    this.abandon()
    this.queue.markAllUnsent()
    const willReconnect = this.o.reconnect !== false && this.attempt < this.o.reconnect.maxAttempts
    if (wasOpen) this.emit('close', { code, reason, willReconnect })
    if (this._state === 'closed') return // a close handler called close()
    if (willReconnect) this.scheduleRetry()
    else this.finish(this.error('CLOSED', `the link closed (${code} ${reason}) and will not reconnect`))
  }

  /** Forgets the current link (closing it when a code is given) and stops every per-link timer. */
  private abandon(code?: number, reason = ''): void {
    const link = this.link
    this.generation++
    this.link = null
    this.ready = false
    this.pace = null
    this.paceTimer.clear()
    this.dialing = false
    this.heartbeat?.stop()
    this.connectTimer.clear()
    this.uptimeTimer.clear()
    this.probe?.stop()
    if (link && code !== undefined) link.close(code, reason)
  }

  // ── transports ────────────────────────────────────────────────────────────

  /** A WebSocket attempt failed before it opened: after `fallbackAfter` in a row, or at once when the network refused the upgrade, dial polling. */
  private attemptFailed(reason: string): void {
    if (this.current !== 'websocket' || this.polling === null) return
    if (++this.wsFailures >= this.o.fallbackAfter || refusedUpgrade(reason)) this.switchTo('polling')
  }

  private switchTo(to: TransportName): void {
    const from = this.current
    if (from === to) return
    this.current = to
    this.wsFailures = 0
    this.emit('transport', { from, to })
  }

  /**
   * A probe opened and the polling link handed over: the WebSocket is the link now. The
   * upgrade frame says the last seq received by polling (the server sends what came after it
   * on the WebSocket), then the frames not posted go out on it, in order. When the POST in
   * flight failed, what it carried may be lost: every unanswered send goes again (the server
   * deduplicates by id). The state stays open: no close, no open event.
   */
  private upgraded(ws: Link, detached: Detached): LinkEvents {
    const gen = ++this.generation
    this.link = ws
    ws.send(JSON.stringify({ type: UPGRADE_FRAME, ack: detached.lastSeq }))
    if (detached.ok) {
      for (const u of detached.unsent) ws.send(u.data, u.sent)
    } else {
      this.queue.markAllUnsent()
      this.pump()
    }
    this.switchTo('websocket')
    this.heartbeat?.start()
    return this.linkEvents(gen)
  }

  private scheduleRetry(): void {
    if (!this.o.reconnect) return
    this.setState('reconnecting')
    if (!this.online) return // wait for the network instead of spending attempts
    const next = this.attempt + 1
    const delay = backoffDelay(next, this.o.reconnect, this.o.random)
    this.emit('reconnecting', { attempt: next, delay })
    this.retryTimer.set(() => {
      this.attempt = next
      this.dial()
    }, delay)
  }

  /** Skip the rest of the backoff wait (app shown, network back, explicit connect()). */
  private retryNow(): void {
    if (this._state !== 'reconnecting' || this.dialing || !this.o.reconnect) return
    if (!this.retryTimer.active) {
      if (this.attempt >= this.o.reconnect.maxAttempts) return
      this.emit('reconnecting', { attempt: this.attempt + 1, delay: 0 })
    }
    this.retryTimer.clear()
    this.attempt++
    this.dial()
  }

  private wake(): void {
    if (this.ready) {
      if (this.heartbeat) {
        this.heartbeat.start()
        this.heartbeat.probe()
      }
    } else {
      this.retryNow()
    }
  }

  private setOnline(online: boolean): void {
    const was = this.online
    this.online = online
    if (!online) {
      this.retryTimer.clear()
      return
    }
    if (!was) this.wake()
  }

  private finish(error: SocketError): void {
    this.retryTimer.clear()
    this.unbindLifecycle?.()
    this.unbindLifecycle = null
    this.setState('closed')
    this.queue.rejectAll(() => error)
    this.outbox?.dispose()
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w.reject(error)
  }

  // ── frames ────────────────────────────────────────────────────────────────

  private received(data: string | ArrayBuffer): void {
    this.heartbeat?.seen()
    let frame: Frame
    try {
      frame = this.o.codec.decode(data)
      if (!isFrame(frame)) throw new TypeError('the codec returned no frame')
    } catch (cause) {
      this.emit('error', this.error('DECODE', `undecodable frame: ${describe(cause)}`, cause))
      return
    }
    if (frame.type === 'pong') return
    if (isAck(frame) || isReply(frame)) {
      const push = this.queue.take(frame.id)
      // An answer for nothing pending: typically a second ack after a resend. Not an error.
      if (push) settle(push, frame)
      return
    }
    this.emit('message', frame)
  }

  private enqueue(msg: Frame, options: SendOptions | undefined, kind: Push['kind']): Promise<unknown> {
    if (this._state === 'closed') return Promise.reject(this.error('CLOSED', 'the socket is closed'))
    if (!isFrame(msg)) return Promise.reject(new TypeError(`${kind}(msg): msg must be an object with a string "type"`))
    const given = msg.id
    if (given !== undefined && (typeof given !== 'string' || given.length === 0)) {
      return Promise.reject(new TypeError(`${kind}(msg): msg.id must be a non-empty string`))
    }
    const timeout = options?.timeout ?? this.o.queue.sendTimeout
    if (typeof timeout !== 'number' || !(timeout > 0)) {
      return Promise.reject(new RangeError(`${kind}(msg, { timeout }): timeout must be a positive number of ms`))
    }
    const queue = this.queue
    if (queue.size >= this.o.queue.maxSize) {
      return Promise.reject(this.error('QUEUE_FULL', `${queue.size} sends are already waiting (queue.maxSize)`, undefined, given))
    }
    let frame = msg
    let id: string
    if (given === undefined) {
      id = this.o.generateId()
      // Object.assign and a property store, not a spread: cheaper to build, and V8 stringifies it faster.
      frame = Object.assign({}, msg)
      frame.id = id
    } else {
      id = given
      if (queue.has(id)) return Promise.reject(this.error('SEND_FAILED', `a send with id ${id} is already pending`, undefined, id))
    }
    // Encoded now, so a message the codec cannot encode is refused at once; the bytes are
    // written at once when the link is open and are not kept (a replay encodes the frame again).
    let data: string | ArrayBuffer
    try {
      data = this.o.codec.encode(frame)
    } catch (cause) {
      return Promise.reject(this.error('SEND_FAILED', `could not encode the message: ${describe(cause)}`, cause, id))
    }
    const expectAck = kind === 'request' || (options?.ack ?? this.o.ack)
    return new Promise((resolve, reject) => {
      const push = this.push(id, frame, kind, expectAck, timeout, this.o.queue.offlineTimeout, resolve, reject)
      if (this.outbox !== null && kind === 'send' && expectAck && options?.persist !== false && typeof data === 'string') {
        this.outbox.add({ id, data, queuedAt: this.o.clock.now() })
      }
      queue.add(push)
      if (this.ready) this.pump(push, data)
    })
  }

  /** A queue entry; with an outbox, settling it also takes it out of the outbox. */
  private push(
    id: string,
    frame: Frame,
    kind: Push['kind'],
    expectAck: boolean,
    openLeft: number,
    offlineLeft: number,
    resolve: (value: unknown) => void,
    reject: (error: SocketError) => void,
  ): Push {
    const outbox = this.outbox
    if (outbox === null)
      return { id, frame, kind, expectAck, openLeft, offlineLeft, since: 0, deadline: Infinity, sent: false, resolve, reject }
    return {
      id,
      frame,
      kind,
      expectAck,
      openLeft,
      offlineLeft,
      since: 0,
      deadline: Infinity,
      sent: false,
      resolve: (value) => {
        outbox.remove(id)
        resolve(value)
      },
      reject: (error) => {
        outbox.remove(id)
        reject(error)
      },
    }
  }

  /** Reads the outbox a previous run left and queues its sends, in their order, ahead of anything new. */
  private restore(): RestoredSend[] {
    if (this.outbox === null) return []
    const restored: RestoredSend[] = []
    const now = this.o.clock.now()
    for (const entry of this.outbox.load()) {
      let frame: Frame
      try {
        frame = this.o.codec.decode(entry.data)
      } catch {
        this.outbox.remove(entry.id)
        continue
      }
      if (!isFrame(frame) || frame.id !== entry.id || this.queue.has(entry.id)) {
        this.outbox.remove(entry.id)
        continue
      }
      let settle: { resolve: (value: unknown) => void; reject: (error: SocketError) => void } | undefined
      const result = new Promise<AckFrame>((resolve, reject) => {
        settle = { resolve: resolve as (value: unknown) => void, reject }
      })
      result.catch(() => undefined) // nobody may be listening; the rejection is in `result` for whoever is
      if (settle === undefined) continue // (the executor ran synchronously)
      // Time since it was first queued counts as time without a link (the app was not running).
      const offlineLeft = this.o.queue.offlineTimeout - Math.max(0, now - entry.queuedAt)
      this.queue.add(this.push(entry.id, frame, 'send', true, this.o.queue.sendTimeout, offlineLeft, settle.resolve, settle.reject))
      restored.push({ id: entry.id, frame, queuedAt: entry.queuedAt, result })
    }
    return restored
  }

  /**
   * Writes the pushes waiting their turn, oldest first: every one, or with `queue.rate` as many
   * as the link's bucket allows now, the rest as its tokens come back. `fresh` is the push
   * `enqueue` has just encoded (`data`), written without encoding it again when its turn is now.
   */
  private pump(fresh?: Push, data?: string | ArrayBuffer): void {
    const gen = this.generation
    for (let push = this.queue.nextUnsent(); push !== undefined; push = this.queue.nextUnsent()) {
      const pace = this.pace
      if (pace !== null && !pace.take()) {
        if (!this.paceTimer.active) this.paceTimer.set(() => this.pump(), pace.msUntilReady)
        return
      }
      this.transmit(push, push === fresh ? data : undefined)
      if (gen !== this.generation) return
    }
  }

  /** Writes a queued send: the bytes `enqueue` has just encoded, or (a replay) the frame encoded again. */
  private transmit(push: Push, data?: string | ArrayBuffer): void {
    if (data === undefined) {
      try {
        data = this.o.codec.encode(push.frame)
      } catch (cause) {
        // It encoded when it was sent (the object changed since, or the codec did): fail this send, not the link.
        if (this.queue.take(push.id, push))
          push.reject(this.error('SEND_FAILED', `could not encode the message: ${describe(cause)}`, cause, push.id))
        return
      }
    }
    this.queue.written(push)
    this.write(
      data,
      push.expectAck
        ? undefined
        : () => {
            if (this.queue.take(push.id, push)) push.resolve(undefined)
          },
    )
  }

  /** Pings bypass the queue: they are not acked and never replayed. */
  private transmitRaw(frame: Frame): void {
    this.write(this.o.codec.encode(frame))
  }

  /** Hands data to the current link; false when it could not (the link is then dropped). */
  private write(data: string | ArrayBuffer, success?: () => void): boolean {
    try {
      const link = this.link
      if (link === null) throw new Error('no link to send on')
      link.send(data, success)
      return true
    } catch (cause) {
      this.sendFailed(cause)
      return false
    }
  }

  /** A failed send breaks ordering for everything after it: drop the link and replay in order. */
  private sendFailed(cause: unknown): void {
    if (!this.ready) return
    this.emit('error', this.error('SEND_FAILED', `send failed: ${describe(cause)}`, cause))
    this.drop(ABANDONED, 'send failed')
  }

  // ── events and state ──────────────────────────────────────────────────────

  private setState(to: SocketState): void {
    const from = this._state
    if (from === to) return
    this._state = to
    this.emit('state', { from, to })
  }

  private emit<K extends keyof ChatSocketEvents>(type: K, event: ChatSocketEvents[K]): void {
    this.emitter.emit(type, event)
  }

  private error(code: ErrorCode, message: string, cause?: unknown, id?: string): SocketError {
    // SocketError skips the details that are undefined.
    return new SocketError(ErrorCodes[code], message, { cause, id })
  }
}

function settle(push: Push, frame: Frame): void {
  if (isReply(frame) && frame.error !== undefined && frame.error !== null) {
    push.reject(replyError(push.id, frame.error))
  } else if (push.kind === 'request') {
    push.resolve(isReply(frame) ? frame.data : undefined)
  } else {
    push.resolve(frame)
  }
}

/** Most of a server's text repeated in an error. */
const MAX_ERROR_TEXT = 200

/**
 * A reply's `error` as a SocketError: `{code, message}` (or a bare code string) is SERVER with
 * that `serverCode`; any other shape is DECODE, saying what came, never `serverCode: "undefined"`.
 */
function replyError(id: string, error: unknown): SocketError {
  const clip = (text: string): string => (text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text)
  let code: unknown = error
  let message: unknown
  if (typeof error === 'object' && error !== null && !Array.isArray(error)) {
    code = (error as { code?: unknown }).code
    message = (error as { message?: unknown }).message
  }
  if (typeof code === 'string' && code !== '') {
    const text = typeof message === 'string' && message !== '' ? message : code
    return new SocketError(ErrorCodes.SERVER, clip(text), { serverCode: clip(code), id })
  }
  let shown: string
  try {
    shown = JSON.stringify(error) ?? typeof error
  } catch {
    shown = typeof error
  }
  return new SocketError(ErrorCodes.DECODE, clip(`malformed reply error for ${id}: ${shown}`), { id })
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message
  if (typeof value === 'object' && value !== null && typeof (value as { errMsg?: unknown }).errMsg === 'string') {
    return (value as { errMsg: string }).errMsg
  }
  return String(value)
}

/**
 * Resolves two possibly-async option values, synchronously when neither is a function
 * returning a promise (so a plain url connects without an extra tick).
 */
function resolveBoth<A, B>(a: Resolvable<A>, b: Resolvable<B> | undefined, done: (err: unknown, a?: A, b?: B) => void): void {
  let va: A | Promise<A>
  let vb: B | Promise<B> | undefined
  try {
    va = typeof a === 'function' ? (a as () => A | Promise<A>)() : a
    vb = typeof b === 'function' ? (b as () => B | Promise<B>)() : b
  } catch (err) {
    return done(err ?? new Error('option function threw'))
  }
  if (isThenable(va) || isThenable(vb)) {
    Promise.all([va, vb]).then(
      ([ra, rb]) => done(undefined, ra, rb),
      (err: unknown) => done(err ?? new Error('option promise rejected')),
    )
  } else {
    done(undefined, va, vb)
  }
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
