import { systemClock } from './clock'
import { createIdGenerator } from './ids'
import { jsonCodec } from './protocol'
import { detectPlatform, PLATFORM_GLOBALS } from './platform'
import type { TransportName } from './transports/transport'
import type { RequestFn } from './transports/polling-request'
import type { PollingUrl } from './transports/polling'
import type {
  ChatSocketOptions,
  Clock,
  Codec,
  ConnectSocket,
  HeartbeatOptions,
  LifecycleHost,
  OutboxStorage,
  PersistOptions,
  QueueOptions,
  ReconnectOptions,
  Resolvable,
} from './types'

/** Every default in one place. `false` for `heartbeat` or `reconnect` turns the feature off. */
export const DEFAULTS = {
  autoConnect: true,
  ack: true,
  lifecycle: true,
  /** ms a connect attempt may take before it is abandoned (also passed to connectSocket). */
  timeout: 10000,
  heartbeat: { interval: 25000, timeout: 10000 },
  reconnect: { minDelay: 1000, maxDelay: 30000, factor: 2, jitter: 0.5, maxAttempts: Infinity, minUptime: 5000 },
  queue: { maxSize: 1000, sendTimeout: 15000, offlineTimeout: 86_400_000, rate: Infinity, burst: 20 },
  persist: { key: 'chat-socket.outbox', maxEntries: 100, maxBytes: 262_144 },
  transports: ['websocket'],
  fallbackAfter: 3,
  probeInterval: 30_000,
} as const

export interface ResolvedPersist {
  storage: OutboxStorage
  key: string
  maxEntries: number
  maxBytes: number
}

export interface ResolvedOptions {
  url: Resolvable<string>
  header: Resolvable<Record<string, string>> | undefined
  passThrough: { protocols?: string[]; tcpNoDelay?: boolean; perMessageDeflate?: boolean; timeout: number }
  connectSocket: ConnectSocket
  autoConnect: boolean
  heartbeat: Required<HeartbeatOptions> | false
  reconnect: Required<ReconnectOptions> | false
  queue: Required<QueueOptions>
  ack: boolean
  lifecycle: LifecycleHost | null
  codec: Codec
  generateId: () => string
  random: () => number
  clock: Clock
  /** null: no outbox. */
  persist: ResolvedPersist | null
  transports: TransportName[]
  fallbackAfter: number
  /** null unless `transports` has 'polling'. */
  request: RequestFn | null
  pollingUrl: PollingUrl | undefined
  probeInterval: number
}

const KNOWN =
  'url header protocols tcpNoDelay perMessageDeflate timeout connectSocket autoConnect heartbeat reconnect queue ack lifecycle codec generateId random clock persist transports fallbackAfter request pollingUrl probeInterval'.split(
    ' ',
  )

/** A wrong value in a message: a primitive as itself, an object or function by its type. */
function shown(value: unknown): string {
  return (typeof value === 'object' && value !== null) || typeof value === 'function' ? typeof value : String(value)
}

/** Throws `TypeError` (wrong type) or `RangeError` (right type, bad value), naming the option. */
function fail(name: string, what: string, range?: boolean): never {
  const message = `ChatSocket: options.${name} ${what}`
  throw range ? new RangeError(message) : new TypeError(message)
}

/** Flags of a number rule: `min` itself is excluded; whole numbers only; Infinity allowed. */
export const ABOVE = 1
export const INT = 2
export const INF = 4

/**
 * Checks a number against `min` (and `max`) and the flags. The message names the option and
 * the rule, e.g. `options.queue.maxSize must be an integer >= 1, got 0`. Rules are flags, not
 * objects, so the mini-program bundle carries one short function for every number option.
 */
export function num(name: string, value: unknown, min: number, flags = 0, max = Infinity): number {
  if (typeof value !== 'number' || value !== value) fail(name, `must be a number, got ${shown(value)}`)
  if (
    !(flags & ABOVE ? value > min : value >= min) ||
    value > max ||
    (value === Infinity ? !(flags & INF) : flags & INT && !Number.isInteger(value))
  ) {
    const rule = `${flags & ABOVE ? '>' : '>='} ${min}${max < Infinity ? ` and <= ${max}` : ''}${flags & INF ? ' or Infinity' : ''}`
    fail(name, `must be ${flags & INT ? 'an integer' : 'a number'} ${rule}, got ${value}`, true)
  }
  return value
}

export function bool(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail(name, `must be true or false, got ${shown(value)}`)
  return value
}

