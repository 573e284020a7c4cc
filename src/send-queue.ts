import { TimerSlot } from './clock'
import type { SocketError } from './errors'
import type { Clock, Frame } from './types'

/** The longest delay setTimeout takes as given (about 24.8 days). */
const MAX_TIMER_DELAY = 2 ** 31 - 1

/** Which budget a push was charged when it timed out: time since it was written on a link, or time before that. */
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
   * ms it may still wait for its answer once written on a link (`sendTimeout`). Only time
   * between being written and the link dropping is charged to it: a send queued in a lift, or
   * waiting its turn behind a paced replay, does not fail for want of a link.
   */
  openLeft: number
  /** ms it may still wait before being written (`offlineTimeout`): without a link, or waiting its turn. */
  offlineLeft: number
  /** Clock time its current phase (open or offline) started counting. */
  since: number
  /** Clock time it times out if the phase does not change first (Infinity: never). Set by the queue. */
  deadline: number
  /** Handed to the current link and not yet answered (`written`). Links that drop reset it. */
  sent: boolean
  resolve(value: unknown): void
  reject(error: SocketError): void
}

/**
 * Sends not yet answered, in send order: an insertion-ordered Map gives O(1) lookup by id and
 * ordered replay. Deadlines share one timer, armed for the earliest one, rather than a timer
 * per message: thousands of pipelined sends cost no timer churn.
 *
 * Each push has two budgets: one charged from the moment it is written on a link (`written`)
 * until that link drops, one charged while it waits to be written (no link, or its turn has not
 * come). Pushes waiting to be written are also kept in a FIFO, so `nextUnsent` is O(1) however
 * many written pushes wait for their acks.
 */
export class SendQueue {
  private readonly entries = new Map<string, Push>()
  private readonly timer: TimerSlot
  /** Deadline the timer is armed for (Infinity: not armed). */
  private armedFor = Infinity
  /** Pushes waiting to be written, in send order, from `head` on; taken or written ones are skipped lazily. */
  private waiting: Push[] = []
  private head = 0

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
    push.sent = false
    push.deadline = push.since + push.offlineLeft
    this.entries.set(push.id, push)
    this.waiting.push(push)
    if (push.deadline < this.armedFor) this.arm(push.deadline)
  }

  /** The oldest push still waiting to be written (in send order), or undefined. */
  nextUnsent(): Push | undefined {
    while (this.head < this.waiting.length) {
      const push = this.waiting[this.head]!
      if (!push.sent && this.entries.get(push.id) === push) return push
      this.head++
    }
    if (this.head > 0) {
      this.waiting.length = 0
      this.head = 0
    }
    return undefined
  }

  /** The push was handed to the link: the time it waited is charged to `offlineLeft`, and `sendTimeout` counts from now. */
  written(push: Push): void {
    const now = this.clock.now()
    push.offlineLeft -= now - push.since
    push.since = now
    push.sent = true
    push.deadline = now + push.openLeft
    if (this.waiting[this.head] === push) this.head++
    if (push.deadline < this.armedFor) this.arm(push.deadline)
  }

  /** Removes and returns the push with this id (only if it is `only`, when given), or undefined. */
  take(id: string, only?: Push): Push | undefined {
    const push = this.entries.get(id)
    if (!push || (only && push !== only)) return undefined
    this.entries.delete(id)
    if (this.entries.size === 0) {
      this.disarm()
      this.waiting.length = 0
      this.head = 0
    } else if (this.waiting.length > 64 && this.waiting.length > 2 * this.entries.size) {
      // Sends that timed out before being written leave holes: drop them before they pile up.
      this.waiting = this.waiting.slice(this.head).filter((p) => !p.sent && this.entries.get(p.id) === p)
      this.head = 0
    }
    return push
  }

  /**
   * The link dropped: every push written on it is charged the time since, waits to be written
   * again on the next link (in send order, ahead of those never written) and counts down
   * `offlineTimeout` meanwhile.
   */
  markAllUnsent(): void {
    const now = this.clock.now()
    let next = Infinity
    for (const push of this.entries.values()) {
      if (push.sent) {
        push.openLeft -= now - push.since
        push.sent = false
      } else {
        push.offlineLeft -= now - push.since
      }
      push.since = now
      push.deadline = now + push.offlineLeft
      if (push.deadline < next) next = push.deadline
    }
    this.waiting = [...this.entries.values()]
    this.head = 0
    if (next < Infinity) this.arm(next)
    else this.disarm()
  }

  rejectAll(error: () => SocketError): void {
    const all = [...this.entries.values()]
    this.entries.clear()
    this.waiting = []
    this.head = 0
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
    for (const push of expired) push.reject(this.onTimeout(push, push.sent ? 'open' : 'offline'))
  }
}
