import { TokenBucket } from '../../src/token-bucket'

describe('TokenBucket', () => {
  it('allows a burst, then refuses until tokens come back at the rate', () => {
    let now = 0
    const bucket = new TokenBucket(20, 40, () => now)
    for (let i = 0; i < 40; i++) expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    now += 50 // 20/s → one token per 50 ms
    expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    now += 10_000 // full again: the whole burst, and no more
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

  it('says how long until the next token (what a paced ChatSocket waits)', () => {
    let now = 0
    const bucket = new TokenBucket(0.5, 1, () => now) // a token every 2 s
    expect(bucket.msUntilReady).toBe(0)
    expect(bucket.take()).toBe(true)
    expect(bucket.msUntilReady).toBe(2000)
    now += 1500
    expect(bucket.msUntilReady).toBe(500)
    now += 500
    expect(bucket.msUntilReady).toBe(0)
  })

  it('rejects a bad rate or burst at once', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError)
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError)
  })
})
