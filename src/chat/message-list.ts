/**
 * One conversation's messages as a view shows them: merged by id and seq (a message that
 * arrives twice is held once), ascending seq, then my own unacked messages in send order.
 * Every change is announced precisely (appended at n, updated i, prepended k, ...) so a
 * mini-program page can `setData` paths instead of the whole list.
 */
import { createEmitter } from '../emitter'
import type { ChatMessage, ImageContent, MessageKind, Sender } from './types'
import type { Notice } from '../protocol'

/** Status of my own messages. Other people's messages have status `null`. */
export type MessageStatus = 'sending' | 'sent' | 'read' | 'failed'

export interface ListMessage {
  readonly id: string
  readonly conversationId: string
  /** `null` while my own message waits for its ack. */
  readonly seq: number | null
  /** Server time; local send time while unacked. */
  readonly ts: number
  readonly from: Sender
  readonly kind: MessageKind
  readonly text?: string
  readonly image?: ImageContent
  /** System notices: what happened (see the protocol's Notice). */
  readonly notice?: Notice
  /** Written by the signed-in user. */
  readonly mine: boolean
  readonly status: MessageStatus | null
  /** Its sender took it back: no `text` or `image` any more. */
  readonly recalled?: true
}

/** The fields an `update` change may touch. */
export type MessagePatch = Partial<Pick<ListMessage, 'seq' | 'ts' | 'status' | 'recalled'>>

/**
 * One change to the list. Indexes are positions in the list as it stood just before this
 * change (changes of one operation are emitted in order, after the operation completed,
 * so `list.messages` already shows the end result).
 */
export type ListChange =
  /** `messages` were added at the end, the first one at `index` (the old length). */
  | { type: 'append'; index: number; messages: readonly ListMessage[] }
  /** `count` older messages were added before everything. */
  | { type: 'prepend'; count: number; messages: readonly ListMessage[] }
  /** `messages` were added in the middle, the first one at `index`; what was at `index..` moved up. */
  | { type: 'insert'; index: number; messages: readonly ListMessage[] }
  /** The message at `index` changed the fields in `patch`; `message` is its new value. */
  | { type: 'update'; index: number; message: ListMessage; patch: MessagePatch }
  /** The message at `from` moved to `to` (after removal) and became `message` (my message took its seq). */
  | { type: 'move'; from: number; to: number; message: ListMessage }
  /** The list was replaced. */
  | { type: 'reset'; messages: readonly ListMessage[] }

export type MessageListEvents = {
  change: ListChange
}

/** A message of mine before the server has it. */
export interface PendingMessage {
  id: string
  conversationId: string
  ts: number
  from: Sender
  kind: MessageKind
  text?: string
  image?: ImageContent
}

export interface MessageListOptions {
  /** The signed-in user's id: their messages are `mine` and carry a status. Required. */
  myId: string
  /** Highest seq the other side has read. Default 0. */
  peerReadSeq?: number
}

export class MessageList {
  private readonly emitter = createEmitter<MessageListEvents>()
  private readonly myId: string
  private items: ListMessage[] = []
  private readonly byId = new Map<string, ListMessage>()
  private readonly seqs = new Set<number>()
  /** Memo for `contiguousSeq`: the run of seqs found from `from` (the oldest then held) up to `to`. */
  private chain: { from: number; to: number } | null = null
  /** Index of the first unacked message: `items[0..pendingStart)` carry seqs. */
  private pendingStart = 0
  private readSeq: number
  private changes: ListChange[] = []

  constructor(options: MessageListOptions) {
    if (typeof options.myId !== 'string') throw new TypeError('MessageList: options.myId must be a string')
    this.myId = options.myId
    this.readSeq = options.peerReadSeq ?? 0
  }

  on<K extends keyof MessageListEvents>(type: K, handler: (event: MessageListEvents[K]) => void): () => void {
    return this.emitter.on(type, handler)
  }

  get messages(): readonly ListMessage[] {
    return this.items
  }

  get length(): number {
    return this.items.length
  }

  get(id: string): ListMessage | undefined {
    return this.byId.get(id)
  }

