/**
 * Authentication of HTTP requests and socket upgrades: the token (an `Authorization: Bearer`
 * header or `?token=`) must verify and name a user that still exists. Routes that need a
 * user run `authenticate` as a preValidation hook and read `request.user`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Accounts, AgentCredential } from './accounts'
import { isChatError } from './errors'
import { tokenFromRequest } from './tokens'
import type { User } from './types'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on routes that need a token. */
    user: User | null
    /** When that token expires (ms since epoch), set with `user`. */
    tokenExpiresAt: number | null
    /** An agent token's password digest, set with `user` (the socket handler checks it again on each liveness sweep). */
    credential: AgentCredential | null
  }
}

/** A preValidation hook: 401 with a JSON error unless the request carries a good token (header or ?token=). */
export function authenticate(accounts: Accounts) {
  return async function (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const identity = await accounts.identify(tokenFromRequest(request.headers, request.query))
      request.user = identity.user
      request.tokenExpiresAt = identity.expiresAt
      request.credential = identity.credential ?? null
    } catch (err) {
      if (!isChatError(err)) throw err
      await reply.code(401).header('www-authenticate', 'Bearer').header('cache-control', 'no-store').send({ error: err.toJSON() })
    }
  }
}
