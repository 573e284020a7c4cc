/**
 * The chat list in page-sized blocks: page data `blocks` (an object of block id → views) and
 * `order` (the block ids, oldest first). Loading an older page adds one block in front
 * (`blocks.o3` and the short `order`), so no `setData` ever carries the whole history, however
 * long it is: WeChat refuses a setData over 1 MB, which a single `messages` array passes at
 * ~5,000 messages. New messages go into the last block (`blocks.n0[37]`) until it holds
 * `blockSize`, then into a new one. Status and time changes are paths into their block.
 *
 * `apply` turns one batch of `ListChange`s (indexes into the client's list) into that payload.
 */
import { firstShiftedIndex } from '../../lib/chat/index'
import type { ListChange, ListMessage } from '../../lib/chat/index'
import type { MessageView } from './message-view'

type Payload = Record<string, unknown>

/** Makes the view of `messages[index]` (the page's `toView` with its context). */
export type ViewAt = (messages: readonly ListMessage[], index: number) => MessageView
/** The time label of `messages[index]` (it depends on the message before). */
export type TimeAt = (messages: readonly ListMessage[], index: number) => string

export class MessageBlocks {
  /** Block ids, oldest first, and how many messages each holds. */
  private order: string[] = []
  private lengths: number[] = []
  private olds = 0
  private news = 0

  constructor(
    private readonly blockSize: number,
    private readonly viewAt: ViewAt,
    private readonly timeAt: TimeAt,
  ) {
    if (!Number.isInteger(blockSize) || blockSize < 1)
      throw new RangeError(`MessageBlocks: blockSize must be a positive integer, got ${blockSize}`)
  }

  /** Messages held. */
  get count(): number {
    return this.lengths.reduce((a, b) => a + b, 0)
  }

  /** Everything anew, in blocks of `blockSize` (a bind, a reset). */
  reset(messages: readonly ListMessage[]): Payload {
    this.order = []
    this.lengths = []
    const blocks: Record<string, MessageView[]> = {}
    for (let start = 0; start < messages.length; start += this.blockSize) {
      const id = `n${this.news++}`
      const end = Math.min(messages.length, start + this.blockSize)
      blocks[id] = this.views(messages, start, end)
      this.order.push(id)
      this.lengths.push(end - start)
    }
    return { blocks, order: this.order.slice(), count: messages.length }
  }

