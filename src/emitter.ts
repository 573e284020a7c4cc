import mitt from 'mitt'
import type { EventType, Handler } from 'mitt'

/**
 * A typed event emitter with one rule for every emitter of the library (ChatSocket, the chat
 * layer, the apps): `on()` returns its own unsubscribe function, unsubscribing inside a
 * handler is safe, and a handler that throws does not stop the others or the code that
 * emitted: its exception is handed to `report` (by default rethrown from a timer, where
 * the platform's error handler sees it).
 */
export interface Emitter<Events extends Record<EventType, unknown>> {
  on<K extends keyof Events>(type: K, handler: (event: Events[K]) => void): () => void
  /** Like `on`, removed after the first call. The returned function (or `off` with the same handler) removes it earlier. */
  once<K extends keyof Events>(type: K, handler: (event: Events[K]) => void): () => void
  /** Removes `handler` (registered with `on` or `once`), or every handler of `type`. */
  off<K extends keyof Events>(type: K, handler?: (event: Events[K]) => void): void
  emit<K extends keyof Events>(type: K, event: Events[K]): void
  /** Removes every handler. */
  clear(): void
  /** Handlers registered for `type`, or for every type (for leak checks). */
  listenerCount(type?: keyof Events): number
}

export interface EmitterOptions {
  /** Gets what a handler threw. Default: rethrown from `setTimeout(…, 0)`, outside the emitter's caller. */
  report?: (error: unknown) => void
}

type Wrapped<T> = Handler<T> & { original?: Handler<T> }

function rethrowLater(error: unknown): void {
  setTimeout(() => {
    throw error
  }, 0)
}

export function createEmitter<Events extends Record<EventType, unknown>>(options: EmitterOptions = {}): Emitter<Events> {
  const report = options.report ?? rethrowLater
  const inner = mitt<Events>()
  const listOf = <K extends keyof Events>(type: K): Array<Wrapped<Events[K]>> | undefined =>
    inner.all.get(type) as Array<Wrapped<Events[K]>> | undefined

  const off: Emitter<Events>['off'] = (type, handler) => {
    const list = listOf(type)
    if (list === undefined) return
    if (handler === undefined) {
      list.splice(0)
      return
    }
    const index = list.findIndex((h) => h === handler || h.original === handler)
    if (index >= 0) list.splice(index, 1)
  }

  return {
    on(type, handler) {
      inner.on(type, handler as Handler<Events[typeof type]>)
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        off(type, handler)
      }
    },
    once(type, handler) {
      const wrapper: Wrapped<Events[typeof type]> = (event) => {
        off(type, handler)
        handler(event)
      }
      wrapper.original = handler
      inner.on(type, wrapper)
      return () => off(type, handler)
    },
    off,
    emit(type, event) {
      const list = listOf(type)
      if (list === undefined || list.length === 0) return
      // A copy: a handler may unsubscribe itself or another during the emit.
      for (const handler of list.slice()) {
        try {
          handler(event)
        } catch (error) {
          report(error)
        }
      }
    },
    clear() {
      inner.all.clear()
    },
    listenerCount(type) {
      let n = 0
      inner.all.forEach((list, key) => {
        if (type === undefined || key === type) n += list.length
      })
      return n
    },
  }
}
