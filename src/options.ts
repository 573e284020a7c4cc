import { systemClock } from './clock'
import { createIdGenerator, jsonCodec } from './protocol'
import type {
  ChatSocketOptions,
  Clock,
  Codec,
  ConnectSocket,
  HeartbeatOptions,
  LifecycleHost,
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
  queue: { maxSize: 1000, sendTimeout: 15000 },
} as const

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
}

const KNOWN = new Set([
  'url', 'header', 'protocols', 'tcpNoDelay', 'perMessageDeflate', 'timeout', 'connectSocket', 'autoConnect',
  'heartbeat', 'reconnect', 'queue', 'ack', 'lifecycle', 'codec', 'generateId', 'random', 'clock',
])

interface WxLike extends LifecycleHost {
  connectSocket?: ConnectSocket
}

function globalWx(): WxLike | undefined {
  const g = globalThis as { wx?: WxLike }
  return typeof g.wx === 'object' && g.wx !== null ? g.wx : undefined
}

function fail(kind: 'type' | 'range', name: string, what: string): never {
  const message = `ChatSocket: options.${name} ${what}`
  throw kind === 'type' ? new TypeError(message) : new RangeError(message)
}

function positive(name: string, value: unknown, allowInfinity = false): number {
  if (typeof value !== 'number' || Number.isNaN(value)) fail('type', name, `must be a number, got ${typeof value}`)
  if (!(value > 0) || (!allowInfinity && !Number.isFinite(value))) {
    fail('range', name, `must be a positive${allowInfinity ? '' : ' finite'} number of ms, got ${value}`)
  }
  return value
}

function nonNegative(name: string, value: unknown, allowInfinity = false): number {
  if (typeof value !== 'number' || Number.isNaN(value)) fail('type', name, `must be a number, got ${typeof value}`)
  if (value < 0 || (!allowInfinity && !Number.isFinite(value))) fail('range', name, `must be >= 0, got ${value}`)
  return value
}

function bool(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail('type', name, `must be a boolean, got ${typeof value}`)
  return value
}

function fn<T>(name: string, value: unknown): T {
  if (typeof value !== 'function') fail('type', name, `must be a function, got ${typeof value}`)
  return value as T
}

function section<T extends object>(name: string, value: unknown, allowFalse: boolean): Partial<T> | false {
  if (value === undefined) return {}
  if (value === false && allowFalse) return false
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('type', name, `must be an object${allowFalse ? ' or false' : ''}`)
  }
  return value as Partial<T>
}

function resolveHeartbeat(value: unknown): Required<HeartbeatOptions> | false {
  const given = section<HeartbeatOptions>('heartbeat', value, true)
  if (given === false) return false
  const merged = { ...DEFAULTS.heartbeat, ...stripUndefined(given) }
  return {
    interval: positive('heartbeat.interval', merged.interval),
    timeout: positive('heartbeat.timeout', merged.timeout),
  }
}

function resolveReconnect(value: unknown): Required<ReconnectOptions> | false {
  const given = section<ReconnectOptions>('reconnect', value, true)
  if (given === false) return false
  const m = { ...DEFAULTS.reconnect, ...stripUndefined(given) }
  const minDelay = nonNegative('reconnect.minDelay', m.minDelay)
  const maxDelay = nonNegative('reconnect.maxDelay', m.maxDelay)
  if (minDelay > maxDelay) fail('range', 'reconnect.minDelay', `(${minDelay}) must not exceed reconnect.maxDelay (${maxDelay})`)
  const factor = positive('reconnect.factor', m.factor)
  if (factor < 1) fail('range', 'reconnect.factor', `must be >= 1, got ${factor}`)
  const jitter = nonNegative('reconnect.jitter', m.jitter)
  if (jitter > 1) fail('range', 'reconnect.jitter', `must be within [0, 1], got ${jitter}`)
  const maxAttempts = nonNegative('reconnect.maxAttempts', m.maxAttempts, true)
  if (Number.isFinite(maxAttempts) && !Number.isInteger(maxAttempts)) {
    fail('range', 'reconnect.maxAttempts', `must be a whole number or Infinity, got ${maxAttempts}`)
  }
  return { minDelay, maxDelay, factor, jitter, maxAttempts, minUptime: nonNegative('reconnect.minUptime', m.minUptime) }
}

