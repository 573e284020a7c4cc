import { TimerSlot } from './clock'
import type { SocketError } from './errors'
import type { Clock, Frame } from './types'

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
  /** Clock time after which it rejects with TIMEOUT (Infinity: never). */
  readonly deadline: number
  /** Handed to the current link and not yet answered. Links that drop reset it. */
  sent: boolean
  resolve(value: unknown): void
  reject(error: SocketError): void
}

/**
 * Sends not yet answered, in send order: an insertion-ordered Map gives O(1) lookup by id and
 * ordered replay. Deadlines share one timer, armed for the earliest one, rather than a timer
 * per message: thousands of pipelined sends cost no timer churn.
 */
export class SendQueue {
  private readonly entries = new Map<string, Push>()
  private readonly timer: TimerSlot
  /** Deadline the timer is armed for (Infinity: not armed). */
  private armedFor = Infinity

  constructor(
    private readonly clock: Clock,
    private readonly onTimeout: (push: Push) => SocketError,
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
    this.entries.set(push.id, push)
    if (push.deadline < this.armedFor) this.arm(push.deadline)
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
    this.timer.set(() => this.expire(), Math.max(0, deadline - this.clock.now()))
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
    for (const push of expired) push.reject(this.onTimeout(push))
  }
}
