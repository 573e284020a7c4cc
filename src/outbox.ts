/**
 * The persisted outbox (`ChatSocket`'s `persist` option): unanswered sends written to a
 * key-value storage (`wx.setStorageSync` by default) so that a send survives the app being
 * killed and goes out at the next start, with its original id (the server deduplicates).
 *
 * Layout: one small key per send (`<key>/<id>` → `{"data","queuedAt"}`) and an index
 * (`<key>` → `{"v":1,"ids":[…]}`), so a send costs a write the size of that message, never a
 * rewrite of the whole outbox; writes are coalesced into one flush per tick (a send acked
 * before the flush is never written at all). A flush writes new entries, then the index,
 * then removes settled entries: a kill between two writes leaves an index whose entries all
 * exist (an entry the index does not list yet is ignored at the next start).
 *
 * Bounded by count and bytes. The index only ever lists a prefix of the queue in send
 * order: once one send does not fit (or its write failed), the later ones are kept in
 * memory only until it settles, so a restart never replays message k+1 without message k.
 */
import { TimerSlot } from './clock'
import type { Clock } from './clock'

/** A key-value storage: `wx.getStorageSync`/`setStorageSync`/`removeStorageSync`, `localStorage`, a Map... */
export interface OutboxStorage {
  /** The stored value; anything that is not a string ChatSocket wrote ('' , undefined, null) counts as absent. */
  get(key: string): unknown
  /** May throw (WeChat throws when the 10 MB storage is full): reported as a STORAGE error, the send goes on in memory. */
  set(key: string, value: string): void
  remove(key: string): void
}

export interface OutboxEntry {
  id: string
  /** The encoded frame, exactly as it is sent. */
  data: string
  /** Clock time it was first queued (kept across restarts). */
  queuedAt: number
}

export interface OutboxLimits {
  maxEntries: number
  /** Sum of the entries' UTF-8 bytes. */
  maxBytes: number
}

const VERSION = 1

interface Held extends OutboxEntry {
  bytes: number
  /** Its key is in storage. */
  written: boolean
}

export class Outbox {
  /** Persisted (or about to be) sends, in send order. */
  private readonly held = new Map<string, Held>()
  /** Pending sends kept in memory only (no room, or behind one that is). */
  private readonly overflow = new Set<string>()
  /** Ids whose key must be written / removed at the next flush. */
  private readonly toWrite = new Set<string>()
  private readonly toRemove = new Set<string>()
  private readonly timer: TimerSlot
  private bytes = 0
  private indexDirty = false
  /** The index as last written (to skip identical writes). */
  private writtenIndex = ''
  /** A failure was reported and nothing has succeeded since: do not report each retry. */
  private failing = false
  private full = false

  constructor(
    private readonly storage: OutboxStorage,
    private readonly key: string,
    private readonly limits: OutboxLimits,
    clock: Clock,
    private readonly report: (message: string, cause?: unknown) => void,
  ) {
    this.timer = new TimerSlot(clock)
  }

  /** Number of sends it holds (persisted or about to be). */
  get size(): number {
    return this.held.size
  }

  /**
   * What a previous run left, in send order, within the limits. Those entries stay held (they
   * are pending again); anything unreadable or over the limits is removed at the next flush.
   */
  load(): OutboxEntry[] {
    const ids = this.readIndex()
    const loaded: OutboxEntry[] = []
    for (const id of ids) {
      const entry = this.readEntry(id)
      const bytes = entry === null ? 0 : utf8Length(entry.data)
      if (entry === null || this.held.has(id) || this.held.size >= this.limits.maxEntries || this.bytes + bytes > this.limits.maxBytes) {
        this.toRemove.add(id)
        continue
      }
      this.held.set(id, { ...entry, bytes, written: true })
      this.bytes += bytes
      loaded.push(entry)
    }
    this.writtenIndex = this.indexText()
    if (this.toRemove.size > 0) this.change()
    return loaded
  }

  /** Persists a new pending send (at the next flush). False when it is kept in memory only. */
  add(entry: OutboxEntry): boolean {
    const bytes = utf8Length(entry.data)
    if (this.overflow.size > 0 || this.held.size >= this.limits.maxEntries || this.bytes + bytes > this.limits.maxBytes) {
      this.overflow.add(entry.id)
      if (!this.full) {
        this.full = true
        this.report(
          `the outbox is full (${this.held.size} sends, ${this.bytes} bytes; persist.maxEntries ${this.limits.maxEntries}, persist.maxBytes ${this.limits.maxBytes}): send ${entry.id} and later ones are kept in memory only until it clears`,
        )
      }
      return false
    }
    this.held.set(entry.id, { ...entry, bytes, written: false })
    this.bytes += bytes
    this.toWrite.add(entry.id)
    this.change()
    return true
  }

