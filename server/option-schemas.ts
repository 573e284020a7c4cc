/**
 * The server's settings as JSON Schemas (TypeBox): `OptionsSchema` for the ServerOptions passed to
 * startServer, `EnvSchema` for the environment variables that `npm start` reads (server/config.ts
 * validates with both). test/types/option-schemas.types.ts checks that `OptionsSchema` is exactly
 * ServerOptions, less `fetch` and `clock` (functions, which JSON Schema cannot describe).
 */
import { Type, type TSchema } from '@sinclair/typebox'
import { LimitsSchema } from './limits'
import { EXPECTED } from './validation'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const SQLITE_SYNCHRONOUS = ['normal', 'full'] as const
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS)[number]

/** Longest delay setTimeout honours (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** A string among a few: a JSON Schema `enum`, whose errors read better than a union of literals. */
const StringEnum = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] })
const Integer = (minimum: number, maximum = Number.MAX_SAFE_INTEGER) => Type.Integer({ minimum, maximum })
const Text = Type.String({ minLength: 1 })

const PostgresUrl = Type.String({ pattern: '^postgres(ql)?://', [EXPECTED]: 'a postgres:// URL' })
const RedisUrl = Type.String({ pattern: '^rediss?://', [EXPECTED]: 'a redis:// or rediss:// URL' })

const RateLimitSchema = Type.Object({ rate: Type.Number({ exclusiveMinimum: 0 }), burst: Integer(1) })

/** Options without `additionalProperties: false`: the object also carries `fetch` and `clock`, checked by hand. */
export const OptionsSchema = Type.Object({
  port: Type.Optional(Integer(0, 65535)),
  host: Type.Optional(Text),
  dataDir: Type.Optional(Text),
  secret: Type.Optional(Text),
  tokenTtl: Type.Optional(Integer(1)),
  wechat: Type.Optional(Type.Union([Type.Object({ appId: Text, secret: Text }), Type.Null()])),
  logLevel: Type.Optional(StringEnum(LOG_LEVELS)),
  uploadMaxBytes: Type.Optional(Integer(1)),
  rateLimit: Type.Optional(RateLimitSchema),
  loginRateLimit: Type.Optional(RateLimitSchema),
  consoleDir: Type.Optional(Text),
  demoAgent: Type.Optional(
    Type.Union([
      Type.Object({ username: Type.Optional(Text), password: Type.Optional(Text), name: Type.Optional(Text) }),
      Type.Literal(false),
    ]),
  ),
  pingInterval: Type.Optional(Integer(1)),
  textMaxLength: Type.Optional(Integer(1)),
  shutdownTimeout: Type.Optional(Integer(0)),
  sqliteSynchronous: Type.Optional(StringEnum(SQLITE_SYNCHRONOUS)),
  sqliteGroupCommit: Type.Optional(Type.Boolean()),
  agentGraceMs: Type.Optional(Integer(0, MAX_TIMER_MS)),
  limits: Type.Optional(LimitsSchema),
  pollingHold: Type.Optional(Integer(1, MAX_TIMER_MS)),
  pollingIdleTimeout: Type.Optional(Integer(1, MAX_TIMER_MS)),
  maxConversationsPerAgent: Type.Optional(Integer(0, 10_000)),
  databaseUrl: Type.Optional(Type.Union([PostgresUrl, Type.Null()])),
  redisUrl: Type.Optional(Type.Union([RedisUrl, Type.Null()])),
  uploadsDir: Type.Optional(Text),
  presenceTtlMs: Type.Optional(Integer(1000, MAX_TIMER_MS)),
  trustProxy: Type.Optional(Type.Union([Text, Type.Null()])),
})

/** '3600', '90m', '12h', '7d': seconds, or a number with a unit. */
export const DURATION = /^(\d+)\s*(s|m|h|d)?$/

