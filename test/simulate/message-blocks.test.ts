/**
 * MessageBlocks against the list it mirrors: random operations on a real MessageList, each
 * batch's payload applied to page data as WeChat's setData applies paths, and the blocks read
 * back in `order` must equal the views of the whole list. Prepending a page writes one block.
 */
import { MessageList } from '../../src/chat'
import type { ListChange, ListMessage } from '../../src/chat'
import { MessageBlocks } from '../../miniprogram/pages/chat/message-blocks'
import { timeLabelAt, toView, toViews } from '../../miniprogram/pages/chat/message-view'
import type { MessageView, ViewContext } from '../../miniprogram/pages/chat/message-view'
import { agent, customer, message, sender, T0 } from '../helpers/chat-fixtures'

const context: ViewContext = { now: T0 + 86_400_000, imageSrc: (url) => url }
const blocksFor = (size: number) =>
  new MessageBlocks(
    size,
    (messages, index) => toView(messages, index, context),
    (messages, index) => timeLabelAt(messages, index, context.now),
  )

type Data = { blocks: Record<string, MessageView[]>; order: string[]; count: number }

/** As setData copies: JSON (jsdom has no structuredClone). */
const clone = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown

/** setData's path semantics for the paths MessageBlocks writes. */
function applyPayload(data: Data, payload: Record<string, unknown>): void {
  for (const [path, value] of Object.entries(payload)) {
    if (path === 'blocks') data.blocks = clone(value) as Data['blocks']
    else if (path === 'order') data.order = (value as string[]).slice()
    else if (path === 'count') data.count = value as number
    else {
      const m = /^blocks\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?$/.exec(path)
      if (m === null) throw new Error(`unexpected path ${path}`)
      const [, id, index, field] = m
      if (index === undefined) data.blocks[id!] = clone(value) as MessageView[]
      else if (field === undefined) (data.blocks[id!] ??= [])[Number(index)] = clone(value) as MessageView
      else (data.blocks[id!]![Number(index)] as unknown as Record<string, unknown>)[field] = value
    }
  }
}

const flat = (data: Data) => data.order.flatMap((id) => data.blocks[id] ?? [])

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31
    return x / 2 ** 31
  }
}

it('mirrors the list through appends, prepended pages, inserts, acks that move, status changes and recalls', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const rand = random(seed)
    const list = new MessageList({ myId: customer.id })
    const blocks = blocksFor(7)
    const changes: ListChange[] = []
    list.on('change', (c) => changes.push(c))
    // Seqs 1000..: the list starts in the middle of history, older pages come below.
    let newest = 1000
    let oldest = 1001
    let pending = 0
    const data: Data = { blocks: {}, order: [], count: 0 }
    list.merge([message(1000)])
    applyPayload(data, blocks.reset(list.messages))
    changes.length = 0
    for (let step = 0; step < 60; step++) {
      const op = Math.floor(rand() * 7)
      if (op === 0) list.merge([message(++newest, rand() < 0.5 ? agent : customer)])
      else if (op === 1) {
        const page: Array<ReturnType<typeof message>> = []
        for (let i = 0; i < 5; i++) page.push(message(--oldest))
        list.merge(page)
      } else if (op === 2) {
        newest += 2
        list.merge([message(newest)]) // leaves a gap at newest - 1 ...
        if (rand() < 0.7) list.merge([message(newest - 1)]) // ... filled in the middle
      } else if (op === 3) {
        list.addPending({ id: `p-${++pending}`, conversationId: 'conv_1', ts: T0 + step, from: sender(customer), kind: 'text', text: 'x' })
      } else if (op === 4) {
        const waiting = list.messages.find((m) => m.seq === null)
        if (waiting !== undefined) list.ack(waiting.id, ++newest, T0 + newest * 60_000)
      } else if (op === 5) {
        const waiting = list.messages.find((m) => m.seq === null && m.status === 'sending')
        if (waiting !== undefined) list.fail(waiting.id)
      } else {
        const any = list.messages[Math.floor(rand() * list.messages.length)]
        if (any?.seq !== null && any !== undefined) list.recall(any.id)
      }
      if (rand() < 0.5 || step === 59) {
        applyPayload(data, blocks.apply(changes.splice(0), list.messages))
        expect({ seed, step, views: flat(data) }).toEqual({ seed, step, views: toViews(list.messages, context) })
        expect(data.count).toBe(list.messages.length)
      }
    }
  }
})

it('writes one new block for an older page, never the blocks already shown', () => {
  const list = new MessageList({ myId: customer.id })
  const changes: ListChange[] = []
  list.on('change', (c) => changes.push(c))
  const page = (from: number, to: number): ListMessage[] => {
    const out = []
    for (let seq = from; seq <= to; seq++) out.push(message(seq))
    return list.merge(out)
  }
  const blocks = blocksFor(20)
  page(981, 1000)
  blocks.reset(list.messages)
  changes.length = 0
  page(961, 980)
  const payload = blocks.apply(changes.splice(0), list.messages)
  const keys = Object.keys(payload).sort()
  // The new block, the short order, the count, and at most the old top message's time label.
  expect(keys.filter((k) => /^blocks\.\w+$/.test(k))).toHaveLength(1)
  expect(keys.every((k) => /^blocks\.\w+$/.test(k) || k === 'order' || k === 'count' || k.endsWith('.time'))).toBe(true)
  const block = Object.entries(payload).find(([k]) => /^blocks\.\w+$/.test(k))![1] as MessageView[]
  expect(block.map((m) => m.id)).toEqual(list.messages.slice(0, 20).map((m) => m.id))
})

it('refuses a block size that is not a positive integer', () => {
  expect(() => blocksFor(0)).toThrow('MessageBlocks: blockSize must be a positive integer, got 0')
})
