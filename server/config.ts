import path from 'node:path'
import type { Static } from '@sinclair/typebox'
import envSchema from 'env-schema'
import { FRAME_RATE_LIMIT } from '../src/protocol'
import type { HttpRateLimitStore } from './http-rate-limit'
import { resolveLimits, type LimitsOptions, type ResolvedLimits } from './limits'
import { serverClock, type Clock } from './server-clock'
import { DURATION, EnvSchema, OptionsSchema, VARIABLE_OF_OPTION, type LogLevel } from './option-schemas'
import { createAjv, expectedBy, isRangeRule, schemaProblems, type SchemaProblem } from './validation'

export type { LogLevel }

/** The subset of `fetch` that wechat.ts uses; inject a fake in tests. */
export type FetchLike = (
  url: string,
  init?: { signal?: AbortSignal },
) => Promise<{
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
  /** Where log lines (JSON, one a line) are written. Default stdout; inject one to read the log in tests. */
  logStream?: LogStream
  /** Largest accepted upload in bytes. Default 5 MiB (env UPLOAD_MAX_BYTES). */
  uploadMaxBytes?: number
  /**
   * Per-connection frame rate limit. Default 20/s, burst 40 (env RATE_LIMIT_RATE,
   * RATE_LIMIT_BURST; `FRAME_RATE_LIMIT`). The chat clients pace their writes for the default
   * (`paceFor(FRAME_RATE_LIMIT)`): lowering it means pacing them for the new value.
   */
  rateLimit?: RateLimitOptions
  /**
   * Agent login attempts per client IP, counted as they arrive (before the password is checked):
   * at most `burst` per `burst / rate` seconds. Default burst 10, rate 1/6 s: 10 a minute.
   */
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
  /** One SQLite COMMIT for the writes asked for in one event-loop turn, each acked after it (server/store/group-commit.ts). Default true. */
  sqliteGroupCommit?: boolean
  /**
   * ms an agent may stay offline before their `assigned` (not yet accepted) conversations are
   * routed again; coming back within it changes nothing. Default 30000 (env AGENT_GRACE_MS).
   */
  agentGraceMs?: number
  /** Caps on what one client may hold on the server (server/limits.ts has each default). */
  limits?: LimitsOptions
  /** Where the HTTP rate limits count (@fastify/rate-limit's `redis` or `store`). Default in memory: per process. */
  httpRateLimitStore?: HttpRateLimitStore
  /** ms a long-poll (GET /ws without an upgrade) is held when no frame is waiting. Default 25000 (env POLLING_HOLD). */
  pollingHold?: number
  /** ms without a poll after which a polling session ends, as a socket that dropped (1006). Default 30000 (env POLLING_IDLE_TIMEOUT). */
  pollingIdleTimeout?: number
  /**
   * Most conversations (assigned + open) routing gives one agent; beyond it new conversations wait
   * in the queue. 0: no cap. Default 20 (env MAX_CONVERSATIONS_PER_AGENT): above the 5 to 10 chats
   * a person follows at once, so a real desk does not meet it unawares, but a flood of throwaway
   * conversations (issue 9, defect 7) stops at 20 per agent and waits in the queue every agent sees.
   */
  maxConversationsPerAgent?: number
  /** Every timer of the server (liveness sweep, grace periods, shutdown) and its time. Default the global timers, unref'd; inject one to control time in tests. */
  clock?: Clock
  /** PostgreSQL instead of the embedded SQLite: postgres://user:pass@host:port/db. Default null: SQLite under dataDir (env DATABASE_URL). */
  databaseUrl?: string | null
  /** Redis for cross-instance delivery, presence and login limits: redis://host:port. Default null: one instance alone (env REDIS_URL). */
  redisUrl?: string | null
  /** Folder of uploaded images, shared by every instance. Default dataDir/uploads (env UPLOADS_DIR). */
  uploadsDir?: string
  /** ms an instance stays in the cluster's presence after its last heartbeat (it beats every third of it). Default 15000 (env PRESENCE_TTL_MS). */
  presenceTtlMs?: number
  /**
   * Proxies whose X-Forwarded-For is believed (the client IP that login limits count): addresses or
   * CIDRs, comma-separated, or 'loopback'. Default null: the socket's peer is the client (env TRUST_PROXY).
   */
  trustProxy?: string | null
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
  logStream: LogStream | undefined
  uploadMaxBytes: number
  rateLimit: RateLimitOptions
  loginRateLimit: RateLimitOptions
  consoleDir: string
  demoAgent: (Required<Omit<DemoAgentOptions, 'password'>> & { password?: string }) | false
  pingInterval: number
  textMaxLength: number
  shutdownTimeout: number
  sqliteSynchronous: 'normal' | 'full'
  sqliteGroupCommit: boolean
  agentGraceMs: number
  limits: ResolvedLimits
  httpRateLimitStore: HttpRateLimitStore | undefined
  pollingHold: number
  pollingIdleTimeout: number
  maxConversationsPerAgent: number
  clock: Clock
  databaseUrl: string | null
  redisUrl: string | null
  uploadsDir: string | null
  presenceTtlMs: number
  trustProxy: string | null
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
  rateLimit: { ...FRAME_RATE_LIMIT },
  loginRateLimit: { rate: 1 / 6, burst: 10 },
  consoleDir: './build/console',
  demoAgent: { username: 'demo', name: '小美' },
  pingInterval: 30_000,
  textMaxLength: 2000,
  shutdownTimeout: 5000,
  sqliteSynchronous: 'normal',
  sqliteGroupCommit: true,
  agentGraceMs: 30_000,
  pollingHold: 25_000,
  pollingIdleTimeout: 30_000,
  maxConversationsPerAgent: 20,
  databaseUrl: null,
  redisUrl: null,
  presenceTtlMs: 15_000,
} as const

