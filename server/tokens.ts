import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ChatError } from './errors'
import type { UserRole } from './types'

/** What a token says. Times are seconds since the epoch. */
export interface TokenClaims {
  sub: string
  role: UserRole
  iat: number
  exp: number
  /** Agents: the username and a fingerprint of the password hash the token was issued under; a reset changes it, refusing every earlier token. */
  usr?: string
  pwd?: string
}

export interface IssuedToken {
  token: string
  /** ms since epoch. */
  expiresAt: number
}

const VERSION = 'v1'
const MAX_TOKEN_LENGTH = 1024

/**
 * HMAC-SHA256 signed tokens: `v1.<base64url(JSON claims)>.<base64url(signature)>`.
 * Stateless: a token stays valid until it expires or SECRET changes.
 */
export class Tokens {
  private readonly key: Buffer

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    if (typeof secret !== 'string' || secret.length < 16) throw new RangeError('secret must be a string of at least 16 characters')
    this.key = Buffer.from(secret, 'utf8')
  }

  sign(sub: string, role: UserRole, agent?: { usr: string; pwd: string }): IssuedToken {
    const iat = Math.floor(this.now() / 1000)
    const claims: TokenClaims = { sub, role, iat, exp: iat + this.ttlSeconds, ...agent }
    const body = `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
    return { token: `${body}.${this.mac(body).toString('base64url')}`, expiresAt: claims.exp * 1000 }
  }

  /** The token's claims; throws ChatError UNAUTHORIZED when it is malformed, forged or expired. */
  verify(token: string | undefined): TokenClaims {
    if (!token) throw new ChatError('UNAUTHORIZED', 'token required')
    if (token.length > MAX_TOKEN_LENGTH) throw new ChatError('UNAUTHORIZED', 'bad token')
    const parts = token.split('.')
    const [version, payload = '', signature = ''] = parts
    if (parts.length !== 3 || version !== VERSION) throw new ChatError('UNAUTHORIZED', 'bad token')
    const given = Buffer.from(signature, 'base64url')
    const expected = this.mac(`${version}.${payload}`)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ChatError('UNAUTHORIZED', 'bad token')
    let claims: unknown
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    } catch {
      throw new ChatError('UNAUTHORIZED', 'bad token')
    }
    if (!isClaims(claims)) throw new ChatError('UNAUTHORIZED', 'bad token')
    if (claims.exp * 1000 <= this.now()) throw new ChatError('UNAUTHORIZED', 'token expired')
    return claims
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest()
  }
}

function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  return (
    typeof c.sub === 'string' &&
    (c.role === 'customer' || c.role === 'agent') &&
    typeof c.iat === 'number' &&
    typeof c.exp === 'number' &&
    (c.usr === undefined || typeof c.usr === 'string') &&
    (c.pwd === undefined || typeof c.pwd === 'string')
  )
}

/** Pulls the token from `Authorization: Bearer …` or, for browsers, from `?token=`. */
export function tokenFromRequest(headers: { authorization?: string }, query: unknown): string | undefined {
  const auth = headers.authorization
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth)
    if (match) return match[1]
  }
  if (typeof query === 'object' && query !== null) {
    const token = (query as Record<string, unknown>).token
    if (typeof token === 'string' && token !== '') return token
  }
  return undefined
}

/**
 * The secret kept in `dataDir/secret`, created (mode 0600) on first use. Safe when the
 * server and the agent CLI race to create it: the loser reads the winner's file.
 */
export function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret')
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const secret = randomBytes(32).toString('base64url')
  try {
    fs.writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 })
    return secret
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim()
    throw err
  }
}
