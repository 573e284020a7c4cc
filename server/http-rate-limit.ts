/**
 * Rate limits of HTTP routes, by @fastify/rate-limit: each request is counted when it arrives
 * (its `onRequest` hook), before any work such as a password hash, so a concurrent burst
 * cannot get past the limit: at most `max` requests of a window are handled, the rest get 429
 * at once. Where the counts live is injectable (`httpRateLimitStore`): in memory by default
 * (one process), a shared Redis for several instances.
 */
import fastifyRateLimit, { type RateLimitOptions as RouteRateLimit, type RateLimitPluginOptions } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RateLimitOptions } from './config'
import { ChatError } from './errors'

/** Where the counts are kept: @fastify/rate-limit's `redis` (an ioredis client) or a `store` class; default in memory. */
export type HttpRateLimitStore = Pick<RateLimitPluginOptions, 'redis' | 'store' | 'nameSpace' | 'skipOnError'>

export async function registerRateLimit(app: FastifyInstance, store: HttpRateLimitStore | undefined): Promise<void> {
  // Not global: only the routes that name a limit (perAddress, perUser) are counted.
  await app.register(fastifyRateLimit, { ...store, global: false })
}

/** A {rate, burst} bucket as a fixed window: at most `burst` requests per the `burst / rate` seconds a full bucket takes to refill. */
export function windowOf(limit: RateLimitOptions): { max: number; timeWindow: number } {
  return { max: limit.burst, timeWindow: Math.ceil((limit.burst / limit.rate) * 1000) }
}

function limited(what: string, limit: RateLimitOptions, key: (request: FastifyRequest) => string): RouteRateLimit {
  const { max, timeWindow } = windowOf(limit)
  return {
    max,
    timeWindow,
    keyGenerator: key,
    groupId: what,
    // Thrown by the plugin (after it set Retry-After), answered by the error handler in the one error shape.
    errorResponseBuilder: (_request, context) =>
      new ChatError(
        'RATE_LIMITED',
        `too many ${what}: at most ${max} per ${Math.round(timeWindow / 1000)} s; retry in ${Math.max(1, Math.ceil(context.ttl / 1000))} s`,
      ),
  }
}

/** A route's limit per client address, e.g. `{ config: { rateLimit: perAddress('agent logins from this address', limit) } }`. */
export function perAddress(what: string, limit: RateLimitOptions): RouteRateLimit {
  return limited(what, limit, (request) => request.ip)
}

/** A route's limit per authenticated user (its `hook` runs after `preValidation`, where authenticate sets `request.user`). */
export function perUser(what: string, limit: RateLimitOptions): RouteRateLimit {
  return { ...limited(what, limit, (request) => request.user?.id ?? request.ip), hook: 'preHandler' }
}