/** Shortest SECRET accepted when several instances share it (DATABASE_URL or REDIS_URL set). */
export const CLUSTER_SECRET_MIN_LENGTH = 32

/** Largest WebSocket frame accepted; bigger ones close the link with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024

/** A destination for log lines, as pino takes it. */
export interface LogStream {
  write(line: string): void
}

/**
 * What a bad option (INVALID_OPTION) or environment variable (INVALID_ENV) throws: a RangeError
 * for a number or choice out of range, else a TypeError.
 */
export type ConfigError = (RangeError | TypeError) & { code: 'INVALID_OPTION' | 'INVALID_ENV' }

function configError(code: ConfigError['code'], range: boolean, message: string): ConfigError {
  return Object.assign(range ? new RangeError(message) : new TypeError(message), { code })
}

// Compiled once. No `removeAdditional` here: the object checked is the caller's own.
const validateOptions = createAjv().compile<Static<typeof OptionsSchema>>(OptionsSchema)

function optionError(problem: SchemaProblem): ConfigError {
  const name = problem.path.length > 0 ? problem.path.join('.') : 'options'
  const range = isRangeRule(problem.schema)
  const shown = typeof problem.value === 'string' ? JSON.stringify(problem.value) : String(problem.value)
  const got = problem.missing ? ', got nothing' : range ? `, got ${shown}` : ''
  return configError('INVALID_OPTION', range, `${name} must be ${expectedBy(problem.schema)}${got}`)
}

