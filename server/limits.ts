/**
 * Caps on what one client may hold on the server (issue 9): one `limits` option, one defaults
 * object, one schema. Each cap is documented in docs/protocol.md ("Limits").
 */
import { Type } from '@sinclair/typebox'

export interface LimitsOptions {
  /**
   * Bytes that may wait unsent on one socket (its `bufferedAmount`) before a frame is sent; a
   * socket over it is read too slowly and is closed with `SLOW_READER` (4009), which clients
   * reconnect from. Default 4 MiB: a full `sync` page of the longest texts is about 1.3 MB.
   */
  socketBufferedBytes?: number
  /** Open sockets per customer; one more is closed with TOO_MANY_SOCKETS (4010). Default 3: a mini-program needs one. */
  customerSockets?: number
  /** Open sockets per agent. Default 10: a console in a few tabs. */
  agentSockets?: number
  /** Customer logins per client IP: at most `burst` per `burst / rate` seconds. Default 30 a minute. */
  customerLogins?: { rate: number; burst: number }
  /** Uploads per user (POST /api/upload): at most `burst` per `burst / rate` seconds. Default 20 a minute. */
  uploads?: { rate: number; burst: number }
}

export type ResolvedLimits = Required<LimitsOptions>

export const LIMIT_DEFAULTS: ResolvedLimits = {
  socketBufferedBytes: 4 * 1024 * 1024,
  customerSockets: 3,
  agentSockets: 10,
  customerLogins: { rate: 0.5, burst: 30 },
  uploads: { rate: 1 / 3, burst: 20 },
}

/** ms a socket closed for reading too slowly has to read its close frame before it is cut. */
export const SLOW_READER_CUT_MS = 2000

const Integer = (minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER })

const RateSchema = Type.Object({ rate: Type.Number({ exclusiveMinimum: 0 }), burst: Integer(1) })

export const LimitsSchema = Type.Object({
  socketBufferedBytes: Type.Optional(Integer(1024)),
  customerSockets: Type.Optional(Integer(1)),
  agentSockets: Type.Optional(Integer(1)),
  customerLogins: Type.Optional(RateSchema),
  uploads: Type.Optional(RateSchema),
})

export function resolveLimits(limits: LimitsOptions | undefined): ResolvedLimits {
  const resolved: Record<string, unknown> = { ...LIMIT_DEFAULTS }
  for (const [key, value] of Object.entries(limits ?? {})) if (value !== undefined && key in LIMIT_DEFAULTS) resolved[key] = value
  return resolved as ResolvedLimits
}
