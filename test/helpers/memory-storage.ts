import type { OutboxStorage } from '../../src/types'

/** A Map as `persist` storage, with the writes counted and failures on demand (as WeChat's full storage throws). */
export interface MemoryStorage extends OutboxStorage {
  readonly map: Map<string, string>
  /** Every set/remove, in order: `set key` / `remove key`. */
  readonly log: string[]
  /** set() throws while true, like `setStorageSync:fail exceed storage max size 10MB`. */
  full: boolean
}

export function memoryStorage(initial = new Map<string, string>()): MemoryStorage {
  const map = new Map(initial)
  const storage: MemoryStorage = {
    map,
    log: [],
    full: false,
    get: (key) => map.get(key) ?? '',
    set(key, value) {
      if (storage.full) throw new Error('setStorageSync:fail exceed storage max size 10MB')
      storage.log.push(`set ${key}`)
      map.set(key, value)
    },
    remove(key) {
      storage.log.push(`remove ${key}`)
      map.delete(key)
    },
  }
  return storage
}
