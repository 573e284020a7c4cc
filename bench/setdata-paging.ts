/**
 * setData bytes for loading one older history page (20 messages) into a chat page that
 * already holds 100 / 1,000 / 10,000 messages: the page's blocks (MessageBlocks: one new
 * block) against the whole `messages` array rewritten (what a prepend did before, through
 * setDataPatch), measured in the same run on the same list. WeChat refuses a setData over 1 MB.
 *
 *   npm run bench:paging      (or: node scripts/run-ts.mjs bench/setdata-paging.ts)
 *   options: --page 20
 *
 * Run `npm run build` first: the page imports the built bundles in miniprogram/lib/.
 */
import { MessageList, setDataPatch } from '../miniprogram/lib/chat/index'
import type { ChatMessage, ListChange } from '../miniprogram/lib/chat/index'
import { MessageBlocks } from '../miniprogram/pages/chat/message-blocks'
import { timeLabelAt, toView, toViewPatch } from '../miniprogram/pages/chat/message-view'
import type { ViewContext } from '../miniprogram/pages/chat/message-view'
import { arg, ratio, table } from './lib/report'

const PAGE = arg('page', 20)
const SIZES = [100, 1000, 10000]
const LIMIT = 1024 * 1024
const T0 = Date.UTC(2025, 10, 26, 6, 0, 0)
const context: ViewContext = { now: T0 + 40 * 86_400_000, imageSrc: (url) => url }

function message(seq: number): ChatMessage {
  const agent = seq % 3 !== 0
  return {
    id: `m-${seq.toString(36)}-${agent ? 'a' : 'c'}`,
    conversationId: 'conv_1',
    seq,
    ts: T0 + seq * 45_000,
    from: agent ? { id: 'a_1', role: 'agent', name: '小美' } : { id: 'c_1', role: 'customer', name: '顾客 c1' },
    kind: 'text',
    text: agent ? '您好，您的订单已经发货，预计明天送达，请注意查收。' : '好的，谢谢！',
  }
}

const bytes = (data: Record<string, unknown>): number => Buffer.byteLength(JSON.stringify(data), 'utf8')

function measure(loaded: number): { blocks: number; whole: number } {
  const total = loaded + PAGE
  const list = new MessageList({ myId: 'c_1' })
  const changes: ListChange[] = []
  list.on('change', (c) => changes.push(c))
  // The newest `loaded` messages are on the page (as pages of PAGE, like loadOlder() brought them).
  const held: ChatMessage[] = []
  for (let seq = PAGE + 1; seq <= total; seq++) held.push(message(seq))
  list.merge(held)
  const blocks = new MessageBlocks(
    PAGE,
    (messages, index) => toView(messages, index, context),
    (messages, index) => timeLabelAt(messages, index, context.now),
  )
  blocks.reset(list.messages)
  changes.length = 0
  const older: ChatMessage[] = []
  for (let seq = 1; seq <= PAGE; seq++) older.push(message(seq))
  list.merge(older)
  const batch = changes.splice(0)
  const paged = blocks.apply(batch, list.messages)
  const whole = toViewPatch(setDataPatch(batch, list.messages), list.messages, context)
  return { blocks: bytes(paged), whole: bytes(whole) }
}

const rows = SIZES.map((loaded) => {
  const { blocks, whole } = measure(loaded)
  return [
    loaded.toLocaleString('en'),
    blocks.toLocaleString('en'),
    whole.toLocaleString('en'),
    ratio(whole, blocks),
    whole > LIMIT ? 'over 1 MB: refused' : 'under 1 MB',
  ]
})
console.log(`\nsetData bytes to prepend one history page (${PAGE} messages)\n`)
table(['loaded', 'blocks (B)', 'whole array (B)', 'whole / blocks', 'whole array vs WeChat limit'], rows)
