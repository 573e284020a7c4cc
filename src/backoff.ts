/** The numbers that shape reconnect delays. */
export interface BackoffPolicy {
  minDelay: number
  maxDelay: number
  factor: number
  jitter: number
}

/**
 * Delay before reconnect attempt `attempt` (1-based): `d = min(maxDelay, minDelay·factor^(attempt−1))`,
 * then drawn uniformly from `[d·(1−jitter), d]` with `random()` in [0, 1).
 *
 * Pure, and safe for any attempt count: the exponent is capped before it can overflow, so
 * attempt 1,000,000 waits `maxDelay` (with jitter), never 0 or NaN.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const { minDelay, maxDelay, factor, jitter } = policy
  const n = Math.max(1, Math.floor(attempt))
  let d = maxDelay
  if (factor === 1 || minDelay === 0) {
    d = Math.min(maxDelay, minDelay)
  } else {
    // Largest exponent that can still be below maxDelay; beyond it the delay is maxDelay.
    const limit = Math.ceil(Math.log(maxDelay / minDelay) / Math.log(factor))
    if (n - 1 <= limit) d = Math.min(maxDelay, minDelay * Math.pow(factor, n - 1))
  }
  const r = Math.min(Math.max(random(), 0), 1)
  return Math.round(d * (1 - jitter) + d * jitter * r)
}
