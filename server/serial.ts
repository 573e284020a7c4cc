/**
 * Work that must not overtake earlier work: the frames of one socket, the presence changes of
 * one agent. A chain of promises rather than a mutex object per socket: an idle socket keeps
 * no promise at all (issue 15 counts memory per connection).
 */
export class Serial {
  /** The last task's settling, or undefined once it has settled (an idle socket keeps no promise). */
  private tail: Promise<void> | undefined

  /** Runs `task` after every task given before it has settled; resolves or rejects as `task` does. */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = (this.tail ?? Promise.resolve()).then(task)
    const settled: Promise<void> = result.then(
      () => this.settle(settled),
      () => this.settle(settled),
    )
    this.tail = settled
    return result
  }

  /** Resolves once every task given so far has settled. */
  idle(): Promise<void> {
    return this.tail ?? Promise.resolve()
  }

  private settle(settled: Promise<void>): void {
    if (this.tail === settled) this.tail = undefined
  }
}

/** One `Serial` per key (say, per user id), dropped again once the key's last task has settled. */
export class KeyedSerial {
  private readonly byKey = new Map<string, { serial: Serial; pending: number }>()

  run<T>(key: string, task: () => Promise<T> | T): Promise<T> {
    let entry = this.byKey.get(key)
    if (!entry) {
      entry = { serial: new Serial(), pending: 0 }
      this.byKey.set(key, entry)
    }
    const held = entry
    held.pending++
    return held.serial.run(task).finally(() => {
      if (--held.pending === 0 && this.byKey.get(key) === held) this.byKey.delete(key)
    })
  }

  /** Resolves once every task of every key given so far has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.byKey.values()].map((e) => e.serial.idle()))
  }
}
