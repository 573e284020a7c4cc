import type { Clock } from '../../src/clock'

/**
 * Virtual time: `now()` starts at the real time and moves only with `advance(ms)`, which
 * fires the timers that fall due, in order (a timer set by one that fires runs too if it
 * falls due within the advance). For "a minute offline" without waiting a minute.
 */
export class VirtualClock implements Clock {
  private time = Date.now()
  private nextHandle = 1
  private readonly timers = new Map<number, { at: number; fn: () => void }>()

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++
    this.timers.set(handle, { at: this.time + Math.max(0, ms), fn })
    return handle
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }

  /** Timers pending. */
  get pending(): number {
    return this.timers.size
  }

  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined
      for (const entry of this.timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry
      if (next === undefined) break
      this.timers.delete(next[0])
      this.time = Math.max(this.time, next[1].at)
      next[1].fn()
    }
    this.time = end
  }
}