  /** The send settled (answered, timed out, rejected): forget it. */
  remove(id: string): void {
    if (this.overflow.delete(id)) {
      if (this.overflow.size === 0) this.full = false
      return
    }
    const held = this.held.get(id)
    if (held === undefined) return
    this.held.delete(id)
    this.bytes -= held.bytes
    this.toWrite.delete(id)
    if (held.written) this.toRemove.add(id)
    this.change()
  }

  /** Writes what changed now (also run one tick after a change). */
  flush(): void {
    this.timer.clear()
    let ok = true
    for (const id of this.toWrite) {
      const held = this.held.get(id)
      if (held === undefined) continue
      try {
        this.storage.set(this.entryKey(id), JSON.stringify({ data: held.data, queuedAt: held.queuedAt }))
        held.written = true
        this.toWrite.delete(id)
      } catch (cause) {
        ok = false
        this.fail(`could not write send ${id} to storage (${this.entryKey(id)})`, cause)
        break // later entries would not be listed before this one anyway
      }
    }
    if (this.indexDirty) {
      const index = this.indexText()
      if (index !== this.writtenIndex) {
        try {
          this.storage.set(this.key, index)
          this.writtenIndex = index
          this.indexDirty = this.toWrite.size > 0
        } catch (cause) {
          ok = false
          this.fail(`could not write the outbox index (${this.key})`, cause)
        }
      } else {
        this.indexDirty = this.toWrite.size > 0
      }
    }
    for (const id of this.toRemove) {
      if (this.held.has(id)) {
        this.toRemove.delete(id)
        continue
      }
      try {
        this.storage.remove(this.entryKey(id))
        this.toRemove.delete(id)
      } catch (cause) {
        ok = false
        this.fail(`could not remove send ${id} from storage`, cause)
        break
      }
    }
    if (ok) this.failing = false
  }

  /** Writes what is pending and stops the flush timer. */
  dispose(): void {
    this.flush()
    this.timer.clear()
  }

  private change(): void {
    this.indexDirty = true
    if (!this.timer.active) this.timer.set(() => this.flush(), 0)
  }

  private fail(message: string, cause: unknown): void {
    if (this.failing) return
    this.failing = true
    this.report(`${message}; the send goes on in memory`, cause)
  }

  /** The written prefix of the queue, in send order. */
  private indexText(): string {
    const ids: string[] = []
    for (const held of this.held.values()) {
      if (!held.written) break
      ids.push(held.id)
    }
    return JSON.stringify({ v: VERSION, ids })
  }

  private entryKey(id: string): string {
    return `${this.key}/${id}`
  }

  private readIndex(): string[] {
    const value = parse(this.storage, this.key, this.report)
    if (value === null) return []
    const { v, ids } = value as { v?: unknown; ids?: unknown }
    if (v !== VERSION || !Array.isArray(ids)) {
      this.report(`the stored outbox (${this.key}) is not one this version wrote; it is ignored`)
      return []
    }
    return ids.filter((id): id is string => typeof id === 'string' && id !== '')
  }

  private readEntry(id: string): OutboxEntry | null {
    const value = parse(this.storage, this.entryKey(id), this.report)
    if (value === null) return null
    const { data, queuedAt } = value as { data?: unknown; queuedAt?: unknown }
    if (typeof data !== 'string' || typeof queuedAt !== 'number' || !Number.isFinite(queuedAt)) return null
    return { id, data, queuedAt }
  }
}

/** The JSON object stored under `key`, or null (absent, unreadable, not an object). */
function parse(storage: OutboxStorage, key: string, report: (message: string, cause?: unknown) => void): object | null {
  let raw: unknown
  try {
    raw = storage.get(key)
  } catch (cause) {
    report(`could not read ${key} from storage`, cause)
    return null
  }
  if (typeof raw !== 'string' || raw === '') return null
  try {
    const value: unknown = JSON.parse(raw)
    return typeof value === 'object' && value !== null ? value : null
  } catch {
    return null
  }
}

/** UTF-8 length without TextEncoder (older base libraries lack it). */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}
