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
}

export type ResolvedLimits = Required<LimitsOptions>

export const LIMIT_DEFAULTS: ResolvedLimits = {
  socketBufferedBytes: 4 * 1024 * 1024,
}

/** ms a socket closed for reading too slowly has to read its close frame before it is cut. */
export const SLOW_READER_CUT_MS = 2000

const Integer = (minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER })

export const LimitsSchema = Type.Object({
  socketBufferedBytes: Type.Optional(Integer(1024)),
})

export function resolveLimits(limits: LimitsOptions | undefined): ResolvedLimits {
  const resolved = { ...LIMIT_DEFAULTS }
  for (const key of Object.keys(LIMIT_DEFAULTS) as Array<keyof ResolvedLimits>) {
    const value = limits?.[key]
    if (value !== undefined) resolved[key] = value
  }
  return resolved
}