/** Merges options over DEFAULTS once, failing at once on a bad value with a message that names it. */
export function resolveOptions(options: ServerOptions = {}): ResolvedOptions {
  if (!validateOptions(options)) throw optionError(schemaProblems(validateOptions.errors)[0])
  // Functions: JSON Schema cannot describe them, so OptionsSchema leaves them out and they are checked here.
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    throw configError('INVALID_OPTION', false, 'fetch must be a function')
  if (options.httpRateLimitStore !== undefined && (typeof options.httpRateLimitStore !== 'object' || options.httpRateLimitStore === null))
    throw configError('INVALID_OPTION', false, 'httpRateLimitStore must be { redis } or { store }')
  if (options.logStream !== undefined && typeof options.logStream?.write !== 'function')
    throw configError('INVALID_OPTION', false, 'logStream must be { write(line) }')
  const clock = options.clock ?? serverClock
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.now !== 'function' ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw configError('INVALID_OPTION', false, 'clock must be { now, setTimeout, clearTimeout }')
  }
  const databaseUrl = options.databaseUrl ?? DEFAULTS.databaseUrl
  const redisUrl = options.redisUrl ?? DEFAULTS.redisUrl
  checkClusterSecret(options.secret, databaseUrl, redisUrl, 'INVALID_OPTION', { secret: 'secret', db: 'databaseUrl', redis: 'redisUrl' })
  const demo = options.demoAgent
  const dataDir = options.dataDir ?? DEFAULTS.dataDir
  return {
    port: options.port ?? DEFAULTS.port,
    host: options.host ?? DEFAULTS.host,
    dataDir: dataDir === MEMORY ? MEMORY : path.resolve(dataDir),
    secret: options.secret,
    tokenTtl: options.tokenTtl ?? DEFAULTS.tokenTtl,
    wechat: options.wechat ?? DEFAULTS.wechat,
    fetch: options.fetch,
    logLevel: options.logLevel ?? DEFAULTS.logLevel,
    logStream: options.logStream,
    uploadMaxBytes: options.uploadMaxBytes ?? DEFAULTS.uploadMaxBytes,
    rateLimit: options.rateLimit ?? DEFAULTS.rateLimit,
    loginRateLimit: options.loginRateLimit ?? DEFAULTS.loginRateLimit,
    consoleDir: path.resolve(options.consoleDir ?? DEFAULTS.consoleDir),
    demoAgent:
      demo === false
        ? false
        : {
            username: demo?.username ?? DEFAULTS.demoAgent.username,
            name: demo?.name ?? DEFAULTS.demoAgent.name,
            ...(demo?.password !== undefined ? { password: demo.password } : {}),
          },
    pingInterval: options.pingInterval ?? DEFAULTS.pingInterval,
    textMaxLength: options.textMaxLength ?? DEFAULTS.textMaxLength,
    shutdownTimeout: options.shutdownTimeout ?? DEFAULTS.shutdownTimeout,
    sqliteSynchronous: options.sqliteSynchronous ?? DEFAULTS.sqliteSynchronous,
    sqliteGroupCommit: options.sqliteGroupCommit ?? DEFAULTS.sqliteGroupCommit,
    agentGraceMs: options.agentGraceMs ?? DEFAULTS.agentGraceMs,
    limits: resolveLimits(options.limits),
    httpRateLimitStore: options.httpRateLimitStore,
    pollingHold: options.pollingHold ?? DEFAULTS.pollingHold,
    pollingIdleTimeout: options.pollingIdleTimeout ?? DEFAULTS.pollingIdleTimeout,
    maxConversationsPerAgent: options.maxConversationsPerAgent ?? DEFAULTS.maxConversationsPerAgent,
    clock,
    databaseUrl,
    redisUrl,
    uploadsDir: options.uploadsDir === undefined ? null : path.resolve(options.uploadsDir),
    presenceTtlMs: options.presenceTtlMs ?? DEFAULTS.presenceTtlMs,
    trustProxy: options.trustProxy ?? null,
  }
}

/**
 * With a shared database or Redis, several instances serve the same users: a token one signs
 * must verify on the others, so the key cannot be a file generated per data folder. It must be
 * given, and long enough not to be guessed.
 */
