import { TimerSlot } from './clock'
import type { SocketError } from './errors'
import type { Clock, Frame } from './types'

/** The longest delay setTimeout takes as given (about 24.8 days). */
const MAX_TIMER_DELAY = 2 ** 31 - 1

/** Which budget a push was charged when it timed out: time on an open link, or time without one. */
export type TimeoutPhase = 'open' | 'offline'

/** One message on its way: like phoenix's Push, it owns its promise and its deadline. */
export interface Push {
  readonly id: string
  /**
   * The message as it goes out, with its id: the object given to `send` when it had an id,
   * else a shallow copy with the id added. It is encoded each time it is written (first send
   * and every replay), so a replay carries the same id and the object's fields as they are
   * then; the encoded bytes are not kept until the ack.
   */
  readonly frame: Frame
  /** 'send' resolves with the ack frame, 'request' with the reply's data. */
  readonly kind: 'send' | 'request'
  /** false: settles when the platform has sent it, without waiting for an ack. */
  readonly expectAck: boolean
  /**
   * ms of open link it may still wait for its answer (`sendTimeout`). Only time while the
   * link is open is charged to it: a send queued in a lift does not fail for want of a link.
   */
  openLeft: number
  /** ms it may still wait without an open link (`offlineTimeout`), charged only while there is none. */
  offlineLeft: number
  /** Clock time its current phase (open or offline) started counting. */
  since: number
  /** Clock time it times out if the phase does not change first (Infinity: never). Set by the queue. */
  deadline: number
  /** Handed to the current link and not yet answered. Links that drop reset it. */
  sent: boolean
  resolve(value: unknown): void
  reject(error: SocketError): void
}

/**
 * Sends not yet answered, in send order: an insertion-ordered Map gives O(1) lookup by id and
 * ordered replay. Deadlines share one timer, armed for the earliest one, rather than a timer
 * per message: thousands of pipelined sends cost no timer churn.
 *
 * Each push has two budgets, one charged while the link is open and one while it is not;
 * `setOpen` moves every push from one to the other (once per link change, not per message).
 */
export class SendQueue {
  private readonly entries = new Map<string, Push>()
  private readonly timer: TimerSlot
  /** Deadline the timer is armed for (Infinity: not armed). */
  private armedFor = Infinity
  private open = false

  constructor(
    private readonly clock: Clock,
    private readonly onTimeout: (push: Push, phase: TimeoutPhase) => SocketError,
  ) {
    this.timer = new TimerSlot(clock)
  }

  get size(): number {
    return this.entries.size
  }

  has(id: string): boolean {
    return this.entries.has(id)
  }

  add(push: Push): void {
    push.since = this.clock.now()
    push.deadline = push.since + (this.open ? push.openLeft : push.offlineLeft)
    this.entries.set(push.id, push)
    if (push.deadline < this.armedFor) this.arm(push.deadline)
  }

  /**
   * The link opened (true) or went away (false): the time spent so far is charged to the
   * phase that ends, and each deadline now counts down the other budget.
   */
  setOpen(open: boolean): void {
    if (open === this.open) return
    this.open = open
    if (this.entries.size === 0) return
    const now = this.clock.now()
    let next = Infinity
    for (const push of this.entries.values()) {
      const spent = now - push.since
      if (open) push.offlineLeft -= spent
      else push.openLeft -= spent
      push.since = now
      push.deadline = now + (open ? push.openLeft : push.offlineLeft)
      if (push.deadline < next) next = push.deadline
    }
    if (next < Infinity) this.arm(next)
    else this.disarm()
  }

  /** Removes and returns the push with this id (only if it is `only`, when given), or undefined. */
  take(id: string, only?: Push): Push | undefined {
    const push = this.entries.get(id)
    if (!push || (only && push !== only)) return undefined
    this.entries.delete(id)
    if (this.entries.size === 0) this.disarm()
    return push
  }

  /** Pushes not handed to the current link, in send order. */
  *unsent(): IterableIterator<Push> {
    for (const push of this.entries.values()) if (!push.sent) yield push
  }

  /** The link dropped: everything unanswered goes out again on the next one. */
  markAllUnsent(): void {
    for (const push of this.entries.values()) push.sent = false
  }

  rejectAll(error: () => SocketError): void {
    const all = [...this.entries.values()]
    this.entries.clear()
    this.disarm()
    for (const push of all) push.reject(error())
  }

  private arm(deadline: number): void {
    this.armedFor = deadline
    // Timers overflow past 2^31 − 1 ms (they would fire at once): a longer wait re-arms when it ends.
    this.timer.set(() => this.expire(), Math.min(MAX_TIMER_DELAY, Math.max(0, deadline - this.clock.now())))
  }

  private disarm(): void {
    this.armedFor = Infinity
    this.timer.clear()
  }

  /** Rejects every push past its deadline, then re-arms for the earliest remaining one. */
  private expire(): void {
    this.armedFor = Infinity
    const now = this.clock.now()
    let next = Infinity
    const expired: Push[] = []
    for (const push of this.entries.values()) {
      if (push.deadline <= now) expired.push(push)
      else if (push.deadline < next) next = push.deadline
    }
    for (const push of expired) this.entries.delete(push.id)
    if (next < Infinity) this.arm(next)
    const phase: TimeoutPhase = this.open ? 'open' : 'offline'
    for (const push of expired) push.reject(this.onTimeout(push, phase))
  }
}
