import type { TimerFunctions } from '../../../server/agent-grace'

interface Pending {
  fn: () => void
  ms: number
}

/**
 * Timers that fire only when the test says so: `startServer({ timers })` and the server's
 * grace periods wait for `runAll()` instead of the clock.
 */
export class ManualTimers implements TimerFunctions {
  private readonly pending = new Map<number, Pending>()
  private nextHandle = 1
  private waiters: Array<() => void> = []

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++
    this.pending.set(handle, { fn, ms })
    for (const wake of this.waiters.splice(0)) wake()
    return handle
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }

  /** The delays of the timers set and neither fired nor cleared. */
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.ms)
  }

  /** Resolves once at least `count` timers are pending (at once if they already are); rejects after 10 s. */
  async started(count = 1): Promise<void> {
    let timedOut = false
    const deadline = setTimeout(() => {
      timedOut = true
      for (const wake of this.waiters.splice(0)) wake()
    }, 10_000)
    try {
      while (this.pending.size < count) {
        if (timedOut) throw new Error(`timed out waiting for ${count} pending timer(s), ${this.pending.size} pending`)
        await new Promise<void>((resolve) => this.waiters.push(resolve))
      }
    } finally {
      clearTimeout(deadline)
    }
  }

  /** Fires every pending timer, oldest first (as if their time had come). */
  runAll(): void {
    const due = [...this.pending.entries()]
    this.pending.clear()
    for (const [, p] of due) p.fn()
  }
}
