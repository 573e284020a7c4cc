import { systemClock } from '../clock'
import {
  ABOVE,
  DEFAULTS as SOCKET_DEFAULTS,
  INT,
  bool,
  fn,
  hasFunctions,
  num,
  resolveLifecycle,
  resolveQueue,
  resolveReconnect,
} from '../options'
import type { RequestFn } from '../transports/polling-request'
import { encodeQuery } from './url'
import type { Clock, ConnectSocket, LifecycleHost, QueueOptions, ReconnectOptions } from '../types'

/** `auth` as socket.io-client takes it: an object, or a function handing one to its callback (it may also return one, or a promise of one). */
export type AuthOption =
  | Record<string, unknown>
  | ((cb: (auth: Record<string, unknown>) => void) => void | Record<string, unknown> | Promise<Record<string, unknown>>)

/** Options of the shared link (the Manager): the first `io()` for a host decides them. */
export interface ManagerOptions {
  /** Engine.IO path on the server. Default `/socket.io/`. */
  path?: string
  /** Extra query parameters of the handshake URL. */
  query?: Record<string, string | number | boolean>
  /** Handshake headers (WeChat's connectSocket `header`). */
  extraHeaders?: Record<string, string>
  /** A new link even if one to this host is open. Default false. */
  forceNew?: boolean
  /** `false`: never share a link between namespaces. Default true. */
  multiplex?: boolean
  /** Connect on creation. Default true. */
  autoConnect?: boolean
  /** ms a connect attempt (up to the Engine.IO handshake) may take. Default 20000. */
  timeout?: number
  /** Default: the global `wx.connectSocket`; `createNodeConnectSocket(WebSocket)` or `createWebConnectSocket()` elsewhere. */
  connectSocket?: ConnectSocket
  /** Backoff, as ChatSocket's `reconnect`; `false`: no reconnecting. */
  reconnect?: ReconnectOptions | false
  /**
   * The bounded buffer of each namespace, as ChatSocket's `queue`: `maxSize` emits waiting,
   * `sendTimeout` (default ack timeout), `offlineTimeout`. Not `rate`/`burst`: emits are not paced.
   */
  queue?: Omit<QueueOptions, 'rate' | 'burst'>
  /** App hide/show and network changes, as ChatSocket's `lifecycle`. Default true (the global `wx` when it has them). */
  lifecycle?: boolean | LifecycleHost
  tcpNoDelay?: boolean
  perMessageDeflate?: boolean
  clock?: Clock
  random?: () => number
  /** Makes idempotency keys. Default: a per-socket random prefix and a counter. */
  generateId?: () => string
  /**
   * Engine.IO transports in the order tried: `['websocket']` (default), `['websocket', 'polling']`
   * (fall back to HTTP long-polling after `fallbackAfter` failed WebSocket attempts in a row,
   * or at once when the upgrade is refused with an HTTP status such as a proxy's 403),
   * or `['polling']`.
   */
  transports?: Array<'websocket' | 'polling'>
  /** Failed WebSocket connect attempts in a row before polling is used. Default 3. */
  fallbackAfter?: number
  /** For polling: `wx.request`'s shape. Default the global `wx.request`; `createFetchRequest()` in browsers and Node. */
  request?: RequestFn
}

/** Options of one namespace socket. */
export interface SocketOptions {
  /** Sent in the namespace's CONNECT packet; a function is called before every (re)connect. */
  auth?: AuthOption
}

export type IoOptions = ManagerOptions & SocketOptions

export const IO_DEFAULTS = {
  path: '/socket.io/',
  forceNew: false,
  multiplex: true,
  autoConnect: true,
  timeout: 20000,
  transports: ['websocket'] as ReadonlyArray<'websocket' | 'polling'>,
  fallbackAfter: 3,
  reconnect: SOCKET_DEFAULTS.reconnect,
  queue: SOCKET_DEFAULTS.queue,
} as const

export interface ResolvedManagerOptions {
  path: string
  query: string
  extraHeaders: Record<string, string> | undefined
  autoConnect: boolean
  timeout: number
  connectSocket: ConnectSocket
  reconnect: Required<ReconnectOptions> | false
  queue: Required<Omit<QueueOptions, 'rate' | 'burst'>>
  lifecycle: LifecycleHost | null
  passThrough: { timeout: number; tcpNoDelay?: boolean; perMessageDeflate?: boolean }
  clock: Clock
  random: () => number
  generateId: (() => string) | undefined
  transports: Array<'websocket' | 'polling'>
  fallbackAfter: number
  /** null when polling is not among the transports. */
  request: RequestFn | null
}

const KNOWN =
  'path query extraHeaders forceNew multiplex autoConnect timeout connectSocket reconnect queue lifecycle tcpNoDelay perMessageDeflate clock random generateId auth transports fallbackAfter request'.split(
    ' ',
  )

/** socket.io-client option names that have another home here. */
const RENAMED: Record<string, string> = {
  reconnection: 'reconnect: false',
  reconnectionAttempts: 'reconnect.maxAttempts',
  reconnectionDelay: 'reconnect.minDelay',
  reconnectionDelayMax: 'reconnect.maxDelay',
  randomizationFactor: 'reconnect.jitter',
  ackTimeout: 'queue.sendTimeout',
}

function fail(name: string, what: string, range = false): never {
  const message = `io(): options.${name} ${what}`
  throw range ? new RangeError(message) : new TypeError(message)
}

/** The library's own validators say "ChatSocket:"; here they speak for io(). */
function asIo<T>(make: () => T): T {
  try {
    return make()
  } catch (error) {
    if (error instanceof Error) error.message = error.message.replace(/^ChatSocket:/, 'io():')
    throw error
  }
}