export function fn<T>(name: string, value: unknown): T {
  if (typeof value !== 'function') fail(name, `must be a function, got ${typeof value}`)
  return value as T
}

/** A nested options object merged over its defaults (undefined fields count as absent), or false. */
function section<T extends object>(name: string, value: unknown, defaults: T, allowFalse: boolean): T | false {
  if (value === false && allowFalse) return false
  const merged = Object.assign({}, defaults)
  if (value === undefined) return merged
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, `must be an object${allowFalse ? ' or false' : ''}`)
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) (merged as Record<string, unknown>)[key] = v
  }
  return merged
}

function resolveHeartbeat(value: unknown): Required<HeartbeatOptions> | false {
  const h = section<Required<HeartbeatOptions>>('heartbeat', value, DEFAULTS.heartbeat, true)
  return h && { interval: num('heartbeat.interval', h.interval, 0, ABOVE), timeout: num('heartbeat.timeout', h.timeout, 0, ABOVE) }
}

export function resolveReconnect(value: unknown): Required<ReconnectOptions> | false {
  const r = section<Required<ReconnectOptions>>('reconnect', value, DEFAULTS.reconnect, true)
  if (!r) return false
  const maxDelay = num('reconnect.maxDelay', r.maxDelay, 0)
  return {
    minDelay: num('reconnect.minDelay', r.minDelay, 0, 0, maxDelay),
    maxDelay,
    factor: num('reconnect.factor', r.factor, 1),
    jitter: num('reconnect.jitter', r.jitter, 0, 0, 1),
    maxAttempts: num('reconnect.maxAttempts', r.maxAttempts, 0, INT | INF),
    minUptime: num('reconnect.minUptime', r.minUptime, 0),
  }
}

export function resolveQueue(value: unknown): Required<QueueOptions> {
  const q = section<Required<QueueOptions>>('queue', value, DEFAULTS.queue, false) as Required<QueueOptions>
  return {
    maxSize: num('queue.maxSize', q.maxSize, 1, INT),
    sendTimeout: num('queue.sendTimeout', q.sendTimeout, 0, ABOVE | INF),
    offlineTimeout: num('queue.offlineTimeout', q.offlineTimeout, 0, ABOVE | INF),
    rate: num('queue.rate', q.rate, 0, ABOVE | INF),
    burst: num('queue.burst', q.burst, 1, INT),
  }
}

function resolvePersist(value: unknown): ResolvedPersist | null {
  if (value === undefined || value === false) return null
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    fail('persist', `must be true, false or an object ({storage, key, maxEntries, maxBytes}), got ${shown(value)}`)
  }
  const p = (value === true ? {} : section<PersistOptions>('persist', value, {}, false)) as PersistOptions
  const storage = p.storage ?? detectPlatform()?.storage ?? null
  if (storage === null) fail('persist.storage', 'is required outside a mini-program: an object with get, set and remove functions')
  hasFunctions('persist.storage', storage, 'get set remove')
  const key = p.key ?? DEFAULTS.persist.key
  if (typeof key !== 'string' || key === '') fail('persist.key', `must be a non-empty string, got ${shown(key)}`)
  return {
    storage,
    key,
    maxEntries: num('persist.maxEntries', p.maxEntries ?? DEFAULTS.persist.maxEntries, 1, INT),
    maxBytes: num('persist.maxBytes', p.maxBytes ?? DEFAULTS.persist.maxBytes, 1, INT),
  }
}

export function resolveLifecycle(value: unknown): LifecycleHost | null {
  if (value === undefined || value === true) {
    return detectPlatform()?.lifecycle ?? null
  }
  if (value === false) return null
  if (typeof value !== 'object' || value === null) fail('lifecycle', 'must be a boolean or an object like wx (onAppHide, onAppShow…)')
  return value
}

/** `value` has a function for each of the space-separated `keys`. */
export function hasFunctions<T>(name: string, value: unknown, keys: string): T {
  for (const key of keys.split(' ')) {
    if (typeof (value as Record<string, unknown> | null)?.[key] !== 'function') fail(name, `must have a ${key} function`)
  }
  return value as T
}