  indexOf(id: string): number {
    const item = this.byId.get(id)
    if (item === undefined) return -1
    if (item.seq === null) return this.items.indexOf(item, this.pendingStart)
    return this.seqIndex(item.seq)
  }

  /** Highest seq the other side has read. */
  get peerReadSeq(): number {
    return this.readSeq
  }

  /** Lowest seq held, or null when no message has one. */
  get oldestSeq(): number | null {
    return this.pendingStart > 0 ? this.seqAt(0) : null
  }

  /** Highest seq held, or null. */
  get newestSeq(): number | null {
    return this.pendingStart > 0 ? this.seqAt(this.pendingStart - 1) : null
  }

  /** Highest seq reached from the oldest held without a gap (0 when none is held): what to sync after. */
  get contiguousSeq(): number {
    if (this.pendingStart === 0) return 0
    const oldest = this.seqAt(0)
    // Seqs are only ever added (until a reset), so a chain found before still holds: resume
    // from it instead of walking from the oldest on every incoming message.
    if (this.chain === null || this.chain.from > oldest) this.chain = { from: oldest, to: oldest }
    let seq = this.chain.to
    while (this.seqs.has(seq + 1)) seq++
    this.chain.to = seq
    return seq
  }

  hasSeq(seq: number): boolean {
    return this.seqs.has(seq)
  }

  /**
   * Adds server messages (push, sync, history), skipping ones already held by id or seq.
   * A message matching one of my unacked ones by id acks it. Returns the messages added.
   */
  merge(messages: readonly ChatMessage[]): ListMessage[] {
    const sorted = messages.slice().sort((a, b) => a.seq - b.seq)
    const added: ListMessage[] = []
    let run: { start: number; lengthBefore: number; messages: ListMessage[] } | null = null
    const flushRun = (): void => {
      if (run !== null) this.changes.push(insertChange(run.start, run.lengthBefore, run.messages))
      run = null
    }
    for (const message of sorted) {
      const held = this.byId.get(message.id)
      if (held !== undefined) {
        if (held.seq === null) {
          flushRun()
          this.settle(held, message.seq, message.ts)
        }
        continue
      }
      if (this.seqs.has(message.seq)) continue
      const item = this.toItem(message)
      const index = this.lowerBound(message.seq)
      const lengthBefore = this.items.length
      this.items.splice(index, 0, item)
      this.byId.set(item.id, item)
      this.seqs.add(message.seq)
      this.pendingStart++
      added.push(item)
      if (run !== null && index === run.start + run.messages.length) {
        run.messages.push(item)
      } else {
        flushRun()
        run = { start: index, lengthBefore, messages: [item] }
      }
    }
    flushRun()
    this.flush()
    return added
  }

  /** Shows one of my messages at once, as 'sending', after everything else. */
  addPending(message: PendingMessage): ListMessage {
    if (this.byId.has(message.id)) throw new RangeError(`MessageList: a message with id ${message.id} is already held`)
    const item: ListMessage = { ...message, seq: null, mine: true, status: 'sending' }
    const index = this.items.length
    this.items.push(item)
    this.byId.set(item.id, item)
    this.changes.push({ type: 'append', index, messages: [item] })
    this.flush()
    return item
  }

  /** My message `id` was acked with `seq` and `ts`: it takes its place among the seq'd ones. */
  ack(id: string, seq: number, ts: number): ListMessage | undefined {
    const held = this.byId.get(id)
    if (held === undefined) return undefined
    if (held.seq === null) this.settle(held, seq, ts)
    else if (held.status === 'sending' || held.status === 'failed') this.patch(held, { status: this.sentStatus(held.seq) })
    this.flush()
    return this.byId.get(id)
  }

  /** My unacked message `id` could not be sent. */
  fail(id: string): ListMessage | undefined {
    return this.setPendingStatus(id, 'sending', 'failed')
  }

  /** My failed message `id` is being sent again. */
  retry(id: string): ListMessage | undefined {
    return this.setPendingStatus(id, 'failed', 'sending')
  }

