/**
 * How the chat page spends `setData` and listeners, against the real reference server:
 * history paging on scroll to top, the cost of appending one message with 10 and 1,000
 * in the list, batching, nothing while hidden, and 100 open/close cycles without leaks.
 */
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { conversationOnPage, messagesOf, startCustomerApp } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { find, openPage, payloadBytes, settle } from '../helpers/mp-page'
import type { OpenPage } from '../helpers/mp-page'
import { anchorOf } from '../../miniprogram/pages/chat/message-view'
import { waitFor } from '../helpers/wait-for'

jest.setTimeout(60_000)

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

async function readyChat(customer: CustomerApp): Promise<{ page: OpenPage; conversationId: string }> {
  const page = chatPage()
  return { page, conversationId: await conversationOnPage(page, customer) }
}

/** The agent says `count` things, pipelined (ChatSocket keeps them in order). */
async function burst(conversationId: string, count: number, prefix: string): Promise<void> {
  const sends: Array<Promise<unknown>> = []
  for (let i = 1; i <= count; i++) sends.push(agent.say(conversationId, `${prefix} ${i}`))
  await Promise.all(sends)
}

beforeAll(async () => {
  server = await startChatServer()
})

beforeEach(async () => {
  agent = await connectAgent(server)
})

afterEach(() => {
  for (const page of pages.splice(0)) page.close()
  for (const customer of apps.splice(0)) customer.dispose()
  agent.close()
})

afterAll(async () => {
  await server.close()
})

it('pages in older history on scrolling to the top, keeping the message that was on top in view', async () => {
  // The customer opens a conversation, leaves the app; the agent writes 50 messages.
  const first = startCustomerApp(server, { historyPageSize: 20 })
  apps.push(first)
  const { conversationId } = await readyChat(first)
  pages.pop()?.close()
  first.dispose()
  await burst(conversationId, 50, '历史消息')

  // The app starts again with the stored token: the same customer, a fresh client.
  const again = startCustomerApp(server, { historyPageSize: 20 }, first.env)
  apps.push(again)
  const { page } = await readyChat(again)
  const texts = () => messagesOf(page).map((m) => m.text)
  expect(messagesOf(page)).toHaveLength(20)
  expect(texts()[19]).toBe('历史消息 50')
  expect(page.instance.data.hasMore).toBe(true)

  find(page.comp, '#list').dispatchEvent('scrolltoupper')
  await waitFor(() => messagesOf(page).length === 40, 'the second page')
  expect(texts()[20]).toBe('历史消息 31')
  // The message that was on top stays in view, by its id (an index would now point elsewhere).
  expect(page.instance.data.scrollInto).toBe(anchorOf(messagesOf(page)[20]!.id))

  find(page.comp, '#list').dispatchEvent('scrolltoupper')
  await waitFor(() => page.instance.data.hasMore === false && page.instance.data.loadingOlder === false, 'the last page')
  // 50 messages and the system notice of the assignment.
  expect(messagesOf(page)).toHaveLength(51)
  expect(messagesOf(page)[0]!.kind).toBe('system')
  expect(texts()[1]).toBe('历史消息 1')
  expect(page.text()).toContain('没有更多消息了')

  // At the top with nothing older: no request goes out.
  const task = again.env.sockets.tasks[again.env.sockets.tasks.length - 1]!
  const sent: string[] = []
  const send = task.send.bind(task)
  task.send = (options) => {
    sent.push(typeof options.data === 'string' ? options.data : Buffer.from(options.data).toString('utf8'))
    send(options)
  }
  find(page.comp, '#list').dispatchEvent('scrolltoupper')
  await settle()
  expect(page.instance.data.loadingOlder).toBe(false)
  expect(sent.filter((data) => data.includes('"history"'))).toEqual([])
})