function resolveQueue(value: unknown): Required<QueueOptions> {
  const given = section<QueueOptions>('queue', value, false) as Partial<QueueOptions>
  const m = { ...DEFAULTS.queue, ...stripUndefined(given) }
  if (typeof m.maxSize !== 'number' || !Number.isInteger(m.maxSize) || m.maxSize < 1) {
    fail('range', 'queue.maxSize', `must be a whole number >= 1, got ${String(m.maxSize)}`)
  }
  return { maxSize: m.maxSize, sendTimeout: positive('queue.sendTimeout', m.sendTimeout, true) }
}

function resolveLifecycle(value: unknown): LifecycleHost | null {
  if (value === undefined || value === true) {
    const wx = globalWx()
    return wx && typeof wx.onAppShow === 'function' ? wx : null
  }
  if (value === false) return null
  if (typeof value === 'object' && value !== null) return value as LifecycleHost
  return fail('type', 'lifecycle', 'must be a boolean or an object with onAppHide/onAppShow/onNetworkStatusChange')
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {}
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] !== undefined) out[key] = value[key]
  return out
}

/** Validates user options once, at construction, and merges them over DEFAULTS. */
export function resolveOptions(options: ChatSocketOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('ChatSocket: options must be an object with at least a url')
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) fail('type', key, `is not a ChatSocket option (known: ${[...KNOWN].join(', ')})`)
  }
  const o = options as unknown as Record<string, unknown>
  const url = o.url
  if (!(typeof url === 'string' && url.length > 0) && typeof url !== 'function') {
    fail('type', 'url', 'is required: a ws:// or wss:// URL, or a function returning one (or a Promise of one)')
  }
  const header = o.header
  if (header !== undefined && typeof header !== 'function' && (typeof header !== 'object' || header === null)) {
    fail('type', 'header', 'must be an object of strings or a function returning one')
  }
  let connectSocket = o.connectSocket
  if (connectSocket === undefined) {
    const wx = globalWx()
    if (wx && typeof wx.connectSocket === 'function') connectSocket = wx.connectSocket.bind(wx)
    else fail('type', 'connectSocket', 'is required outside WeChat: pass createWebConnectSocket() or createNodeConnectSocket(WebSocket)')
  }
  const random = o.random === undefined ? Math.random : fn<() => number>('random', o.random)
  const clock = o.clock === undefined ? systemClock : (o.clock as Clock)
  if (typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    fail('type', 'clock', 'must have now, setTimeout and clearTimeout functions')
  }
  const codec = o.codec === undefined ? jsonCodec : (o.codec as Codec)
  if (typeof codec.encode !== 'function' || typeof codec.decode !== 'function') fail('type', 'codec', 'must have encode and decode functions')
  if (o.protocols !== undefined && (!Array.isArray(o.protocols) || o.protocols.some((p) => typeof p !== 'string'))) {
    fail('type', 'protocols', 'must be an array of strings')
  }
  return {
    url: url as Resolvable<string>,
    header: header as ResolvedOptions['header'],
    passThrough: {
      ...(o.protocols !== undefined && { protocols: o.protocols as string[] }),
      ...(o.tcpNoDelay !== undefined && { tcpNoDelay: bool('tcpNoDelay', o.tcpNoDelay) }),
      ...(o.perMessageDeflate !== undefined && { perMessageDeflate: bool('perMessageDeflate', o.perMessageDeflate) }),
      timeout: o.timeout === undefined ? DEFAULTS.timeout : positive('timeout', o.timeout),
    },
    connectSocket: fn<ConnectSocket>('connectSocket', connectSocket),
    autoConnect: o.autoConnect === undefined ? DEFAULTS.autoConnect : bool('autoConnect', o.autoConnect),
    heartbeat: resolveHeartbeat(o.heartbeat),
    reconnect: resolveReconnect(o.reconnect),
    queue: resolveQueue(o.queue),
    ack: o.ack === undefined ? DEFAULTS.ack : bool('ack', o.ack),
    lifecycle: resolveLifecycle(o.lifecycle),
    codec,
    generateId: o.generateId === undefined ? createIdGenerator(random, clock.now) : fn<() => string>('generateId', o.generateId),
    random,
    clock,
  }
}