function resolveTransports(o: Record<string, unknown>): Pick<ResolvedOptions, 'transports' | 'request' | 'pollingUrl'> {
  const t = o.transports ?? DEFAULTS.transports
  if (!Array.isArray(t) || t.length === 0 || t.some((x, i) => (x !== 'websocket' && x !== 'polling') || t.indexOf(x) !== i)) {
    fail('transports', "must be a non-empty array of 'websocket' and 'polling', each at most once")
  }
  const transports = t as TransportName[]
  let request: RequestFn | null = null
  if (transports.includes('polling')) {
    let given = o.request
    if (given === undefined) {
      // The platform's own request (wx.request and those of its shape).
      const platform = detectPlatform()
      const api = platform && ((globalThis as Record<string, unknown>)[platform.name] as { request?: unknown })
      if (!api || typeof api.request !== 'function')
        fail('request', "is required for 'polling' outside a mini-program: e.g. createFetchRequest()")
      given = (api.request as RequestFn).bind(api)
    }
    request = fn<RequestFn>('request', given)
  }
  const pollingUrl = o.pollingUrl
  if (
    pollingUrl !== undefined &&
    typeof pollingUrl !== 'function' &&
    !(typeof pollingUrl === 'string' && /^https?:\/\//i.test(pollingUrl))
  ) {
    fail('pollingUrl', 'must be an http(s):// URL or a function of the socket URL giving one')
  }
  return { transports, request, pollingUrl: pollingUrl as PollingUrl | undefined }
}

/** Validates user options once, at construction, and merges them over DEFAULTS. */
export function resolveOptions(options: ChatSocketOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('ChatSocket: options must be an object with at least a url')
  const o = options as unknown as Record<string, unknown>
  for (const key of Object.keys(o)) if (!KNOWN.includes(key)) fail(key, 'is not a ChatSocket option')
  const { url, header, protocols } = o
  if (!(typeof url === 'string' && url) && typeof url !== 'function') fail('url', 'is required: a ws(s):// URL or a function giving one')
  if (header !== undefined && typeof header !== 'function' && (typeof header !== 'object' || header === null)) {
    fail('header', 'must be an object of strings or a function giving one')
  }
  if (protocols !== undefined && (!Array.isArray(protocols) || protocols.some((p) => typeof p !== 'string'))) {
    fail('protocols', 'must be an array of strings')
  }
  let connectSocket = o.connectSocket
  if (connectSocket === undefined) {
    const platform = detectPlatform()
    if (!platform)
      fail('connectSocket', `is required outside a mini-program (no ${PLATFORM_GLOBALS.join('/')} global): e.g. createWebConnectSocket()`)
    connectSocket = platform.connectSocket
  }
  const random = o.random === undefined ? Math.random : fn<() => number>('random', o.random)
  const clock = hasFunctions<Clock>('clock', o.clock ?? systemClock, 'now setTimeout clearTimeout')
  const codec = hasFunctions<Codec>('codec', o.codec ?? jsonCodec, 'encode decode')
  const passThrough: ResolvedOptions['passThrough'] = {
    timeout: o.timeout === undefined ? DEFAULTS.timeout : num('timeout', o.timeout, 0, ABOVE),
  }
  if (protocols !== undefined) passThrough.protocols = protocols as string[]
  if (o.tcpNoDelay !== undefined) passThrough.tcpNoDelay = bool('tcpNoDelay', o.tcpNoDelay, false)
  if (o.perMessageDeflate !== undefined) passThrough.perMessageDeflate = bool('perMessageDeflate', o.perMessageDeflate, false)
  return {
    url: url as Resolvable<string>,
    header: header as ResolvedOptions['header'],
    passThrough,
    connectSocket: fn<ConnectSocket>('connectSocket', connectSocket),
    autoConnect: bool('autoConnect', o.autoConnect, DEFAULTS.autoConnect),
    heartbeat: resolveHeartbeat(o.heartbeat),
    reconnect: resolveReconnect(o.reconnect),
    queue: resolveQueue(o.queue),
    ack: bool('ack', o.ack, DEFAULTS.ack),
    lifecycle: resolveLifecycle(o.lifecycle),
    codec,
    generateId: o.generateId === undefined ? createIdGenerator(random, () => clock.now()) : fn<() => string>('generateId', o.generateId),
    random,
    clock,
    persist: resolvePersist(o.persist),
    ...resolveTransports(o),
    fallbackAfter: o.fallbackAfter === undefined ? DEFAULTS.fallbackAfter : num('fallbackAfter', o.fallbackAfter, 1, INT),
    probeInterval: o.probeInterval === undefined ? DEFAULTS.probeInterval : num('probeInterval', o.probeInterval, 0, ABOVE),
  }
}
