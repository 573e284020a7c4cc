import type { Clock } from './clock'
import type { SocketError } from './errors'
import type { OutboxStorage } from './outbox'
import type { AckFrame, Codec, ErrorBody, Frame, ReplyFrame } from './protocol'
import type { TransportName } from './transports/transport'
import type { RequestFn } from './transports/polling-request'
import type { PollingUrl } from './transports/polling'

export type { AckFrame, Codec, ErrorBody, Frame, ReplyFrame }

export type { Clock }

/** The subset of WeChat's `SocketTask` that ChatSocket uses. qq/tt/uni/Taro tasks share this shape. */
export interface SocketTaskLike {
  send(options: { data: string | ArrayBuffer; success?: (res: unknown) => void; fail?: (err: { errMsg: string }) => void }): void
  close(options: { code?: number; reason?: string; success?: (res: unknown) => void; fail?: (err: { errMsg: string }) => void }): void
  onOpen(listener: (res: { header?: Record<string, string> }) => void): void
  onClose(listener: (res: { code: number; reason: string }) => void): void
  onError(listener: (res: { errMsg: string }) => void): void
  onMessage(listener: (res: { data: string | ArrayBuffer }) => void): void
}

/** What `wx.connectSocket` takes (the fields ChatSocket passes). */
export interface ConnectSocketOptions {
  url: string
  header?: Record<string, string>
  protocols?: string[]
  tcpNoDelay?: boolean
  perMessageDeflate?: boolean
  timeout?: number
  success?: (res: unknown) => void
  fail?: (err: { errMsg: string }) => void
}

/**
 * `wx.connectSocket`, or an adapter of the same shape. It may return a Promise of the task
 * instead (`Taro.connectSocket` does): ChatSocket waits for it, and a rejection or a value that
 * is no task is a CONNECT_FAILED.
 */
export type ConnectSocket = (options: ConnectSocketOptions) => SocketTaskLike | PromiseLike<SocketTaskLike>

/** What `send` and `request` take: any object with a string `type` (an `id` is added unless present). */
export interface OutgoingMessage {
  type: string
  id?: string
}

export type SocketState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface CloseEvent {
  code: number
  reason: string
  willReconnect: boolean
}

/** The typed event map: `socket.on('close', (e) => e.willReconnect)`. */
export type ChatSocketEvents = {
  open: void
  close: CloseEvent
  reconnecting: { attempt: number; delay: number }
  state: { from: SocketState; to: SocketState }
  message: Frame
  error: SocketError
  /** The socket switched transports: fell back to polling, or upgraded back to WebSocket. */
  transport: { from: TransportName; to: TransportName }
}

export type Resolvable<T> = T | (() => T | Promise<T>)

export interface HeartbeatOptions {
  /** ms without any incoming frame before a ping is sent. Default 25000. */
  interval?: number
  /** ms to wait for any frame after the ping before the link counts as dead. Default 10000. */
  timeout?: number
}

export interface ReconnectOptions {
  /** Delay bound for the first attempt, ms. Default 1000. */
  minDelay?: number
  /** Upper bound for any delay, ms. Default 30000. */
  maxDelay?: number
  /** Growth per attempt. Default 2. */
  factor?: number
  /** Fraction of the delay that is randomised: the wait is uniform in [d·(1−jitter), d]. Default 0.5. */
  jitter?: number
  /** Attempts before giving up (state `closed`). Default Infinity. */
  maxAttempts?: number
  /** The link must stay open this long (ms) before attempts count from 1 again. Default 5000. */
  minUptime?: number
}

export interface QueueOptions {
  /** Most sends waiting for the link or for an ack. Default 1000. */
  maxSize?: number
  /**
   * ms a send may wait for its answer once written on an open link, before it rejects with
   * TIMEOUT. Only time from the write until the answer or the link's end counts: a send queued
   * offline, or waiting its turn behind a paced replay (`rate`), is charged `offlineTimeout`
   * instead, and the time before a reconnect is not charged. Default 15000.
   */
  sendTimeout?: number
  /**
   * ms a send may wait before being written (summed over every outage and every wait for its
   * turn, and for a send restored by `persist`, counted from when it was first queued) before
   * it rejects with TIMEOUT. Much longer than `sendTimeout`: a message typed in a lift goes out
   * when the link is back. Default 86400000 (24 h); Infinity waits for ever.
   */
  offlineTimeout?: number
  /**
   * Most queued frames (sends and requests, not pings) written per second on one link, so a
   * long replay after a reconnect stays under a server's per-connection rate limit instead of
   * being refused in part. Each link starts with `burst` frames it may write at once; the rest
   * wait their turn in order. Pace under the server's limit, with room for network jitter: the
   * reference server allows 20/s with a burst of 40, and its chat clients use
   * `paceFor(FRAME_RATE_LIMIT)` (18/s, burst 20). Default Infinity: not paced.
   */
  rate?: number
  /** Frames a fresh link may write at once before `rate` applies (with `rate` only). Default 20. */
  burst?: number
}

