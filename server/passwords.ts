/** Agent passwords: scrypt hashes stored as scrypt$N$r$p$salt$hash (base64url), and the rules for usernames. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { ChatError } from './errors'

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 }
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 256
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { N, r, p, maxmem: 128 * N * r * 2 }, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const { N, r, p, keylen } = SCRYPT
  const key = await derive(password, salt, N, r, p, keylen)
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6) return false
  const [scheme, N = '', r = '', p = '', salt = '', hash = ''] = parts
  if (scheme !== 'scrypt') return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(N), Number(r), Number(p), expected.length)
  return timingSafeEqual(key, expected)
}

/** A hash of nothing: verifying against it makes an unknown username cost as much as a wrong password. */
let dummyHash: Promise<string> | undefined

export function dummyPasswordHash(): Promise<string> {
  return (dummyHash ??= hashPassword(''))
}

export function validatePassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new ChatError('BAD_REQUEST', `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`)
  }
  return password
}

export function validateUsername(username: unknown): string {
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) {
    throw new ChatError('BAD_REQUEST', 'username must be 1 to 32 letters, digits, dots, dashes or underscores')
  }
  return username
}

/** 12 characters from a 62-letter alphabet (~71 bits). */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
  const bytes = randomBytes(12)
  let out = ''
  for (const b of bytes) out += alphabet[b % alphabet.length]
  return out
}
