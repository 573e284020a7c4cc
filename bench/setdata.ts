/**
 * What the chat page costs in `setData`, against a naive page measured in the same run:
 *
 * 1. Per incoming message, with 10 / 100 / 1,000 / 10,000 messages in the list: setData
 *    calls and payload bytes (JSON, as WeChat serialises it for the view layer), for
 *    messages arriving one at a time and in bursts. The page is the real ChatPageController
 *    on the real ConversationClient, over an in-memory server (no sockets, no timers in the
 *    way: the batch timer is run by hand). Naive: `setData({messages: all})` on every change.
 * 2. Opening the chat page with 10,000 stored messages, cold (new service, stored token,
 *    socket connect, session, open, first render), on the real server in-process: the page
 *    renders only the newest history page; naive fetches everything (sync, 200 a page) and
 *    renders it in one setData. Median of `rounds`, the two interleaved.
 *
 *   npm run bench:setdata      (or: node scripts/run-ts.mjs bench/setdata.ts)
 *   options: --incoming 100 --burst 20 --stored 10000 --rounds 5
 *
 * Run `npm run build` first: the page imports the built bundles in miniprogram/lib/.
 */
import { MessageList } from '../miniprogram/lib/chat/index'
import type { ChatMessage, ConversationClient } from '../miniprogram/lib/chat/index'
import { ChatPageController } from '../miniprogram/pages/chat/chat-controller'
import type { DataSink } from '../miniprogram/pages/chat/chat-controller'
import { ManualClock } from '../test/helpers/manual-clock'
import { toViews } from '../miniprogram/pages/chat/message-view'
import { ChatService, wxPlatform } from '../miniprogram/services/index'
import type { PageUi } from '../miniprogram/utils/wx-ui'
import { connectAgent, startChatServer } from '../test/helpers/chat-server'
import { createWxEnv } from '../test/helpers/wx-env'
import { arg, median, ratio, table } from './lib/report'
import { MemoryChatSocket, memoryService } from './setdata-memory'

const SIZES = [10, 100, 1000, 10000]
const INCOMING = arg('incoming', 100)
const BURST = arg('burst', 20)
const STORED = arg('stored', 10000)
const ROUNDS = arg('rounds', 5)

const noUi: PageUi = {
  toast: () => undefined,
  loading: () => undefined,
  setTitle: () => undefined,
  chooseImage: async () => null,
  previewImage: () => undefined,
  copy: () => undefined,
}

/** Counts setData calls and the bytes WeChat would serialise. */
class RecordingSink implements DataSink {
  calls = 0
  bytes = 0
  /** Messages rendered so far (the page's `count`; the naive page's whole-list `messages`). */
  rendered = 0
  private waiters: Array<{ test: (data: Record<string, unknown>) => boolean; resolve: (data: Record<string, unknown>) => void }> = []

  setData(data: Record<string, unknown>): void {
    this.calls++
    this.bytes += Buffer.byteLength(JSON.stringify(data), 'utf8')
    if (Array.isArray(data.messages)) this.rendered = data.messages.length
    if (typeof data.count === 'number') this.rendered = data.count
    this.waiters = this.waiters.filter((w) => !(w.test(data) && (w.resolve(data), true)))
  }

  reset(): void {
    this.calls = 0
    this.bytes = 0
  }

  next(test: (data: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }))
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

interface PerMessage {
  calls: number
  bytes: number
  us: number
}

/** The chat page with `size` messages in its list, then `INCOMING` more arriving `burst` at a time. */
async function pagePerMessage(size: number, burst: number): Promise<PerMessage> {
  const socket = new MemoryChatSocket()
  socket.seed(size)
  const clock = new ManualClock()
  const sink = new RecordingSink()
  const page = new ChatPageController(memoryService(socket, size), sink, { ui: noUi, clock })
  page.load()
  while (sink.rendered < size) {
    await turn()
    clock.runAll()
  }
  sink.reset()
  const started = performance.now()
  for (let i = 0; i < INCOMING; i += burst) {
    for (let j = 0; j < burst && i + j < INCOMING; j++) socket.push(`这是第 ${i + j + 1} 条新消息，请查收`)
    clock.runAll()
  }
  const us = ((performance.now() - started) * 1000) / INCOMING
  page.unload()
  return { calls: sink.calls / INCOMING, bytes: sink.bytes / INCOMING, us }
}

/** A naive page: the whole list on every change. */
async function naivePerMessage(size: number, burst: number): Promise<PerMessage> {
  const socket = new MemoryChatSocket()
  socket.seed(size)
  const service = memoryService(socket, size)
  const client = await service.start().open()
  while (!client.state.loaded) await turn()
  const sink = new RecordingSink()
  const context = { now: Date.now(), imageSrc: (url: string) => url }
  let dirty = false
  const off = client.on('change', () => {
    dirty = true
  })
  const flush = (): void => {
    if (dirty) sink.setData({ messages: toViews(client.messages, context) })
    dirty = false
  }
  const started = performance.now()
  for (let i = 0; i < INCOMING; i += burst) {
    for (let j = 0; j < burst && i + j < INCOMING; j++) socket.push(`这是第 ${i + j + 1} 条新消息，请查收`)
    flush()
  }
  const us = ((performance.now() - started) * 1000) / INCOMING
  off()
  return { calls: sink.calls / INCOMING, bytes: sink.bytes / INCOMING, us }
}

