import { backoffDelay, type BackoffPolicy } from '../../src/backoff'

const policy: BackoffPolicy = { minDelay: 1000, maxDelay: 30000, factor: 2, jitter: 0.5 }
const top = () => 0.999999999
const bottom = () => 0

describe('backoffDelay', () => {
  it('doubles from minDelay up to maxDelay without jitter', () => {
    const p = { ...policy, jitter: 0 }
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, p, Math.random))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000])
  })

  it('draws from [d·(1−jitter), d]: random 0 gives the lower bound, random→1 the upper', () => {
    expect(backoffDelay(1, policy, bottom)).toBe(500)
    expect(backoffDelay(1, policy, top)).toBe(1000)
    expect(backoffDelay(3, policy, bottom)).toBe(2000)
    expect(backoffDelay(3, policy, top)).toBe(4000)
    expect(backoffDelay(3, policy, () => 0.5)).toBe(3000)
  })

  it('stays within the bounds for every attempt and many random draws', () => {
    let seed = 42
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    for (let n = 1; n <= 40; n++) {
      const d = Math.min(30000, 1000 * 2 ** (n - 1))
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(n, policy, random)
        expect(delay).toBeGreaterThanOrEqual(Math.floor(d * 0.5))
        expect(delay).toBeLessThanOrEqual(d)
      }
    }
  })

  it('gives maxDelay, never 0 or NaN, for huge attempt counts', () => {
    for (const n of [1015, 1100, 10_000, 1e9, Number.MAX_SAFE_INTEGER, Infinity]) {
      expect(backoffDelay(n, { ...policy, jitter: 0 }, Math.random)).toBe(30000)
    }
  })

  it('handles factor 1 and minDelay 0', () => {
    expect(backoffDelay(50, { ...policy, factor: 1, jitter: 0 }, Math.random)).toBe(1000)
    expect(backoffDelay(50, { ...policy, minDelay: 0, jitter: 0 }, Math.random)).toBe(0)
  })

  it('clamps a random source that strays outside [0, 1)', () => {
    expect(backoffDelay(1, policy, () => -3)).toBe(500)
    expect(backoffDelay(1, policy, () => 7)).toBe(1000)
  })
})