it('appending an incoming message costs the same setData bytes with 10 and with 550 messages in the list', async () => {
  const customer = startCustomerApp(server, { historyPageSize: 100 })
  apps.push(customer)
  const { page, conversationId } = await readyChat(customer)
  const length = () => messagesOf(page).length
  // The assignment notice is there; the agent fills the list up to 10.
  await burst(conversationId, 10 - length(), '填充')
  await waitFor(() => length() === 10, '10 messages on the page')

  /** The setData that rendered the agent's message `id`: one path into the last block. */
  const appendOne = async (id: string): Promise<Record<string, unknown>> => {
    const index = length()
    const before = page.calls.length
    await agent.say(conversationId, '这是一条用来测量的消息', id)
    await waitFor(() => length() === index + 1, `message ${id} on the page`)
    const calls = page.calls.slice(before).filter((call) => Object.values(call).some((v) => (v as { id?: string } | null)?.id === id))
    expect(calls).toHaveLength(1)
    return calls[0]!
  }
  const itemPath = (call: Record<string, unknown>) => Object.keys(call).find((k) => /^blocks\.\w+\[\d+\]$/.test(k))

  const at10 = await appendOne('probe-0001')
  expect(Object.keys(at10).sort()).toEqual([itemPath(at10), 'count', 'scrollInto'].sort())
  expect(itemPath(at10)).toMatch(/\[10\]$/)

  // 539 more arrive live, as a burst: batched, and never the whole list.
  const before = page.calls.length
  await burst(conversationId, 539, '消息')
  await waitFor(() => length() === 550, '550 messages on the page', 20_000)
  const burstCalls = page.calls.slice(before)
  expect(burstCalls.every((call) => !('blocks' in call))).toBe(true)
  expect(burstCalls.length).toBeLessThan(539)
  // Each write holds at most one block's worth of messages.
  expect(Math.max(...burstCalls.map(payloadBytes))).toBeLessThan(100 * 600)

  const at550 = await appendOne('probe-0002')
  expect(Object.keys(at550).sort()).toEqual([itemPath(at550), 'count', 'scrollInto'].sort())
  // Only digits differ (the block id, the offset, the count): a few bytes, not the list.
  expect(Math.abs(payloadBytes(at550) - payloadBytes(at10))).toBeLessThan(8)
  expect({ ...(at550[itemPath(at550)!] as object), id: '', anchor: '' }).toEqual({
    ...(at10[itemPath(at10)!] as object),
    id: '',
    anchor: '',
  })
})

it('makes no setData while hidden, and one for everything that piled up when shown again', async () => {
  const customer = startCustomerApp(server)
  apps.push(customer)
  const { page, conversationId } = await readyChat(customer)
  const start = messagesOf(page).length

  page.instance.onHide()
  const before = page.calls.length
  await burst(conversationId, 5, '后台消息')
  const client = customer.service.session?.client
  await waitFor(() => (client?.messages.length ?? 0) === start + 5, 'the messages in the client')
  expect(page.calls.length).toBe(before)

  page.instance.onShow()
  expect(page.calls.length).toBe(before + 1)
  const shown = page.calls[before]!
  // Five paths into the blocks (the last one's free places, then a new block), never the whole list.
  expect('blocks' in shown).toBe(false)
  const written = Object.entries(shown)
    .filter(([k]) => k.startsWith('blocks.'))
    .flatMap(([, v]) => (Array.isArray(v) ? (v as Array<{ text?: string }>) : [v as { text?: string }]))
  expect(written.map((m) => m.text)).toEqual([1, 2, 3, 4, 5].map((i) => `后台消息 ${i}`))
  expect(
    messagesOf(page)
      .slice(start)
      .map((m) => m.text),
  ).toEqual([1, 2, 3, 4, 5].map((i) => `后台消息 ${i}`))
})

it('opening and closing the chat page 100 times leaves no listeners, timers or sockets behind', async () => {
  const customer = startCustomerApp(server)
  apps.push(customer)
  const { page, conversationId } = await readyChat(customer)
  page.close()
  pages.pop()

  const socket = customer.service.socket
  const session = customer.service.session
  const client = session?.client
  if (socket === null || session === null || client === null || client === undefined) throw new Error('not started')
  const baseline = {
    socket: socket.listenerCount(),
    service: customer.service.listenerCount(),
    session: session.listenerCount(),
    client: client.listenerCount(),
    lifecycle: customer.env.lifecycleListeners(),
    tasks: customer.env.sockets.tasks.length,
  }
  expect(baseline.tasks).toBe(1)

  for (let i = 1; i <= 100; i++) {
    const cycle = chatPage()
    expect(cycle.instance.data.ready).toBe(true)
    if (i % 20 === 0) {
      // Now and then something arrives while the page is open.
      const count = messagesOf(cycle).length
      await agent.say(conversationId, `第 ${i} 次打开`)
      await waitFor(() => messagesOf(cycle).length === count + 1, `the message in cycle ${i}`)
    }
    cycle.close()
    pages.pop()
  }

  expect({
    socket: socket.listenerCount(),
    service: customer.service.listenerCount(),
    session: session.listenerCount(),
    client: client.listenerCount(),
    lifecycle: customer.env.lifecycleListeners(),
    tasks: customer.env.sockets.tasks.length,
  }).toEqual(baseline)
  // Messages that arrive after the last page closed set no data anywhere.
  await agent.say(conversationId, '页面关闭后')
  await waitFor(() => client.messages.some((m) => m.text === '页面关闭后'), 'the message in the client')
  expect(customer.env.sockets.violations).toEqual([])
})