const kb = (bytes: number): string => (bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${Math.round(bytes)} B`)

async function perMessageTable(): Promise<void> {
  console.log(`\n1. setData per incoming message (${INCOMING} messages; page vs naive whole-list setData, same run)\n`)
  const rows: Array<Array<string | number>> = []
  for (const size of SIZES) {
    const one = await pagePerMessage(size, 1)
    const burst = await pagePerMessage(size, BURST)
    const naive = await naivePerMessage(size, 1)
    rows.push([
      size,
      one.calls.toFixed(2),
      kb(one.bytes),
      burst.calls.toFixed(2),
      kb(burst.bytes),
      naive.calls.toFixed(2),
      kb(naive.bytes),
      ratio(naive.bytes, one.bytes),
      `${one.us.toFixed(0)} µs / ${naive.us.toFixed(0)} µs`,
    ])
  }
  table(
    [
      'in list',
      'calls/msg',
      'bytes/msg',
      `calls/msg (bursts of ${BURST})`,
      `bytes/msg (bursts)`,
      'naive calls/msg',
      'naive bytes/msg',
      'naive ÷ page bytes',
      'CPU/msg page / naive',
    ],
    rows,
  )
}

async function openTable(): Promise<void> {
  console.log(
    `\n2. Opening the chat page with ${STORED.toLocaleString('en')} stored messages, cold (median of ${ROUNDS}, real server in-process)\n`,
  )
  const server = await startChatServer({ rateLimit: { rate: 1_000_000, burst: 1_000_000 } })
  const agent = await connectAgent(server)
  const env = createWxEnv()
  // The test double of `wx` (real HTTP and sockets) stands in for the WeChat API here.
  const platform = wxPlatform(env.api as unknown as WechatMiniprogram.Wx)
  const newService = (): ChatService => new ChatService({ platform, config: { server: server.url, historyPageSize: 20 } })
  try {
    const first = newService()
    const conversationId = (await first.open()).id
    first.dispose()
    for (let i = 0; i < STORED; i += 500) {
      const sends: Array<Promise<unknown>> = []
      for (let j = i; j < Math.min(STORED, i + 500); j++)
        sends.push(agent.say(conversationId, `历史消息 ${j + 1}：您的订单已发货，请注意查收`))
      await Promise.all(sends)
    }

    const paged: number[] = []
    const naive: number[] = []
    let pagedRender = { count: 0, bytes: 0 }
    let naiveRender = { count: 0, bytes: 0 }
    for (let round = 0; round < ROUNDS; round++) {
      {
        const started = performance.now()
        const service = newService()
        const sink = new RecordingSink()
        const page = new ChatPageController(service, sink, { ui: noUi })
        const firstRender = sink.next(
          (data) => (typeof data.count === 'number' && data.count > 0) || (Array.isArray(data.messages) && data.messages.length > 0),
        )
        page.load()
        const data = await firstRender
        paged.push(performance.now() - started)
        pagedRender = {
          // The page's first render is a reset: `count` is the messages in its blocks.
          count: typeof data.count === 'number' ? data.count : 0,
          bytes: Buffer.byteLength(JSON.stringify(data)),
        }
        page.unload()
        service.dispose()
      }
      {
        const started = performance.now()
        const service = newService()
        const sink = new RecordingSink()
        const client: ConversationClient = await service.open()
        const list = new MessageList({ myId: client.user.id })
        let afterSeq = 0
        for (;;) {
          const page = await service.socket!.request<{ messages: ChatMessage[]; hasMore: boolean }>({
            type: 'sync',
            conversationId,
            afterSeq,
            limit: 200,
          })
          list.merge(page.messages)
          afterSeq = list.newestSeq ?? afterSeq
          if (!page.hasMore) break
        }
        sink.setData({ messages: toViews(list.messages, { now: Date.now(), imageSrc: (url) => service.imageSrc(url) }) })
        naive.push(performance.now() - started)
        naiveRender = { count: list.length, bytes: sink.bytes }
        service.dispose()
      }
    }
    const p = median(paged)
    const n = median(naive)
    table(
      ['page', 'first render (median)', 'messages rendered', 'first setData', 'vs page'],
      [
        ['chat page (newest page only)', `${p.toFixed(1)} ms`, pagedRender.count, kb(pagedRender.bytes), '1.00×'],
        ['naive (everything, one setData)', `${n.toFixed(1)} ms`, naiveRender.count, kb(naiveRender.bytes), ratio(n, p)],
      ],
    )
    console.log('\nWeChat refuses a single setData over 1 MB: the naive page would not render at all on a phone.')
  } finally {
    agent.close()
    env.cleanup()
    await server.close()
  }
}

async function main(): Promise<void> {
  await perMessageTable()
  await openTable()
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
