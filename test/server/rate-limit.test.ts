import { KeyedLimiter, TokenBucket } from '../../server/rate-limit'

describe('TokenBucket', () => {
  it('allows a burst, then refuses until tokens come back at the rate', () => {
    let now = 0
    const bucket = new TokenBucket(20, 40, () => now)
    for (let i = 0; i < 40; i++) expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    now += 50 // 20/s → one token per 50 ms
    expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    now += 10_000
    expect(bucket.idle).toBe(true)
    for (let i = 0; i < 40; i++) expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
  })

  it('does not go wrong when the clock steps back', () => {
    let now = 1000
    const bucket = new TokenBucket(1, 1, () => now)
    expect(bucket.take()).toBe(true)
    now = 0
    expect(bucket.take()).toBe(false)
  })

  it('says how long until the next token (what Retry-After says)', () => {
    let now = 0
    const bucket = new TokenBucket(0.5, 1, () => now) // a token every 2 s
    expect(bucket.msUntilReady).toBe(0)
    expect(bucket.take()).toBe(true)
    expect(bucket.msUntilReady).toBe(2000)
    now += 1500
    expect(bucket.msUntilReady).toBe(500)
    now += 500
    expect(bucket.msUntilReady).toBe(0)
    const keyed = new KeyedLimiter(0.5, 1, () => now)
    expect(keyed.msUntilReady('a')).toBe(0)
    keyed.take('a')
    expect(keyed.msUntilReady('a')).toBe(2000)
    expect(keyed.msUntilReady('b')).toBe(0)
  })

  it('rejects a bad rate or burst at once', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError)
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError)
  })
})

describe('KeyedLimiter', () => {
  it('keeps one bucket per key and answers ready() without taking', () => {
    let now = 0
    const limiter = new KeyedLimiter(1, 2, () => now)
    expect(limiter.ready('a')).toBe(true)
    expect(limiter.take('a')).toBe(true)
    expect(limiter.take('a')).toBe(true)
    expect(limiter.ready('a')).toBe(false)
    expect(limiter.take('a')).toBe(false)
    expect(limiter.take('b')).toBe(true)
    now += 1000
    expect(limiter.ready('a')).toBe(true)
  })

  it('forgets full buckets when it grows past maxKeys', () => {
    let now = 0
    const limiter = new KeyedLimiter(1, 1, () => now, 2)
    limiter.take('a')
    limiter.take('b')
    now += 5000
    limiter.take('c')
    expect(limiter.size).toBe(1)
  })
})