function checkClusterSecret(
  secret: string | undefined,
  databaseUrl: string | null,
  redisUrl: string | null,
  code: ConfigError['code'],
  names: { secret: string; db: string; redis: string },
): void {
  if (databaseUrl === null && redisUrl === null) return
  const why = `${databaseUrl !== null ? names.db : names.redis} is set (every instance must sign tokens with the same key)`
  if (secret === undefined) throw configError(code, false, `${names.secret} is required when ${why}`)
  if (secret.length < CLUSTER_SECRET_MIN_LENGTH)
    throw configError(
      code,
      true,
      `${names.secret} must be at least ${CLUSTER_SECRET_MIN_LENGTH} characters when ${why}, got ${secret.length}`,
    )
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const

/** '3600' → 3600, '90m' → 5400, '12h', '7d'. */
export function parseDuration(name: string, value: string): number {
  const match = DURATION.exec(value.trim())
  if (!match) throw configError('INVALID_ENV', true, `${name} must be seconds or a number with s, m, h or d (e.g. 7d), got "${value}"`)
  const unit = (match[2] ?? 's') as keyof typeof UNIT_SECONDS
  return Number(match[1]) * UNIT_SECONDS[unit]
}

type Env = Record<string, string | undefined>
type EnvVariables = Static<typeof EnvSchema>

/** Variables whose values are never repeated in an error message. */
// DATABASE_URL and REDIS_URL may carry a password.
const SECRET_VARIABLES: ReadonlySet<string> = new Set(['SECRET', 'WX_SECRET', 'DEMO_AGENT_PASSWORD', 'DATABASE_URL', 'REDIS_URL'])

// env-schema's own Ajv coerces types ('1e3' would be a whole number): this one checks the strings as they are.
// All errors, so that one start reports every bad variable; removeAdditional as env-schema's own,
// which drops the variables the schema does not list (it sets additionalProperties: false).
const envAjv = createAjv({ allErrors: true, removeAdditional: true })

function envMessage(problem: SchemaProblem, name: string, value: string | undefined): string {
  if (problem.neededBy !== undefined) {
    const why = typeof problem.schema.description === 'string' ? ` (${problem.schema.description})` : ''
    return `${problem.neededBy} and ${name} must be set together${why}`
  }
  const got = value === undefined || SECRET_VARIABLES.has(name) ? '' : `, got "${value}"`
  return `${name} must be ${expectedBy(problem.schema)}${got}`
}

function envError(problems: [SchemaProblem, ...SchemaProblem[]], nameOf: (problem: SchemaProblem) => string, data: Env): ConfigError {
  const messages = problems.map((p) => envMessage(p, nameOf(p), data[nameOf(p)]))
  const [first] = problems
  // A variable is always a string: a bad one is a value out of those accepted (RangeError); a missing partner is a TypeError.
  return configError('INVALID_ENV', first.neededBy === undefined, messages.join('; '))
}

/** The variables set (empty ones are unset), checked against EnvSchema by env-schema. */
function readVariables(env: Env): EnvVariables {
  const data: Record<string, string> = {}
  for (const name of Object.keys(EnvSchema.properties)) {
    const value = env[name]
    if (value === undefined || value.trim() === '') continue
    data[name] = name === 'SQLITE_SYNCHRONOUS' ? value.toLowerCase() : value
  }
  try {
    return envSchema<EnvVariables>({ schema: EnvSchema, data, env: false, ajv: envAjv })
  } catch (err) {
    // env-schema throws an Error carrying Ajv's `errors`; anything else is not a bad variable.
    const errors = typeof err === 'object' && err !== null ? (err as { errors?: unknown }).errors : undefined
    if (!Array.isArray(errors)) throw err
    throw envError(schemaProblems(errors), (p) => p.path.join('.'), data)
  }
}

/**
 * Reads the environment variables documented in the README into ServerOptions. Unset or empty
 * variables keep their defaults. Throws INVALID_ENV naming each bad variable: a value of the
 * wrong form, or out of the option's range (PORT=70000).
 */
export function optionsFromEnv(env: Env = process.env): ServerOptions {
  const v = readVariables(env)
  const number = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value))
  const options: ServerOptions = {
    port: number(v.PORT),
    host: v.HOST,
    dataDir: v.DATA_DIR,
    secret: v.SECRET,
    tokenTtl: v.TOKEN_TTL === undefined ? undefined : parseDuration('TOKEN_TTL', v.TOKEN_TTL),
    wechat: v.WX_APPID !== undefined && v.WX_SECRET !== undefined ? { appId: v.WX_APPID, secret: v.WX_SECRET } : undefined,
    logLevel: v.LOG_LEVEL,
    uploadMaxBytes: number(v.UPLOAD_MAX_BYTES),
    rateLimit:
      v.RATE_LIMIT_RATE !== undefined || v.RATE_LIMIT_BURST !== undefined
        ? { rate: number(v.RATE_LIMIT_RATE) ?? DEFAULTS.rateLimit.rate, burst: number(v.RATE_LIMIT_BURST) ?? DEFAULTS.rateLimit.burst }
        : undefined,
    consoleDir: v.CONSOLE_DIR,
    demoAgent: v.DEMO_AGENT_PASSWORD !== undefined ? { password: v.DEMO_AGENT_PASSWORD } : undefined,
    pingInterval: number(v.PING_INTERVAL),
    sqliteSynchronous: v.SQLITE_SYNCHRONOUS,
    agentGraceMs: number(v.AGENT_GRACE_MS),
    pollingHold: number(v.POLLING_HOLD),
    pollingIdleTimeout: number(v.POLLING_IDLE_TIMEOUT),
    maxConversationsPerAgent: number(v.MAX_CONVERSATIONS_PER_AGENT),
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    uploadsDir: v.UPLOADS_DIR,
    presenceTtlMs: number(v.PRESENCE_TTL_MS),
    trustProxy: v.TRUST_PROXY,
  }
  checkClusterSecret(v.SECRET, v.DATABASE_URL ?? null, v.REDIS_URL ?? null, 'INVALID_ENV', {
    secret: 'SECRET',
    db: 'DATABASE_URL',
    redis: 'REDIS_URL',
  })
  for (const key of Object.keys(options) as Array<keyof ServerOptions>) {
    if (options[key] === undefined) delete options[key]
  }
  // The ranges are the options' own: check the values read, naming the variable each came from.
  if (!validateOptions(options)) {
    const nameOf = (p: SchemaProblem): string => VARIABLE_OF_OPTION[p.path.join('.')] ?? p.path.join('.')
    throw envError(schemaProblems(validateOptions.errors), nameOf, env)
  }
  return options
}
