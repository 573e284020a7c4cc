/** Typing notices: a throttle for the ones I send, and a self-clearing indicator for the ones I receive. */
import type { Clock } from '../types'
import type { Sender } from './types'

/** Lets one typing notice through per `interval` ms. */
export class TypingThrottle {
  private last = -Infinity

  constructor(
    private readonly clock: Clock,
    private readonly interval: number,
  ) {}

  /** True when a notice may go out now (and counts it as sent). */
  take(): boolean {
    const now = this.clock.now()
    if (now - this.last < this.interval) return false
    this.last = now
    return true
  }

  /** The next `take()` succeeds (after I sent a message, the other side's indicator is gone). */
  reset(): void {
    this.last = -Infinity
  }
}

/** Who is typing on the other side; clears itself `timeout` ms after the last notice. */
export class TypingIndicator {
  private who: Sender | null = null
  private timer: unknown = null

  constructor(
    private readonly clock: Clock,
    private readonly timeout: number,
    private readonly onChange: (who: Sender | null) => void,
  ) {}

  get current(): Sender | null {
    return this.who
  }

  show(from: Sender): void {
    this.stopTimer()
    this.timer = this.clock.setTimeout(() => {
      this.timer = null
      this.clear()
    }, this.timeout)
    if (this.who?.id === from.id) return
    this.who = from
    this.onChange(from)
  }

  /** Clears the indicator; with `fromId`, only when that sender is the one typing. */
  clear(fromId?: string): void {
    if (this.who === null || (fromId !== undefined && this.who.id !== fromId)) return
    this.stopTimer()
    this.who = null
    this.onChange(null)
  }

  /** Stops the timer without announcing anything. */
  dispose(): void {
    this.stopTimer()
    this.who = null
  }

  private stopTimer(): void {
    if (this.timer === null) return
    this.clock.clearTimeout(this.timer)
    this.timer = null
  }
}
