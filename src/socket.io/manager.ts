import { backoffDelay } from '../backoff'
import { TimerSlot } from '../clock'
import { createEmitter, type Emitter } from '../emitter'
import { ErrorCodes, SocketError } from '../errors'
import { bindLifecycle } from '../lifecycle'
import { CloseCodes } from '../protocol'
import { WebSocketTransport, type Link, type LinkEvents, type Transport, type TransportName } from '../transports'
import { refusedUpgrade } from '../transports/polling-switch'
import { EnginePollingTransport } from './engine-polling'
import { decodeEnginePacket, encodeEnginePacket, type EngineHandshake } from './engine-packet'
import { QUERY_FLAG } from './exactly-once'
import { PacketDecoder, encodePacket, type Packet } from './packet'
import { engineUrl } from './url'
import type { ResolvedManagerOptions } from './options'

/** Why a link ended, in socket.io-client's words (the `disconnect` event's reason). */
export type LinkCloseReason = 'transport close' | 'transport error' | 'ping timeout' | 'io server disconnect' | 'forced close'

/**
 * The explicit states of the shared link:
 * ```
 * idle ─open()→ opening ─handshake→ open ─lost→ reconnecting ─retry→ opening …
 *                  └──failed──────────────────────↗   (backoff; none left → idle)
 * any ─last socket gone→ idle (a later open() starts again)
 * ```
 */
export type ManagerState = 'idle' | 'opening' | 'open' | 'reconnecting'

export type ManagerEvents = {
  /** The Engine.IO handshake completed. */
  open: void
  /** The link ended; the reason. */
  close: LinkCloseReason
  /** A connect attempt failed (CONNECT_FAILED) or a packet could not be decoded (DECODE). */
  error: SocketError
  /** A ping from the server (answered at once). */
  ping: void
  reconnect_attempt: number
  /** Reconnected after `attempt` attempts. */
  reconnect: number
  /** `reconnect.maxAttempts` used up: no more attempts until `connect()`. */
  reconnect_failed: void
  /** The transport changed (WebSocket failed `fallbackAfter` times in a row: polling). */
  transport: TransportName
}

/** What the manager needs from a namespace socket it carries. */
export interface NamespaceSink {
  readonly nsp: string
  /** The link's handshake is done: (re)send the namespace's CONNECT. */
  linkOpen(): void
  /** A packet for this namespace. */
  packet(packet: Packet): void
  /** The link ended (it may come back). */
  linkClosed(reason: LinkCloseReason): void
  /** A connect attempt failed (the `connect_error` event); attempts go on unless `gaveUp` follows. */
  linkFailed(error: SocketError): void
  /** No more attempts will be made (reconnect off or used up) until `open()` is called again. */
  gaveUp(error: SocketError): void
}

const ABANDONED = CloseCodes.ABANDONED

/**
 * One Engine.IO link (a `wx.connectSocket` task at a time) shared by the namespace sockets
 * of one host, like socket.io-client's Manager. It owns the link's life: the handshake, the
 * server-driven heartbeat (a missing ping within pingInterval + pingTimeout means the link is
 * dead), reconnecting with the library's backoff, and the app lifecycle. Namespaces own their
 * own buffers and acks.
 */
export class Manager {
  private readonly emitter: Emitter<ManagerEvents>
  /** The transports in the order of the `transports` option; `current` is the one dialed. */
  private readonly transports: Transport[]
  private current = 0
  /** Failed WebSocket attempts in a row. */
  private wsFailures = 0
  private readonly sinks = new Map<string, NamespaceSink>()
  /** Namespaces a socket was made for on this link (a second `io()` to one of them gets its own link). */
  readonly claimed = new Set<string>()
  private readonly retryTimer: TimerSlot
  private readonly connectTimer: TimerSlot
  private readonly pingTimer: TimerSlot
  private readonly uptimeTimer: TimerSlot
  private _state: ManagerState = 'idle'
  private link: Link | null = null
  private decoder = new PacketDecoder()
  /** Bumped whenever a link is abandoned: callbacks of older links are ignored (SocketTask has no off*). */
  private generation = 0
  private attempt = 0
  /** Attempts since the link was last open, for the `reconnect` event. */
  private attemptsSinceOpen = 0
  private wasOpen = false
  private online = true
  private handshakeData: EngineHandshake | null = null
  /** Clock time by which the next ping must arrive. */
  private pingDeadline = Infinity
  private unbindLifecycle: (() => void) | null = null

