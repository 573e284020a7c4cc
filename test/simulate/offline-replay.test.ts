/**
 * Issue 9, defect 13, on the chat page: a customer types 60 messages while the server is down;
 * when it is back, the page's ChatSocket replays them under the server's real frame limit
 * (20/s, burst 40: not the tests' usual generous one). Paced (`paceFor(FRAME_RATE_LIMIT)`),
 * none is refused with RATE_LIMITED, none shows 发送失败 on the way, and the server stores each
 * once, in the order typed. Unpaced, the frames past the burst were refused, and so were some
 * of the chat layer's retries (48 RATE_LIMITED answers in one run, before the chat page paced).
 */
import { FRAME_RATE_LIMIT } from '../../src/chat'
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { bannerText, conversationOnPage, messagesOf, startCustomerApp, typeAndSend } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { openPage } from '../helpers/mp-page'
import type { OpenPage } from '../helpers/mp-page'
import { waitFor } from '../helpers/wait-for'

jest.setTimeout(60_000)

const TYPED = Array.from({ length: 60 }, (_, i) => `离线第 ${i + 1} 条`)

let server: ChatServer
let agent: TestAgent
let customer: CustomerApp
let page: OpenPage
const log: string[] = []

beforeAll(async () => {
  server = await startChatServer({
    rateLimit: { ...FRAME_RATE_LIMIT },
    logLevel: 'debug',
    logStream: { write: (line) => void log.push(line) },
  })
  agent = await connectAgent(server)
})

afterAll(async () => {
  page?.close()
  customer?.dispose()
  agent?.close()
  await server.close()
})

it('replays 60 messages typed offline under the real frame limit: none refused, none 发送失败, each stored once and in typing order', async () => {
  customer = startCustomerApp(server)
  page = openPage('pages/chat/chat')
  const conversationId = await conversationOnPage(page, customer)

  await server.stop()
  await waitFor(() => bannerText(page).includes('正在重连'), 'the reconnecting banner')
  for (const text of TYPED) typeAndSend(page, text)
  const mine = () => messagesOf(page).filter((m) => m.mine && TYPED.includes(m.text ?? ''))
  await waitFor(() => mine().length === TYPED.length && mine().every((m) => m.status === 'sending'), '60 × 发送中')

  log.length = 0
  await server.restart()
  const failed = new Set<string>()
  await waitFor(
    () => {
      for (const m of mine()) if (m.status === 'failed') failed.add(m.text ?? '')
      return mine().every((m) => m.status === 'sent')
    },
    '60 × 已发送',
    30_000,
  ) // the page's reconnect backoff after the outage, then ~2.5 s of paced replay
  expect([...failed]).toEqual([])
  expect(log.filter((line) => line.includes('RATE_LIMITED'))).toEqual([])

  // What the server stored, read by the agent (pushes sent while the agent itself was reconnecting after the restart are not in agent.messages).
  await waitFor(() => agent.socket.state === 'open', 'the agent back online', 15_000)
  const { messages } = await agent.socket.request<{ messages: Array<{ text?: string; seq: number }> }>({
    type: 'sync',
    conversationId,
    afterSeq: 0,
    limit: 200,
  })
  const stored = messages.filter((m) => TYPED.includes(m.text ?? ''))
  expect(stored.map((m) => m.text)).toEqual(TYPED)
  expect(stored.map((m) => m.seq)).toEqual([...stored.map((m) => m.seq)].sort((a, b) => a - b))
})
