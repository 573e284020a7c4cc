/**
 * A token bucket: holds up to `burst` tokens and gains `rate` per second. Each frame takes
 * one. The server refuses a frame when its connection's bucket is empty; ChatSocket, paced
 * (`queue.rate`), waits for a token before writing the next queued frame. The clock is
 * injectable for tests.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(rate > 0)) throw new RangeError(`rate must be a positive number, got ${rate}`)
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`)
    this.tokens = burst
    this.last = now()
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** ms until a token can be taken (0 when one can be now). */
  get msUntilReady(): number {
    this.refill()
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000)
  }

  private refill(): void {
    const t = this.now()
    const elapsed = Math.max(0, t - this.last) / 1000
    this.last = t
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate)
  }
}