  constructor(
    readonly origin: string,
    readonly opts: ResolvedManagerOptions,
  ) {
    const clock = opts.clock
    this.emitter = createEmitter({
      report: (err) =>
        clock.setTimeout(() => {
          throw err
        }, 0),
    })
    this.transports = opts.transports.map((name) =>
      name === 'websocket'
        ? new WebSocketTransport(opts.connectSocket, opts.passThrough)
        : new EnginePollingTransport(opts.request!, opts.timeout),
    )
    this.retryTimer = new TimerSlot(clock)
    this.connectTimer = new TimerSlot(clock)
    this.pingTimer = new TimerSlot(clock)
    this.uptimeTimer = new TimerSlot(clock)
  }

  get state(): ManagerState {
    return this._state
  }

  /** The transport links are dialed with: `'websocket'` or `'polling'`. */
  get transport(): TransportName {
    return this.transports[this.current]!.name
  }

  /** The Engine.IO session id of the current link, or undefined. */
  get engineId(): string | undefined {
    return this.handshakeData?.sid
  }

  /** Namespaces this link carries (sockets that want to be connected). */
  get namespaces(): string[] {
    return [...this.sinks.keys()]
  }

  on<K extends keyof ManagerEvents>(type: K, fn: (event: ManagerEvents[K]) => void): () => void {
    return this.emitter.on(type, fn)
  }

  off<K extends keyof ManagerEvents>(type: K, fn?: (event: ManagerEvents[K]) => void): void {
    this.emitter.off(type, fn)
  }

  /** A namespace wants the link: it is opened if needed, and told once it is open. */
  attach(sink: NamespaceSink): void {
    const current = this.sinks.get(sink.nsp)
    if (current !== undefined && current !== sink) throw new Error(`socket.io: namespace ${sink.nsp} already has a socket on this link`)
    this.sinks.set(sink.nsp, sink)
    if (this._state === 'open') sink.linkOpen()
    else this.open()
  }

  /** A namespace no longer wants the link; the last one leaving closes it. */
  detach(sink: NamespaceSink): void {
    if (this.sinks.get(sink.nsp) !== sink) return
    this.sinks.delete(sink.nsp)
    if (this.sinks.size === 0) this.shutdown()
  }

  /** Opens the link, or skips the rest of a backoff wait. */
  open(): void {
    if (this._state === 'opening' || this._state === 'open') return
    if (this.unbindLifecycle === null && this.opts.lifecycle) {
      this.unbindLifecycle = bindLifecycle(this.opts.lifecycle, {
        hide: () => undefined, // WeChat pauses timers and closes the task itself
        show: () => this.wake(),
        network: (online) => this.setOnline(online),
      })
    }
    if (this._state === 'idle') this.attempt = 0
    this.dial()
  }

  /** Writes a packet on the open link; false when there is none or the write failed (the link is then dropped). */
  write(packet: Packet): boolean {
    if (this._state !== 'open' || this.link === null) return false
    const messages = encodePacket(packet)
    const link = this.link
    try {
      for (const m of messages) link.send(encodeEnginePacket('message', m))
      return true
    } catch (cause) {
      this.sendFailed(cause)
      return false
    }
  }

  // ── the link ──────────────────────────────────────────────────────────────

