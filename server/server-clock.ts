import { systemClock, type Clock } from '../src/clock'

export type { Clock }

/**
 * The server's default `Clock`: the global timers, unref'd, so a pending timer (a grace
 * period, the liveness sweep) never keeps the process alive. Tests inject their own.
 */
export const serverClock: Clock = {
  now: () => systemClock.now(),
  setTimeout: (fn, ms) => {
    const handle = systemClock.setTimeout(fn, ms) as { unref?: () => void }
    handle.unref?.()
    return handle
  },
  clearTimeout: (handle) => systemClock.clearTimeout(handle),
}

/** A timer that runs `fn` every `ms` on `clock` until stopped (re-armed after each run, so runs never overlap). */
export class RepeatingTimer {
  private handle: unknown = null
  private running = false

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly fn: () => void,
  ) {}

  start(): void {
    this.stop()
    this.running = true
    this.arm()
  }

  stop(): void {
    this.running = false
    if (this.handle !== null) this.clock.clearTimeout(this.handle)
    this.handle = null
  }

  private arm(): void {
    this.handle = this.clock.setTimeout(() => {
      this.handle = null
      this.fn()
      if (this.running && this.handle === null) this.arm()
    }, this.ms)
  }
}
