/**
 * Time, injected everywhere something waits (the library, the chat layer, the pages, the
 * server), so tests control it with jest's fake timers or a clock of their own.
 */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The global timers and `Date.now` (mini-programs, browsers and Node alike), looked up at each call so test fake timers installed later still apply. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** One named timer slot: setting it again replaces the previous timer. */
export class TimerSlot {
  private handle: unknown = null

  constructor(private readonly clock: Clock) {}

  get active(): boolean {
    return this.handle !== null
  }

  set(fn: () => void, ms: number): void {
    this.clear()
    this.handle = this.clock.setTimeout(() => {
      this.handle = null
      fn()
    }, ms)
  }

  clear(): void {
    if (this.handle !== null) {
      this.clock.clearTimeout(this.handle)
      this.handle = null
    }
  }
}