export type { OutboxStorage }

export interface PersistOptions {
  /** Default: the global `wx` storage (`getStorageSync`/`setStorageSync`/`removeStorageSync`). */
  storage?: OutboxStorage
  /** Storage key of the index; each send is kept under `<key>/<id>`. One key per socket. Default 'chat-socket.outbox'. */
  key?: string
  /** Most sends persisted at once; later ones are kept in memory only until earlier ones settle. Default 100. */
  maxEntries?: number
  /** Most UTF-8 bytes of frames persisted at once (WeChat allows 1 MB per key, 10 MB in all). Default 262144 (256 KB). */
  maxBytes?: number
}

/** A send read back from `persist` storage at construction: it goes out again on the first link, with its original id. */
export interface RestoredSend {
  readonly id: string
  /** The frame as it was sent. */
  readonly frame: Frame
  /** Clock time it was first queued, in the run that sent it. */
  readonly queuedAt: number
  /** Settles like `send()` would have: the ack frame, or a SocketError (TIMEOUT, SERVER, CLOSED). Never unhandled. */
  readonly result: Promise<AckFrame>
}

/**
 * The app lifecycle hooks ChatSocket listens to: by default those of the detected platform
 * global (src/platform.ts). wx, qq, tt, swan, ks, jd and my use the same names.
 */
export interface LifecycleHost {
  onAppHide?(fn: () => void): void
  offAppHide?(fn: () => void): void
  onAppShow?(fn: () => void): void
  offAppShow?(fn: () => void): void
  onNetworkStatusChange?(fn: (res: { isConnected: boolean; networkType: string }) => void): void
  offNetworkStatusChange?(fn: (res: { isConnected: boolean; networkType: string }) => void): void
  getNetworkType?(options: { success?: (res: { networkType: string; networkAvailable?: boolean }) => void }): void
}

export interface ChatSocketOptions {
  /** Server URL, or a function giving one (called on every connect, so tokens can be refreshed). Required. */
  url: Resolvable<string>
  /** Handshake headers, or a function giving them (called on every connect). Default none. */
  header?: Resolvable<Record<string, string>>
  protocols?: string[]
  tcpNoDelay?: boolean
  perMessageDeflate?: boolean
  /** Passed to connectSocket as its connect timeout, ms. */
  timeout?: number
  /** Default: the global `wx.connectSocket`. */
  connectSocket?: ConnectSocket
  /** Connect on construction. Default true. */
  autoConnect?: boolean
  /** `false` turns heartbeats off. */
  heartbeat?: HeartbeatOptions | false
  /** `false` turns reconnecting off. */
  reconnect?: ReconnectOptions | false
  queue?: QueueOptions
  /** Wait for the server's ack before a send resolves. Default true. */
  ack?: boolean
  /** Listen to app hide/show and network changes. `true` uses the global `wx` when it has them. Default true. */
  lifecycle?: boolean | LifecycleHost
  /** Default: JSON text frames. */
  codec?: Codec
  /** Makes message ids. Default: a per-socket random prefix and a counter. */
  generateId?: () => string
  /** Uniform random number in [0, 1). Default Math.random. */
  random?: () => number
  /** Default: the global timers and Date.now. */
  clock?: Clock
  /**
   * Keep unanswered sends in storage, so they survive the app being killed and go out at
   * the next start with their original ids (see `restored`). `true`: the defaults, on `wx`
   * storage. Only `send()`s that wait for an ack are kept (not `request()`s, not `ack:
   * false`), and only text frames. Default false.
   */
  persist?: boolean | PersistOptions
  /**
   * The transports to use, in order of preference: `['websocket', 'polling']` falls back to
   * HTTP long-polling when WebSocket fails `fallbackAfter` connects in a row (or the network
   * refuses the upgrade), and upgrades back when a probe opens. Default `['websocket']`.
   */
  transports?: TransportName[]
  /** WebSocket connect attempts that fail in a row before falling back to polling. Default 3. */
  fallbackAfter?: number
  /** `wx.request` or one of its shape (`createFetchRequest()` in browsers and Node), for polling. Default the global `wx.request`. */
  request?: RequestFn
  /** Where to poll: a URL or a function of the socket URL. Default the socket URL with ws: → http:, wss: → https:. */
  pollingUrl?: PollingUrl
  /** ms between WebSocket probes while on polling (when `transports` has 'websocket'). Default 30000. */
  probeInterval?: number
}

export interface SendOptions {
  /** ms of open link to wait for the ack; overrides `queue.sendTimeout`. */
  timeout?: number
  /** Overrides the socket's `ack` option for this send (e.g. typing notices). */
  ack?: boolean
  /** `false`: not kept in the `persist` outbox (a read receipt, say). Default true for sends that wait for an ack. */
  persist?: boolean
}
