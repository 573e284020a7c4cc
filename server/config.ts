import path from 'node:path'
import { serverClock, type Clock } from './server-clock'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** The subset of `fetch` that wechat.ts uses; inject a fake in tests. */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<{
  ok: boolean
  status: number
  json(): Promise<unknown>
}>

export interface RateLimitOptions {
  /** Tokens added per second. */
  rate: number
  /** Bucket size: how many frames may arrive at once. */
  burst: number
}

export interface DemoAgentOptions {
  /** Default 'demo'. */
  username?: string
  /** Default: generated when the agent is created (env DEMO_AGENT_PASSWORD). */
  password?: string
  /** Display name. Default '小美'. */
  name?: string
}

export interface ServerOptions {
  /** TCP port; 0 picks a free one. Default 8080 (env PORT). */
  port?: number
  /** Interface to listen on. Default '127.0.0.1' (env HOST). */
  host?: string
  /** Folder for chat.db, secret and uploads/, or ':memory:' for a throwaway server. Default './data' (env DATA_DIR). */
  dataDir?: string
  /** HMAC key for tokens. Default: read from DATA_DIR/secret, generated there on first start (env SECRET). */
  secret?: string
  /** Token lifetime in seconds. Default 7 days (env TOKEN_TTL, e.g. 3600, 90m, 12h, 7d). */
  tokenTtl?: number
  /** WeChat credentials; when set, login codes go through jscode2session. Default null: dev mode (env WX_APPID + WX_SECRET). */
  wechat?: { appId: string; secret: string } | null
  /** The HTTP client for jscode2session. Default the global fetch. */
  fetch?: FetchLike
  /** Default 'info' (env LOG_LEVEL). */
  logLevel?: LogLevel
  /** Largest accepted upload in bytes. Default 5 MiB (env UPLOAD_MAX_BYTES). */
  uploadMaxBytes?: number
  /** Per-connection frame rate limit. Default 20/s, burst 40 (env RATE_LIMIT_RATE, RATE_LIMIT_BURST). */
  rateLimit?: RateLimitOptions
  /** Failed agent logins per client IP. Default 1 every 6 s, burst 10. */
  loginRateLimit?: RateLimitOptions
  /** Static files of the agent console, served at /agent/. Default './build/console' (env CONSOLE_DIR). */
  consoleDir?: string
  /** The agent created when there is none; `false` creates none. */
  demoAgent?: DemoAgentOptions | false
  /** ms between WebSocket protocol pings; a socket that missed the previous one is dropped. Default 30000 (env PING_INTERVAL). */
  pingInterval?: number
  /** Longest text message, in characters. Default 2000. */
  textMaxLength?: number
  /** ms that shutdown waits for sockets to finish their close handshake before cutting them. Default 5000. */
  shutdownTimeout?: number
  /** SQLite `synchronous` pragma: 'normal' survives a process crash (kill -9), 'full' also power loss. Default 'normal' (env SQLITE_SYNCHRONOUS). */
  sqliteSynchronous?: 'normal' | 'full'
  /**
   * ms an agent may stay offline before their `assigned` (not yet accepted) conversations are
   * routed again; coming back within it changes nothing. Default 30000 (env AGENT_GRACE_MS).
   */
  agentGraceMs?: number
  /** Every timer of the server (liveness sweep, grace periods, shutdown) and its time. Default the global timers, unref'd; inject one to control time in tests. */
  clock?: Clock
}

export interface ResolvedOptions {
  port: number
  host: string
  dataDir: string
  secret: string | undefined
  tokenTtl: number
  wechat: { appId: string; secret: string } | null
  fetch: FetchLike | undefined
  logLevel: LogLevel
  uploadMaxBytes: number
  rateLimit: RateLimitOptions
  loginRateLimit: RateLimitOptions
  consoleDir: string
  demoAgent: Required<Omit<DemoAgentOptions, 'password'>> & { password?: string } | false
  pingInterval: number
  textMaxLength: number
  shutdownTimeout: number
  sqliteSynchronous: 'normal' | 'full'
  agentGraceMs: number
  clock: Clock
}