  /** Message `id` was recalled: it stays in its place, without its content (an 'update' with `{recalled: true}`). */
  recall(id: string): ListMessage | undefined {
    const held = this.byId.get(id)
    if (held === undefined || held.seq === null || held.recalled === true) return undefined
    const index = this.seqIndex(held.seq)
    const { text: _text, image: _image, ...rest } = held
    const item: ListMessage = { ...rest, recalled: true }
    this.items[index] = item
    this.byId.set(id, item)
    this.changes.push({ type: 'update', index, message: item, patch: { recalled: true } })
    this.flush()
    return item
  }

  /** The other side read everything up to `seq`: my messages up to it become 'read'. */
  setPeerReadSeq(seq: number): void {
    if (seq <= this.readSeq) return
    this.readSeq = seq
    // Every message of mine at or below the old read seq is already 'read': walk down from
    // the new one and stop at the first.
    for (let i = this.lowerBound(seq + 1) - 1; i >= 0; i--) {
      const item = this.items[i]
      if (!item?.mine) continue
      if (item.status === 'read') break
      if (item.status === 'sent') this.patch(item, { status: 'read' })
    }
    this.flush()
  }

  /** Empties the list. */
  reset(): void {
    this.items = []
    this.byId.clear()
    this.seqs.clear()
    this.chain = null
    this.pendingStart = 0
    this.changes.push({ type: 'reset', messages: [] })
    this.flush()
  }

  /** Removes every change listener. */
  dispose(): void {
    this.emitter.clear()
  }

  private toItem(message: ChatMessage): ListMessage {
    const mine = message.from.id === this.myId
    return { ...message, mine, status: mine ? this.sentStatus(message.seq) : null }
  }

  private sentStatus(seq: number): MessageStatus {
    return seq <= this.readSeq ? 'read' : 'sent'
  }

  /** Moves unacked `held` to its seq's place, as one 'update' (same place) or 'move'. */
  private settle(held: ListMessage, seq: number, ts: number): void {
    if (this.seqs.has(seq)) return // another message already holds that seq; keep ours pending
    const from = this.items.indexOf(held, this.pendingStart)
    const item: ListMessage = { ...held, seq, ts, status: this.sentStatus(seq) }
    this.items.splice(from, 1)
    const to = this.lowerBound(seq)
    this.items.splice(to, 0, item)
    this.pendingStart++
    this.byId.set(item.id, item)
    this.seqs.add(seq)
    if (from === to) this.changes.push({ type: 'update', index: to, message: item, patch: { seq, ts, status: item.status } })
    else this.changes.push({ type: 'move', from, to, message: item })
  }

  private setPendingStatus(id: string, from: MessageStatus, to: MessageStatus): ListMessage | undefined {
    const held = this.byId.get(id)
    if (held === undefined) return undefined
    if (held.seq !== null || held.status !== from) return undefined
    const item = this.patch(held, { status: to })
    this.flush()
    return item
  }

  private patch(held: ListMessage, patch: MessagePatch): ListMessage {
    const index = held.seq === null ? this.items.indexOf(held, this.pendingStart) : this.seqIndex(held.seq)
    const item: ListMessage = { ...held, ...patch }
    this.items[index] = item
    this.byId.set(item.id, item)
    this.changes.push({ type: 'update', index, message: item, patch })
    return item
  }

  /** First index among the seq'd messages whose seq is >= `seq`. */
  private lowerBound(seq: number): number {
    let lo = 0
    let hi = this.pendingStart
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.seqAt(mid) < seq) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Seq of the message at `index`, one of `items[0..pendingStart)`, which all carry one. */
  private seqAt(index: number): number {
    const seq = this.items[index]?.seq
    if (seq === undefined || seq === null) throw new Error(`MessageList: no seq'd message at index ${index}`)
    return seq
  }

  private seqIndex(seq: number): number {
    const index = this.lowerBound(seq)
    return index < this.pendingStart && this.items[index]?.seq === seq ? index : -1
  }

  private flush(): void {
    const changes = this.changes
    this.changes = []
    for (const change of changes) this.emitter.emit('change', change)
  }
}

function insertChange(start: number, lengthBefore: number, messages: ListMessage[]): ListChange {
  if (start === lengthBefore) return { type: 'append', index: start, messages }
  if (start === 0) return { type: 'prepend', count: messages.length, messages }
  return { type: 'insert', index: start, messages }
}
