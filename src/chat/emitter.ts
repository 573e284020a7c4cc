import mitt from 'mitt'
import type { EventType } from 'mitt'

/** A typed event emitter whose `on()` returns its own unsubscribe function. */
export interface Emitter<Events extends Record<EventType, unknown>> {
  on<K extends keyof Events>(type: K, handler: (event: Events[K]) => void): () => void
  emit<K extends keyof Events>(type: K, event: Events[K]): void
  /** Removes every handler. */
  clear(): void
  /** Handlers currently registered, over all types (for leak checks). */
  listenerCount(): number
}

export function createEmitter<Events extends Record<EventType, unknown>>(): Emitter<Events> {
  // mitt copies the handler list before calling it, so unsubscribing inside a handler is safe.
  const inner = mitt<Events>()
  return {
    on(type, handler) {
      inner.on(type, handler)
      let subscribed = true
      return () => {
        if (!subscribed) return
        subscribed = false
        inner.off(type, handler)
      }
    },
    emit(type, event) {
      inner.emit(type, event)
    },
    clear() {
      inner.all.clear()
    },
    listenerCount() {
      let n = 0
      inner.all.forEach((list) => {
        n += list.length
      })
      return n
    },
  }
}