export const MEMORY = ':memory:'

export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  tokenTtl: 7 * 24 * 3600,
  wechat: null,
  logLevel: 'info',
  uploadMaxBytes: 5 * 1024 * 1024,
  rateLimit: { rate: 20, burst: 40 },
  loginRateLimit: { rate: 1 / 6, burst: 10 },
  consoleDir: './build/console',
  demoAgent: { username: 'demo', name: '小美' },
  pingInterval: 30_000,
  textMaxLength: 2000,
  shutdownTimeout: 5000,
  sqliteSynchronous: 'normal',
  agentGraceMs: 30_000,
} as const

/** Longest delay setTimeout honours (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** Largest WebSocket frame accepted; bigger ones close the link with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`)
  }
  return value
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${String(value)}`)
  }
  return value
}

function text(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`)
  return value
}

function rate(name: string, value: RateLimitOptions): RateLimitOptions {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be { rate, burst }`)
  return { rate: positive(`${name}.rate`, value.rate), burst: integer(`${name}.burst`, value.burst, 1) }
}

/** Merges options over DEFAULTS once, failing at once on a bad value with a message that names it. */
export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  const logLevel = options.logLevel ?? DEFAULTS.logLevel
  if (!LOG_LEVELS.includes(logLevel)) throw new RangeError(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${String(logLevel)}`)
  const sqliteSynchronous = options.sqliteSynchronous ?? DEFAULTS.sqliteSynchronous
  if (sqliteSynchronous !== 'normal' && sqliteSynchronous !== 'full') {
    throw new RangeError(`sqliteSynchronous must be 'normal' or 'full', got ${String(sqliteSynchronous)}`)
  }
  const wechat = options.wechat ?? DEFAULTS.wechat
  if (wechat !== null) {
    text('wechat.appId', wechat.appId)
    text('wechat.secret', wechat.secret)
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new TypeError('fetch must be a function')
  const clock = options.clock ?? serverClock
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function') {
    throw new TypeError('clock must be { now, setTimeout, clearTimeout }')
  }
  if (options.secret !== undefined) text('secret', options.secret)
  let demoAgent: ResolvedOptions['demoAgent'] = false
  if (options.demoAgent !== false) {
    const demo = options.demoAgent ?? {}
    demoAgent = {
      username: text('demoAgent.username', demo.username ?? DEFAULTS.demoAgent.username),
      name: text('demoAgent.name', demo.name ?? DEFAULTS.demoAgent.name),
      ...(demo.password !== undefined ? { password: text('demoAgent.password', demo.password) } : {}),
    }
  }
  const dataDir = text('dataDir', options.dataDir ?? DEFAULTS.dataDir)
  return {
    port: integer('port', options.port ?? DEFAULTS.port, 0, 65535),
    host: text('host', options.host ?? DEFAULTS.host),
    dataDir: dataDir === MEMORY ? MEMORY : path.resolve(dataDir),
    secret: options.secret,
    tokenTtl: integer('tokenTtl', options.tokenTtl ?? DEFAULTS.tokenTtl, 1),
    wechat,
    fetch: options.fetch,
    logLevel,
    uploadMaxBytes: integer('uploadMaxBytes', options.uploadMaxBytes ?? DEFAULTS.uploadMaxBytes, 1),
    rateLimit: rate('rateLimit', options.rateLimit ?? DEFAULTS.rateLimit),
    loginRateLimit: rate('loginRateLimit', options.loginRateLimit ?? DEFAULTS.loginRateLimit),
    consoleDir: path.resolve(text('consoleDir', options.consoleDir ?? DEFAULTS.consoleDir)),
    demoAgent,
    pingInterval: integer('pingInterval', options.pingInterval ?? DEFAULTS.pingInterval, 1),
    textMaxLength: integer('textMaxLength', options.textMaxLength ?? DEFAULTS.textMaxLength, 1),
    shutdownTimeout: integer('shutdownTimeout', options.shutdownTimeout ?? DEFAULTS.shutdownTimeout, 0),
    sqliteSynchronous,
    agentGraceMs: integer('agentGraceMs', options.agentGraceMs ?? DEFAULTS.agentGraceMs, 0, MAX_TIMER_MS),
    clock,
  }
}

const DURATION = /^(\d+)\s*(s|m|h|d)?$/
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const

/** '3600' → 3600, '90m' → 5400, '12h', '7d'. */
export function parseDuration(name: string, value: string): number {
  const match = DURATION.exec(value.trim())
  if (!match) throw new RangeError(`${name} must be seconds or a number with s, m, h or d (e.g. 7d), got "${value}"`)
  const unit = (match[2] ?? 's') as keyof typeof UNIT_SECONDS
  return Number(match[1]) * UNIT_SECONDS[unit]
}

function envInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new RangeError(`${name} must be a whole number, got "${value}"`)
  return Number(value)
}

function envNumber(name: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new RangeError(`${name} must be a number, got "${value}"`)
  return n
}

type Env = Record<string, string | undefined>

/** Reads the environment variables documented in the README into ServerOptions. Unset or empty variables keep their defaults. */
export function optionsFromEnv(env: Env = process.env): ServerOptions {
  const get = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v.trim() === '' ? undefined : v
  }
  const options: ServerOptions = {}
  const port = get('PORT')
  if (port !== undefined) options.port = envInteger('PORT', port)
  const host = get('HOST')
  if (host !== undefined) options.host = host
  const dataDir = get('DATA_DIR')
  if (dataDir !== undefined) options.dataDir = dataDir
  const secret = get('SECRET')
  if (secret !== undefined) options.secret = secret
  const ttl = get('TOKEN_TTL')
  if (ttl !== undefined) options.tokenTtl = parseDuration('TOKEN_TTL', ttl)
  const appId = get('WX_APPID')
  const wxSecret = get('WX_SECRET')
  if ((appId === undefined) !== (wxSecret === undefined)) {
    throw new TypeError('WX_APPID and WX_SECRET must be set together (or neither, for dev-mode logins)')
  }
  if (appId !== undefined && wxSecret !== undefined) options.wechat = { appId, secret: wxSecret }
  const logLevel = get('LOG_LEVEL')
  if (logLevel !== undefined) options.logLevel = logLevel as LogLevel
  const upload = get('UPLOAD_MAX_BYTES')
  if (upload !== undefined) options.uploadMaxBytes = envInteger('UPLOAD_MAX_BYTES', upload)
  const rateValue = get('RATE_LIMIT_RATE')
  const burst = get('RATE_LIMIT_BURST')
  if (rateValue !== undefined || burst !== undefined) {
    options.rateLimit = {
      rate: rateValue !== undefined ? envNumber('RATE_LIMIT_RATE', rateValue) : DEFAULTS.rateLimit.rate,
      burst: burst !== undefined ? envInteger('RATE_LIMIT_BURST', burst) : DEFAULTS.rateLimit.burst,
    }
  }
  const consoleDir = get('CONSOLE_DIR')
  if (consoleDir !== undefined) options.consoleDir = consoleDir
  const demoPassword = get('DEMO_AGENT_PASSWORD')
  if (demoPassword !== undefined) options.demoAgent = { password: demoPassword }
  const ping = get('PING_INTERVAL')
  if (ping !== undefined) options.pingInterval = envInteger('PING_INTERVAL', ping)
  const sync = get('SQLITE_SYNCHRONOUS')
  if (sync !== undefined) options.sqliteSynchronous = sync.toLowerCase() as 'normal' | 'full'
  const grace = get('AGENT_GRACE_MS')
  if (grace !== undefined) options.agentGraceMs = envInteger('AGENT_GRACE_MS', grace)
  return options
}
