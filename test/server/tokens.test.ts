import fs from 'node:fs'
import path from 'node:path'
import { loadOrCreateSecret, tokenFromRequest, Tokens } from '../../server/tokens'
import { tempDir } from './helpers/server-harness'

const SECRET = 'test-secret-that-is-long-enough'

describe('Tokens', () => {
  it('signs a token that verifies to its claims', () => {
    let now = 1_700_000_000_000
    const tokens = new Tokens(SECRET, 60, () => now)
    const { token, expiresAt } = tokens.sign('c_1', 'customer')
    expect(token).toMatch(/^v1\.[\w-]+\.[\w-]+$/)
    expect(expiresAt).toBe(now + 60_000)
    expect(tokens.verify(token)).toEqual({ sub: 'c_1', role: 'customer', iat: now / 1000, exp: now / 1000 + 60 })
    now += 59_000
    expect(tokens.verify(token).sub).toBe('c_1')
  })

  it('rejects an expired token with UNAUTHORIZED', () => {
    let now = 1_700_000_000_000
    const tokens = new Tokens(SECRET, 60, () => now)
    const { token } = tokens.sign('a_1', 'agent')
    now += 60_000
    expect(() => tokens.verify(token)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED', message: 'token expired' }))
  })

  it('rejects a token signed with another secret', () => {
    const other = new Tokens('another-secret-long-enough', 60).sign('a_1', 'agent').token
    expect(() => new Tokens(SECRET, 60).verify(other)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }))
  })

  it('rejects a token whose claims were changed', () => {
    const tokens = new Tokens(SECRET, 60)
    const [v, , sig] = tokens.sign('c_1', 'customer').token.split('.')
    const forged = Buffer.from(JSON.stringify({ sub: 'a_1', role: 'agent', iat: 0, exp: 9e9 })).toString('base64url')
    expect(() => tokens.verify(`${v}.${forged}.${sig}`)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }))
  })

  it.each([undefined, '', 'garbage', 'v1.a.b', 'v2.x.y', 'v1..', 'x'.repeat(2000)])('rejects %p', (token) => {
    expect(() => new Tokens(SECRET, 60).verify(token)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }))
  })

  it('rejects a short secret at once', () => {
    expect(() => new Tokens('short', 60)).toThrow(RangeError)
  })
})

describe('tokenFromRequest', () => {
  it('reads a Bearer header', () => {
    expect(tokenFromRequest({ authorization: 'Bearer abc.def' }, {})).toBe('abc.def')
    expect(tokenFromRequest({ authorization: 'bearer  abc ' }, {})).toBe('abc')
  })

  it('reads ?token= when there is no header', () => {
    expect(tokenFromRequest({}, { token: 'q' })).toBe('q')
  })

  it('prefers the header', () => {
    expect(tokenFromRequest({ authorization: 'Bearer h' }, { token: 'q' })).toBe('h')
  })

  it('finds nothing in other schemes or empty values', () => {
    expect(tokenFromRequest({ authorization: 'Basic abc' }, {})).toBeUndefined()
    expect(tokenFromRequest({}, { token: '' })).toBeUndefined()
    expect(tokenFromRequest({}, { token: ['a', 'b'] })).toBeUndefined()
    expect(tokenFromRequest({}, null)).toBeUndefined()
  })
})

describe('loadOrCreateSecret', () => {
  it('creates the secret once (mode 0600) and reads it back after', () => {
    const dir = tempDir()
    try {
      const first = loadOrCreateSecret(dir)
      expect(first.length).toBeGreaterThanOrEqual(32)
      expect(fs.statSync(path.join(dir, 'secret')).mode & 0o777).toBe(0o600)
      expect(loadOrCreateSecret(dir)).toBe(first)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