/** ChatSocket's `queue` without the pacing, which a namespace's emits do not have: given, it is refused rather than ignored. */
function resolveIoQueue(value: unknown): Required<Omit<QueueOptions, 'rate' | 'burst'>> {
  for (const key of ['rate', 'burst'])
    if ((value as Record<string, unknown> | undefined)?.[key] !== undefined)
      fail(`queue.${key}`, 'is not an io() option: emits are not paced')
  const { maxSize, sendTimeout, offlineTimeout } = resolveQueue(value)
  return { maxSize, sendTimeout, offlineTimeout }
}

function stringRecord(name: string, value: unknown, scalars: boolean): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, 'must be an object')
  for (const [k, v] of Object.entries(value)) {
    if (!(typeof v === 'string' || (scalars && (typeof v === 'number' || typeof v === 'boolean')))) {
      fail(`${name}.${k}`, `must be a string${scalars ? ', number or boolean' : ''}`)
    }
  }
}

export function checkAuth(value: unknown): AuthOption | undefined {
  if (value === undefined || typeof value === 'function') return value as AuthOption | undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('auth', 'must be an object or a function')
  return value as AuthOption
}

/** Validates once and merges over IO_DEFAULTS; every message names the option. */
export function resolveIoOptions(options: IoOptions): ResolvedManagerOptions & { forceNew: boolean; multiplex: boolean } {
  if (typeof options !== 'object' || options === null) fail('', 'must be an object')
  const o = options as Record<string, unknown>
  for (const key of Object.keys(o)) {
    const renamed = RENAMED[key]
    if (renamed !== undefined) fail(key, `is socket.io-client's; here it is ${renamed}`)
    if (!KNOWN.includes(key)) fail(key, 'is not an io() option')
  }
  checkAuth(o.auth)
  const path = o.path ?? IO_DEFAULTS.path
  if (typeof path !== 'string' || !path.startsWith('/'))
    fail('path', `must be a string starting with "/", got ${typeof path === 'string' ? path : typeof path}`)
  if (o.query !== undefined) stringRecord('query', o.query, true)
  if (o.extraHeaders !== undefined) stringRecord('extraHeaders', o.extraHeaders, false)
  const transports = (o.transports ?? IO_DEFAULTS.transports) as unknown
  if (
    !Array.isArray(transports) ||
    transports.length === 0 ||
    transports.some((t) => t !== 'websocket' && t !== 'polling') ||
    new Set(transports).size !== transports.length
  ) {
    fail('transports', "must be a non-empty array of 'websocket' and/or 'polling', each once")
  }
  const list = transports as Array<'websocket' | 'polling'>
  let request: RequestFn | null = null
  if (list.includes('polling')) {
    const wx = (globalThis as { wx?: { request?: RequestFn } }).wx
    const r = o.request ?? (typeof wx?.request === 'function' ? wx.request.bind(wx) : undefined)
    if (typeof r !== 'function') fail('request', "is required for 'polling' outside WeChat (e.g. createFetchRequest())")
    request = r as RequestFn
  } else if (o.request !== undefined) {
    asIo(() => fn('request', o.request))
  }
  const fallbackAfter =
    o.fallbackAfter === undefined ? IO_DEFAULTS.fallbackAfter : asIo(() => num('fallbackAfter', o.fallbackAfter, 1, INT))
  let connectSocket = o.connectSocket
  if (connectSocket === undefined && !list.includes('websocket'))
    connectSocket = () => {
      throw new Error('no WebSocket transport')
    }
  if (connectSocket === undefined) {
    const wx = (globalThis as { wx?: { connectSocket?: ConnectSocket } }).wx
    if (typeof wx?.connectSocket !== 'function')
      fail('connectSocket', 'is required outside WeChat (e.g. createNodeConnectSocket(WebSocket))')
    connectSocket = wx.connectSocket.bind(wx)
  }
  const timeout = o.timeout === undefined ? IO_DEFAULTS.timeout : asIo(() => num('timeout', o.timeout, 0, ABOVE))
  const clock = asIo(() => hasFunctions<Clock>('clock', o.clock ?? systemClock, 'now setTimeout clearTimeout'))
  const passThrough: ResolvedManagerOptions['passThrough'] = { timeout }
  if (o.tcpNoDelay !== undefined) passThrough.tcpNoDelay = asIo(() => bool('tcpNoDelay', o.tcpNoDelay, false))
  if (o.perMessageDeflate !== undefined) passThrough.perMessageDeflate = asIo(() => bool('perMessageDeflate', o.perMessageDeflate, false))
  const query = o.query as Record<string, string | number | boolean> | undefined
  return {
    path: path.endsWith('/') ? path : `${path}/`,
    query: query === undefined ? '' : encodeQuery(query),
    extraHeaders: o.extraHeaders as Record<string, string> | undefined,
    forceNew: asIo(() => bool('forceNew', o.forceNew, IO_DEFAULTS.forceNew)),
    multiplex: asIo(() => bool('multiplex', o.multiplex, IO_DEFAULTS.multiplex)),
    autoConnect: asIo(() => bool('autoConnect', o.autoConnect, IO_DEFAULTS.autoConnect)),
    timeout,
    connectSocket: asIo(() => fn<ConnectSocket>('connectSocket', connectSocket)),
    reconnect: asIo(() => resolveReconnect(o.reconnect)),
    queue: asIo(() => resolveIoQueue(o.queue)),
    lifecycle: asIo(() => resolveLifecycle(o.lifecycle)),
    passThrough,
    clock,
    random: o.random === undefined ? Math.random : asIo(() => fn<() => number>('random', o.random)),
    generateId: o.generateId === undefined ? undefined : asIo(() => fn<() => string>('generateId', o.generateId)),
    transports: list,
    fallbackAfter,
    request,
  }
}