  /** The payload for `changes` (everything the list emitted since the last call); `messages` is the list now. */
  apply(changes: readonly ListChange[], messages: readonly ListMessage[]): Payload {
    // Indexes as the list stands after the batch; `prepended` of them are new in front.
    let prepended = 0
    let dirtyFrom = Infinity
    const items = new Set<number>()
    const fields = new Map<number, Set<string>>()
    const relabel = new Set<number>()
    const shift = (by: number): void => {
      const moved = [...items].map((i) => i + by)
      items.clear()
      moved.forEach((i) => items.add(i))
      const f = [...fields].map(([i, v]) => [i + by, v] as const)
      fields.clear()
      f.forEach(([i, v]) => fields.set(i, v))
      const r = [...relabel].map((i) => i + by)
      relabel.clear()
      r.forEach((i) => relabel.add(i))
      if (dirtyFrom !== Infinity) dirtyFrom += by
    }
    for (const change of changes) {
      switch (change.type) {
        case 'reset':
          return this.reset(messages)
        case 'prepend':
          shift(change.count)
          prepended += change.count
          relabel.add(change.count) // the old first message may get or lose its time separator
          break
        case 'append':
          change.messages.forEach((_, j) => items.add(change.index + j))
          break
        case 'update':
          if (change.patch.recalled === true) items.add(change.index)
          if (change.patch.status !== undefined)
            (fields.get(change.index) ?? fields.set(change.index, new Set()).get(change.index)!).add('status')
          if (change.patch.ts !== undefined) relabel.add(change.index).add(change.index + 1)
          break
        case 'insert':
        case 'move':
          dirtyFrom = Math.min(dirtyFrom, firstShiftedIndex(change))
          break
      }
    }

    const out: Payload = {}
    if (prepended > 0) {
      const id = `o${++this.olds}`
      out[`blocks.${id}`] = this.views(messages, 0, prepended)
      this.order.unshift(id)
      this.lengths.unshift(prepended)
      out.order = this.order.slice()
    }
    // The blocks held before this batch cover [prepended, heldEnd); appends past it are new.
    const heldEnd = this.count
    // Something moved inside: the blocks from the one holding dirtyFrom on are rewritten whole.
    let rewriteFrom = heldEnd
    let rewriteBlock = -1
    if (dirtyFrom < heldEnd) {
      const at = this.locate(Math.max(dirtyFrom, prepended))
      rewriteBlock = at.block
      rewriteFrom = Math.max(dirtyFrom, prepended) - at.offset
    }
    const patchable = (index: number): boolean => index >= prepended && index < rewriteFrom && index < messages.length
    for (const [index, names] of fields) {
      const message = messages[index]
      if (!patchable(index) || items.has(index) || message === undefined) continue
      const { id, offset } = this.locate(index)
      for (const name of names) out[`blocks.${id}[${offset}].${name}`] = message[name as 'status']
    }
    for (const index of items) {
      if (!patchable(index)) continue
      const { id, offset } = this.locate(index)
      out[`blocks.${id}[${offset}]`] = this.viewAt(messages, index)
    }
    for (const index of relabel) {
      if (!patchable(index) || items.has(index)) continue
      const { id, offset } = this.locate(index)
      out[`blocks.${id}[${offset}].time`] = this.timeAt(messages, index)
    }
    if (rewriteBlock >= 0) this.rewriteFrom(rewriteBlock, messages, out)
    else if (messages.length > heldEnd) this.appendFrom(heldEnd, messages, out)
    out.count = messages.length
    return out
  }

  /** Where list index `index` sits: block number, id, offset. */
  private locate(index: number): { block: number; id: string; offset: number } {
    let start = 0
    for (let block = 0; block < this.lengths.length; block++) {
      const length = this.lengths[block]!
      if (index < start + length) return { block, id: this.order[block]!, offset: index - start }
      start += length
    }
    const block = this.lengths.length - 1
    return { block, id: this.order[block] ?? '', offset: index - (start - (this.lengths[block] ?? 0)) }
  }

  /** Messages from `from` (past the held blocks) into the last block while it has room, then new blocks. */
  private appendFrom(from: number, messages: readonly ListMessage[], out: Payload): void {
    let index = from
    const last = this.lengths.length - 1
    if (last >= 0) {
      const id = this.order[last]!
      while (index < messages.length && this.lengths[last]! < this.blockSize) {
        out[`blocks.${id}[${this.lengths[last]!}]`] = this.viewAt(messages, index)
        this.lengths[last]!++
        index++
      }
    }
    while (index < messages.length) {
      const id = `n${this.news++}`
      const end = Math.min(messages.length, index + this.blockSize)
      out[`blocks.${id}`] = this.views(messages, index, end)
      this.order.push(id)
      this.lengths.push(end - index)
      out.order = this.order.slice()
      index = end
    }
  }

  /** Rewrites block `block` and every later one from `messages`, keeping their sizes (the last takes the rest). */
  private rewriteFrom(block: number, messages: readonly ListMessage[], out: Payload): void {
    let start = 0
    for (let b = 0; b < block; b++) start += this.lengths[b]!
    const keep = this.order.length
    for (let b = block; b < keep; b++) {
      const last = b === keep - 1
      const end = last ? Math.min(messages.length, start + Math.max(this.lengths[b]!, this.blockSize)) : start + this.lengths[b]!
      out[`blocks.${this.order[b]!}`] = this.views(messages, start, end)
      this.lengths[b] = end - start
      start = end
    }
    if (start < messages.length) this.appendFrom(start, messages, out)
  }

  private views(messages: readonly ListMessage[], start: number, end: number): MessageView[] {
    const out: MessageView[] = []
    for (let i = start; i < end; i++) out.push(this.viewAt(messages, i))
    return out
  }
}
