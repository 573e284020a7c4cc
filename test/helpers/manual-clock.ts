import type { Clock } from '../../src/clock'

interface Pending {
  fn: () => void
  ms: number
}

/**
 * A `Clock` whose timers fire only when the test says so: `startServer({ clock })` and the
 * server's liveness sweep, grace periods and shutdown wait for `runAll()` instead of time.
 * `now()` is the real time (nothing on the server compares it with timer delays).
 * The optional `ms` argument picks the timers set with that delay (say, the grace periods
 * and not the sweep).
 */
export class ManualClock implements Clock {
  private readonly pending = new Map<number, Pending>()
  private nextHandle = 1
  private waiters: Array<() => void> = []

  now(): number {
    return Date.now()
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++
    this.pending.set(handle, { fn, ms })
    for (const wake of this.waiters.splice(0)) wake()
    return handle
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }

  /** The delays of the timers set and neither fired nor cleared (those of `ms` only, when given). */
  delays(ms?: number): number[] {
    return this.due(ms).map(([, p]) => p.ms)
  }

  /** Resolves once at least `count` timers (of delay `ms`, when given) are pending (at once if they already are); rejects after 10 s. */
  async started(count = 1, ms?: number): Promise<void> {
    let timedOut = false
    const deadline = setTimeout(() => {
      timedOut = true
      for (const wake of this.waiters.splice(0)) wake()
    }, 10_000)
    try {
      while (this.due(ms).length < count) {
        if (timedOut) throw new Error(`timed out waiting for ${count} pending timer(s), ${this.due(ms).length} pending`)
        await new Promise<void>((resolve) => this.waiters.push(resolve))
      }
    } finally {
      clearTimeout(deadline)
    }
  }

  /** Fires every pending timer (of delay `ms`, when given), oldest first, as if their time had come. */
  runAll(ms?: number): void {
    const due = this.due(ms)
    for (const [handle] of due) this.pending.delete(handle)
    for (const [, p] of due) p.fn()
  }

  private due(ms: number | undefined): Array<[number, Pending]> {
    return [...this.pending.entries()].filter(([, p]) => ms === undefined || p.ms === ms)
  }
}