  private dial(): void {
    const gen = ++this.generation
    this.retryTimer.clear()
    this.setState('opening')
    this.decoder = new PacketDecoder()
    const failed = (reason: string, cause?: unknown): void => {
      if (gen !== this.generation) return
      this.connectFailed(new SocketError(ErrorCodes.CONNECT_FAILED, `connect failed: ${reason}`, { cause }), refusedUpgrade(reason))
    }
    const events: LinkEvents = {
      open: () => undefined, // the Engine.IO open packet, not the WebSocket's, makes the link open
      message: (data) => gen === this.generation && this.received(data),
      close: (code, reason) => {
        if (gen !== this.generation) return
        if (this._state === 'open') this.lost('transport close')
        else failed(`the link closed before the handshake (${code} ${reason})`)
      },
      error: (message, cause) => {
        if (gen !== this.generation) return
        if (this._state === 'open') this.drop('transport error')
        else failed(message, cause)
      },
      failed,
      sendFailed: (cause) => gen === this.generation && this.sendFailed(cause),
    }
    const { origin, opts } = this
    const url = engineUrl(origin, opts.path, opts.query, `${QUERY_FLAG}=1`)
    const link = this.transports[this.current]!.connect(
      { url, ...(opts.extraHeaders !== undefined && { header: opts.extraHeaders }) },
      events,
    )
    if (link === null || gen !== this.generation) return
    this.link = link
    this.connectTimer.set(() => failed('connect timeout'), opts.timeout)
  }

  private received(data: string | ArrayBuffer): void {
    let packet
    try {
      packet = decodeEnginePacket(data)
    } catch (cause) {
      return this.decodeError(cause)
    }
    switch (packet.type) {
      case 'open':
        return this.handshake(packet.data)
      case 'ping':
        if (this._state !== 'open') return
        this.armPing()
        this.sendRaw(encodeEnginePacket('pong', packet.data))
        this.emit('ping', undefined)
        return
      case 'close':
        if (this._state === 'open') this.drop('transport close')
        return
      case 'message': {
        if (this._state !== 'open') return
        let sio: Packet | null
        try {
          sio = this.decoder.add(packet.data)
        } catch (cause) {
          return this.decodeError(cause)
        }
        if (sio !== null) this.sinks.get(sio.nsp)?.packet(sio)
        return
      }
      default:
        return // pong, upgrade, noop: nothing to do over WebSocket
    }
  }

  private handshake(data: EngineHandshake): void {
    if (this._state !== 'opening') return
    this.connectTimer.clear()
    this.handshakeData = data
    if (this.transport === 'websocket') this.wsFailures = 0
    this.setState('open')
    this.armPing()
    if (this.opts.reconnect) this.uptimeTimer.set(() => (this.attempt = 0), this.opts.reconnect.minUptime)
    const reconnected = this.wasOpen
    const attempts = this.attemptsSinceOpen
    this.wasOpen = true
    this.attemptsSinceOpen = 0
    this.emit('open', undefined)
    if (reconnected) this.emit('reconnect', attempts)
    const gen = this.generation
    for (const sink of [...this.sinks.values()]) {
      if (gen !== this.generation) return
      sink.linkOpen()
    }
  }

  private armPing(): void {
    const h = this.handshakeData
    if (h === null) return
    const ms = h.pingInterval + h.pingTimeout
    this.pingDeadline = this.opts.clock.now() + ms
    this.pingTimer.set(() => this.drop('ping timeout'), ms)
  }

  private decodeError(cause: unknown): void {
    this.emit('error', new SocketError(ErrorCodes.DECODE, `undecodable message: ${describe(cause)}`, { cause }))
  }

  private sendRaw(data: string | ArrayBuffer): void {
    try {
      this.link?.send(data)
    } catch (cause) {
      this.sendFailed(cause)
    }
  }

  private sendFailed(cause: unknown): void {
    if (this._state !== 'open') return
    this.emit('error', new SocketError(ErrorCodes.SEND_FAILED, `send failed: ${describe(cause)}`, { cause }))
    this.drop('transport error')
  }

  /** We give up on the open link ourselves: close it and recover. */
  private drop(reason: LinkCloseReason): void {
    const link = this.link
    this.lost(reason)
    link?.close(ABANDONED, reason)
  }

  /** The open link is gone: tell the namespaces, then reconnect with backoff. */
  private lost(reason: LinkCloseReason): void {
    this.abandon()
    this.emit('close', reason)
    for (const sink of [...this.sinks.values()]) sink.linkClosed(reason)
    if (this.sinks.size > 0) this.scheduleRetry(false, `the link closed (${reason}) and will not reconnect`)
  }

