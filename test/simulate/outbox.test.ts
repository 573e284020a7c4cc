/**
 * Nothing the customer typed is lost: the chat page (miniprogram-simulate) against the real
 * server in-process. A message typed while the server is down stays 发送中 (no 发送失败 for
 * want of a link), survives the app being killed (every timer dropped, sockets cut, every
 * object abandoned: no close(), no onUnload), shows again as 发送中 at the next launch on the
 * same storage, and reaches the agent exactly once when the server is back.
 */
import { OUTBOX_STORAGE_KEY, SESSION_STORAGE_KEY } from '../../miniprogram/services/index'
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { bannerText, conversationOnPage, messagesOf, nextLaunch, startCustomerApp, typeAndSend } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { openPage } from '../helpers/mp-page'
import type { OpenPage } from '../helpers/mp-page'
import { VirtualClock } from '../helpers/virtual-clock'
import { waitFor } from '../helpers/wait-for'
import { createWxEnv } from '../helpers/wx-env'

jest.setTimeout(30_000)

const CHAT = 'pages/chat/chat'

let server: ChatServer
let agent: TestAgent
const apps: CustomerApp[] = []
const pages: OpenPage[] = []

function chatPage(): OpenPage {
  const page = openPage(CHAT)
  pages.push(page)
  return page
}

const mine = (page: OpenPage, text: string) => messagesOf(page).find((m) => m.mine && m.text === text)

async function storedCopies(conversationId: string, id: string): Promise<number> {
  const page = await agent.socket.request<{ messages: Array<{ id: string }> }>({
    type: 'history',
    conversationId,
    beforeSeq: 0,
    limit: 100,
  })
  return page.messages.filter((m) => m.id === id).length
}

beforeAll(async () => {
  server = await startChatServer()
})

beforeEach(async () => {
  if (!server.running) await server.restart()
  agent = await connectAgent(server)
})

afterEach(async () => {
  for (const page of pages.splice(0)) page.close()
  for (const customer of apps.splice(0)) customer.dispose()
  agent.close()
  if (!server.running) await server.restart()
})

afterAll(async () => {
  await server.close()
})

it('sends a message typed while the server was down after the app was killed and launched again: 发送中 at launch, then once to the agent, 已发送', async () => {
  const first = startCustomerApp(server)
  apps.push(first)
  const page = chatPage()
  const conversationId = await conversationOnPage(page, first)

  await server.stop()
  await waitFor(() => bannerText(page).includes('正在重连'), 'the reconnecting banner')
  typeAndSend(page, '电梯里写的消息')
  await waitFor(() => mine(page, '电梯里写的消息')?.status === 'sending', '发送中')
  const id = mine(page, '电梯里写的消息')!.id
  // The outbox is written one tick after the send (a kill comes later than that).
  await waitFor(() => first.env.storage.has(`${OUTBOX_STORAGE_KEY}/${id}`), 'the message in storage')
  expect(JSON.parse(first.env.storage.get(OUTBOX_STORAGE_KEY) as string)).toEqual({ v: 1, ids: [id] })

  // Killed: nothing of the first app runs again. Its objects are simply abandoned.
  first.kill()
  pages.splice(pages.indexOf(page), 1)
  apps.splice(apps.indexOf(first), 1)

  // The next launch, server still down: the chat is there from the cached session, with the message 发送中.
  const second = startCustomerApp(server, {}, nextLaunch(first.env))
  apps.push(second)
  expect(second.env.storage.get(SESSION_STORAGE_KEY)).toMatchObject({ conversation: { id: conversationId } })
  const again = chatPage()
  await waitFor(() => mine(again, '电梯里写的消息') !== undefined, 'the restored message on the page at launch')
  expect(mine(again, '电梯里写的消息')).toMatchObject({ id, status: 'sending' })
  await waitFor(() => again.text().includes('发送中'), '发送中 rendered')
  expect(second.service.socket?.restored.map((r) => r.id)).toEqual([id])

  await server.restart()
  await waitFor(() => mine(again, '电梯里写的消息')?.status === 'sent', '已发送 after the server came back')
  await waitFor(() => agent.socket.state === 'open' && agent.messages.some((m) => m.id === id), 'the message at the agent')
  expect(await storedCopies(conversationId, id)).toBe(1)
  expect(agent.messages.filter((m) => m.id === id)).toHaveLength(1)
  expect(messagesOf(again).filter((m) => m.text === '电梯里写的消息')).toHaveLength(1)
  await waitFor(() => JSON.parse(second.env.storage.get(OUTBOX_STORAGE_KEY) as string).ids.length === 0, 'the outbox emptied')
  expect([...second.env.storage.keys()].filter((key) => key.startsWith(`${OUTBOX_STORAGE_KEY}/`))).toEqual([])
  expect(second.env.sockets.violations).toEqual([])
})

it('keeps a message typed without network 发送中 through a minute offline (virtual time), then sends it', async () => {
  const clock = new VirtualClock()
  const customer = startCustomerApp(server, {}, createWxEnv(), clock)
  apps.push(customer)
  const page = chatPage()
  const conversationId = await conversationOnPage(page, customer)

  // In a lift: no network, and the link is gone.
  customer.env.setOnline(false)
  customer.env.sockets.tasks[customer.env.sockets.tasks.length - 1]!.ws.terminate()
  await waitFor(() => bannerText(page).includes('正在重连'), 'the reconnecting banner')
  typeAndSend(page, '一分钟没有网络')
  await waitFor(() => mine(page, '一分钟没有网络')?.status === 'sending', '发送中')
  // 60 s pass for the socket (sendTimeout is 15 s, but it counts only open-link time).
  for (let s = 0; s < 60; s++) clock.advance(1000)
  await new Promise((resolve) => setImmediate(resolve))
  expect(mine(page, '一分钟没有网络')?.status).toBe('sending')
  expect(customer.service.socket?.pending).toBeGreaterThanOrEqual(1)

  customer.env.setOnline(true) // network back: ChatSocket reconnects at once
  await waitFor(() => mine(page, '一分钟没有网络')?.status === 'sent', '已发送')
  const id = mine(page, '一分钟没有网络')!.id
  await waitFor(() => agent.messages.some((m) => m.id === id), 'the message at the agent')
  expect(await storedCopies(conversationId, id)).toBe(1)
})
