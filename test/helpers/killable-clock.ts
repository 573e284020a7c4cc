import { systemClock, type Clock } from '../../src/clock'

/**
 * The real timers, until `kill()`: then every pending timer is dropped and later ones are
 * never set, as when WeChat kills the app. A test "kills" an app by killing its clock and
 * its sockets and dropping every reference to it: no close(), no onUnload, nothing runs.
 */
export class KillableClock implements Clock {
  private readonly handles = new Set<unknown>()
  private dead = false

  now(): number {
    return systemClock.now()
  }

  setTimeout(fn: () => void, ms: number): unknown {
    if (this.dead) return null
    const handle = systemClock.setTimeout(() => {
      this.handles.delete(handle)
      if (!this.dead) fn()
    }, ms)
    this.handles.add(handle)
    return handle
  }

  clearTimeout(handle: unknown): void {
    if (handle === null) return
    this.handles.delete(handle)
    systemClock.clearTimeout(handle)
  }

  kill(): void {
    this.dead = true
    for (const handle of this.handles) systemClock.clearTimeout(handle)
    this.handles.clear()
  }
}