// The variables are strings; these say which strings. Ranges are the options' own (OptionsSchema),
// checked on the values read. Ajv's type coercion is not used: it takes '1e3', '0x1F' or '1.0' as
// whole numbers, which these variables never accepted.
const optional = <T extends TSchema>(schema: T) => Type.Optional(schema)
const WholeNumber = Type.String({ pattern: '^\\s*\\d+\\s*$', [EXPECTED]: 'a whole number' })
const DecimalNumber = Type.String({ pattern: '^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$', [EXPECTED]: 'a number' })
const Duration = Type.String({
  pattern: `^\\s*${DURATION.source.replace(/^\^|\$$/g, '')}\\s*$`,
  [EXPECTED]: 'seconds or a number with s, m, h or d (e.g. 7d)',
})
const AnyText = Type.String()
const WeChatCredential = Type.String({ description: 'WeChat credentials: set both, or neither for dev-mode logins' })

/**
 * The environment variables (README, "Server"), after the empty ones are dropped: an empty
 * variable is an unset one. WX_APPID and WX_SECRET come together or not at all.
 */
export const EnvSchema = Type.Object(
  {
    PORT: optional(WholeNumber),
    HOST: optional(AnyText),
    DATA_DIR: optional(AnyText),
    SECRET: optional(AnyText),
    TOKEN_TTL: optional(Duration),
    WX_APPID: optional(WeChatCredential),
    WX_SECRET: optional(WeChatCredential),
    LOG_LEVEL: optional(StringEnum(LOG_LEVELS)),
    UPLOAD_MAX_BYTES: optional(WholeNumber),
    RATE_LIMIT_RATE: optional(DecimalNumber),
    RATE_LIMIT_BURST: optional(WholeNumber),
    CONSOLE_DIR: optional(AnyText),
    DEMO_AGENT_PASSWORD: optional(AnyText),
    PING_INTERVAL: optional(WholeNumber),
    /** Either case: read lower-cased. */
    SQLITE_SYNCHRONOUS: optional(StringEnum(SQLITE_SYNCHRONOUS)),
    AGENT_GRACE_MS: optional(WholeNumber),
    POLLING_HOLD: optional(WholeNumber),
    POLLING_IDLE_TIMEOUT: optional(WholeNumber),
    MAX_CONVERSATIONS_PER_AGENT: optional(WholeNumber),
    DATABASE_URL: optional(PostgresUrl),
    REDIS_URL: optional(RedisUrl),
    UPLOADS_DIR: optional(AnyText),
    PRESENCE_TTL_MS: optional(WholeNumber),
    TRUST_PROXY: optional(AnyText),
  },
  {
    // env-schema sets this itself (and drops every other variable of the environment).
    additionalProperties: false,
    dependencies: { WX_APPID: ['WX_SECRET'], WX_SECRET: ['WX_APPID'] },
  },
)

/** The variable each option is read from, to name it when a value read is out of range. */
export const VARIABLE_OF_OPTION: Readonly<Record<string, keyof typeof EnvSchema.properties>> = {
  port: 'PORT',
  host: 'HOST',
  dataDir: 'DATA_DIR',
  secret: 'SECRET',
  tokenTtl: 'TOKEN_TTL',
  'wechat.appId': 'WX_APPID',
  'wechat.secret': 'WX_SECRET',
  logLevel: 'LOG_LEVEL',
  uploadMaxBytes: 'UPLOAD_MAX_BYTES',
  'rateLimit.rate': 'RATE_LIMIT_RATE',
  'rateLimit.burst': 'RATE_LIMIT_BURST',
  consoleDir: 'CONSOLE_DIR',
  'demoAgent.password': 'DEMO_AGENT_PASSWORD',
  pingInterval: 'PING_INTERVAL',
  sqliteSynchronous: 'SQLITE_SYNCHRONOUS',
  agentGraceMs: 'AGENT_GRACE_MS',
  pollingHold: 'POLLING_HOLD',
  pollingIdleTimeout: 'POLLING_IDLE_TIMEOUT',
  maxConversationsPerAgent: 'MAX_CONVERSATIONS_PER_AGENT',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  uploadsDir: 'UPLOADS_DIR',
  presenceTtlMs: 'PRESENCE_TTL_MS',
  trustProxy: 'TRUST_PROXY',
}