  /** `refused`: the network answered the upgrade with an HTTP refusal (403 from a proxy), not a dropped connect. */
  private connectFailed(error: SocketError, refused = false): void {
    const link = this.link
    this.abandon()
    link?.close(ABANDONED, 'connect failed')
    this.emit('error', error)
    // WebSocket failed `fallbackAfter` times in a row, or at once when the upgrade was refused (a proxy answering 403): the next transport.
    if (
      this.transport === 'websocket' &&
      this.current + 1 < this.transports.length &&
      (++this.wsFailures >= this.opts.fallbackAfter || refused)
    ) {
      this.current++
      this.wsFailures = 0
      this.emit('transport', this.transport)
    }
    for (const sink of [...this.sinks.values()]) sink.linkFailed(error)
    if (this.sinks.size > 0) this.scheduleRetry(true, `${error.message}, and no attempts are left`)
  }

  private canRetry(): boolean {
    return this.opts.reconnect !== false && this.attempt < this.opts.reconnect.maxAttempts
  }

  /** Forgets the current link (closing it when a code is given) and stops every per-link timer. */
  private abandon(code?: number, reason = ''): void {
    const link = this.link
    this.generation++
    this.link = null
    this.handshakeData = null
    this.pingDeadline = Infinity
    this.connectTimer.clear()
    this.pingTimer.clear()
    this.uptimeTimer.clear()
    if (this._state === 'open' || this._state === 'opening') this.setState('reconnecting')
    if (link && code !== undefined) link.close(code, reason)
  }

  private scheduleRetry(afterFailure: boolean, why: string): void {
    const reconnect = this.opts.reconnect
    if (reconnect === false || this.attempt >= reconnect.maxAttempts) {
      if (afterFailure && reconnect !== false) this.emit('reconnect_failed', undefined)
      this.stopLink()
      const error = new SocketError(ErrorCodes.CLOSED, why)
      for (const sink of [...this.sinks.values()]) sink.gaveUp(error)
      return
    }
    this.setState('reconnecting')
    if (!this.online) return // wait for the network instead of spending attempts
    const next = this.attempt + 1
    const delay = backoffDelay(next, reconnect, this.opts.random)
    this.retryTimer.set(() => {
      this.attempt = next
      this.attemptsSinceOpen++
      this.emit('reconnect_attempt', next)
      this.dial()
    }, delay)
  }

  private wake(): void {
    if (this._state === 'open') {
      // Timers paused while hidden: a ping deadline that passed meanwhile counts now.
      if (this.opts.clock.now() > this.pingDeadline) this.drop('ping timeout')
    } else if (this._state === 'reconnecting' && this.retryTimer.active) {
      this.retryTimer.clear()
      this.attempt++
      this.attemptsSinceOpen++
      this.emit('reconnect_attempt', this.attempt)
      this.dial()
    }
  }

  private setOnline(online: boolean): void {
    const was = this.online
    this.online = online
    if (!online) {
      this.retryTimer.clear()
      return
    }
    if (!was && this._state === 'reconnecting') {
      if (this.canRetry()) {
        this.attempt++
        this.attemptsSinceOpen++
        this.emit('reconnect_attempt', this.attempt)
        this.dial()
      }
    }
  }

  /** No namespace left, or no attempts left: no link, no timers, no listeners. */
  private shutdown(): void {
    const link = this.link
    const open = this._state === 'open'
    this.abandon()
    if (link) link.close(1000, '')
    if (open) this.emit('close', 'forced close')
    this.stopLink()
  }

  private stopLink(): void {
    this.retryTimer.clear()
    this.unbindLifecycle?.()
    this.unbindLifecycle = null
    this.wasOpen = false
    this.attemptsSinceOpen = 0
    this.current = 0
    this.wsFailures = 0
    this.setState('idle')
  }

  private setState(to: ManagerState): void {
    this._state = to
  }

  private emit<K extends keyof ManagerEvents>(type: K, event: ManagerEvents[K]): void {
    this.emitter.emit(type, event)
  }
}

export function describe(value: unknown): string {
  if (value instanceof Error) return value.message
  if (typeof value === 'object' && value !== null && typeof (value as { errMsg?: unknown }).errMsg === 'string') {
    return (value as { errMsg: string }).errMsg
  }
  return String(value)
}
