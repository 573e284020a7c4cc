import { TimerSlot } from './clock'
import type { SocketError } from './errors'
import type { Clock, Frame } from './types'

/** One message on its way: like phoenix's Push, it owns its promise and its timeout. */
export interface Push {
  readonly id: string
  readonly frame: Frame
  /** Encoded once; every resend carries the same bytes and id. */
  readonly data: string | ArrayBuffer
  /** 'send' resolves with the ack frame, 'request' with the reply's data. */
  readonly kind: 'send' | 'request'
  /** false: settles when the platform has sent it, without waiting for an ack. */
  readonly expectAck: boolean
  /** Handed to the current link and not yet answered. Links that drop reset it. */
  sent: boolean
  resolve(value: unknown): void
  reject(error: SocketError): void
}

interface Entry {
  push: Push
  timer: TimerSlot
}

/** Sends not yet answered, in send order. Insertion-ordered Map: O(1) lookup by id, ordered replay. */
export class SendQueue {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size
  }

  has(id: string): boolean {
    return this.entries.has(id)
  }

  /** Adds a push that fails with `onTimeout()` if still here after `timeout` ms. */
  add(push: Push, timeout: number, onTimeout: (push: Push) => SocketError): void {
    const timer = new TimerSlot(this.clock)
    this.entries.set(push.id, { push, timer })
    if (Number.isFinite(timeout)) {
      timer.set(() => {
        if (this.entries.get(push.id)?.push !== push) return
        this.entries.delete(push.id)
        push.reject(onTimeout(push))
      }, timeout)
    }
  }

  /** Removes and returns the push with this id (its timer cleared), or undefined. */
  take(id: string, only?: Push): Push | undefined {
    const entry = this.entries.get(id)
    if (!entry || (only && entry.push !== only)) return undefined
    this.entries.delete(id)
    entry.timer.clear()
    return entry.push
  }

  /** Pushes not handed to the current link, in send order. */
  *unsent(): IterableIterator<Push> {
    for (const { push } of this.entries.values()) if (!push.sent) yield push
  }

  /** The link dropped: everything unanswered goes out again on the next one. */
  markAllUnsent(): void {
    for (const { push } of this.entries.values()) push.sent = false
  }

  rejectAll(error: () => SocketError): void {
    const all = [...this.entries.values()]
    this.entries.clear()
    for (const { push, timer } of all) {
      timer.clear()
      push.reject(error())
    }
  }
}
