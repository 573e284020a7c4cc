import { TimerSlot } from './clock'
import type { Clock } from './types'

export interface HeartbeatHooks {
  /** Send a ping frame. */
  ping(): void
  /** No frame arrived within `timeout` after a ping: the link is dead. */
  dead(): void
}

/**
 * Finds half-open links. After `interval` ms without any incoming frame it pings; any frame
 * is life; nothing within `timeout` after the ping means dead.
 *
 * Time the process spent suspended (a mini-program in the background pauses its timers) is
 * not silence: a deadline that fires far later than it was set for pings again instead of
 * declaring the link dead.
 */
export class Heartbeat {
  private readonly timer: TimerSlot
  private lastSeen = 0
  private pingAt = 0
  private awaiting = false
  private running = false

  constructor(
    private readonly interval: number,
    private readonly timeout: number,
    private readonly clock: Clock,
    private readonly hooks: HeartbeatHooks,
  ) {
    this.timer = new TimerSlot(clock)
  }

  /** The link opened (or came back from the background): start counting silence from now. */
  start(): void {
    this.running = true
    this.awaiting = false
    this.lastSeen = this.clock.now()
    this.timer.set(() => this.check(), this.interval)
  }

  stop(): void {
    this.running = false
    this.awaiting = false
    this.timer.clear()
  }

  /** Any frame arrived. Called for every frame, so it only records. */
  seen(): void {
    this.lastSeen = this.clock.now()
    if (this.awaiting) {
      this.awaiting = false
      // Answered: the next check is a whole interval of silence away. No wake-up at the deadline
      // just to find the answer came (on a phone, a timer firing is a wake-up: issue 15).
      this.timer.set(() => this.check(), this.interval)
    }
  }

  /** Check the link now: ping and expect a frame within `timeout`. */
  probe(): void {
    if (!this.running) return
    this.awaiting = true
    this.pingAt = this.clock.now()
    this.hooks.ping()
    this.timer.set(() => this.deadline(), this.timeout)
  }

  private check(): void {
    const silent = this.clock.now() - this.lastSeen
    if (silent < this.interval) this.timer.set(() => this.check(), this.interval - silent)
    else this.probe()
  }

  private deadline(): void {
    if (!this.awaiting) return this.check()
    const late = this.clock.now() - this.pingAt - this.timeout
    // Fired much later than set: the process was suspended, not the link silent. Ask again.
    if (late > Math.max(1000, this.timeout)) return this.probe()
    this.running = false
    this.hooks.dead()
  }
}
