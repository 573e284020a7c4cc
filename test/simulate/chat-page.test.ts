/**
 * The chat page (official WXML compiler, miniprogram-simulate) against the real reference
 * server in-process on port 0: the customer's `wx.connectSocket` is the WeChat-faithful shim
 * over `ws`, `wx.request`/`uploadFile` are real HTTP, and the agent is a ChatSocket on the
 * Node adapter.
 */
import { PNG } from '../server/helpers/images'
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { httpRequest } from '../helpers/http'
import { bannerText, conversationOnPage, messagesOf, startCustomerApp, typeAndSend } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { find, openPage, tap } from '../helpers/mp-page'
import type { OpenPage } from '../helpers/mp-page'
import { anchorOf } from '../../miniprogram/pages/chat/message-view'
import { waitFor } from '../helpers/wait-for'

jest.setTimeout(30_000)

const CHAT = 'pages/chat/chat'

let server: ChatServer
let agent: TestAgent
const apps: CustomerApp[] = []
const pages: OpenPage[] = []

function app(config: Parameters<typeof startCustomerApp>[1] = {}): CustomerApp {
  const started = startCustomerApp(server, config)
  apps.push(started)
  return started
}

function chatPage(): OpenPage {
  const page = openPage(CHAT)
  pages.push(page)
  return page
}

async function readyChat(customer: CustomerApp): Promise<{ page: OpenPage; conversationId: string }> {
  const page = chatPage()
  return { page, conversationId: await conversationOnPage(page, customer) }
}

const mine = (page: OpenPage, text: string) => messagesOf(page).find((m) => m.mine && m.text === text)
const storedCopies = async (conversationId: string, id: string): Promise<number> => {
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

describe('chat page', () => {
  it('sends the customer’s text to the agent and shows the agent’s reply, with 已发送 then 已读', async () => {
    const customer = app()
    const { page, conversationId } = await readyChat(customer)
    expect(page.text()).toContain('常见问题')
    // The assignment notice opens the conversation, under a time separator.
    expect(messagesOf(page)[0]).toMatchObject({ kind: 'system', text: '客服 小美 为您服务' })
    expect(find(page.comp, '.time').dom?.textContent).toMatch(/^(今天|昨天) \d\d:\d\d$/)

    typeAndSend(page, '你好，我的订单还没到')
    await waitFor(() => agent.messages.some((m) => m.text === '你好，我的订单还没到'), 'the message at the agent')
    await waitFor(() => mine(page, '你好，我的订单还没到')?.status === 'sent', '已发送')
    expect(page.text()).toContain('已发送')

    // 对方正在输入…, cleared by the agent's message.
    await agent.socket.send({ type: 'typing', conversationId }, { ack: false })
    await waitFor(() => page.text().includes('对方正在输入…'), 'the typing indicator')

    await agent.say(conversationId, '您好，我来帮您查一下')
    await waitFor(() => page.text().includes('您好，我来帮您查一下'), 'the reply on the page')
    await waitFor(() => !page.text().includes('对方正在输入…'), 'the typing indicator gone')
    const reply = messagesOf(page).find((m) => m.text === '您好，我来帮您查一下')
    expect(reply).toMatchObject({ mine: false, role: 'agent', name: '小美', status: null })
    await waitFor(() => customer.env.titles.includes('客服 · 小美'), 'the agent in the title')

    // The agent reads: my message turns 已读.
    const seq = Math.max(...agent.messages.filter((m) => m.conversationId === conversationId).map((m) => m.seq))
    await agent.socket.send({ type: 'read', conversationId, seq })
    await waitFor(() => mine(page, '你好，我的订单还没到')?.status === 'read', '已读')
    expect(page.text()).toContain('已读')

    // The list never holds a message twice.
    const ids = messagesOf(page).map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('shows the end of a conversation the agent closed once, with 重新咨询 that starts a new one', async () => {
    const customer = app()
    const { page, conversationId } = await readyChat(customer)
    await agent.socket.request({ type: 'close', conversationId })
    await waitFor(() => page.instance.data.closed === true, 'the closed conversation')
    await waitFor(() => page.text().includes('会话已结束'), "the server's system notice")
    // One notice (the system line), not a banner, a line and a footer saying the same.
    expect(page.text().match(/结束/g)).toHaveLength(1)
    expect(page.comp.querySelector('.notice')).toBeUndefined()
    expect(find(page.comp, '.reopen').dom?.textContent).toBe('重新咨询')
    expect(page.comp.querySelector('#input')).toBeUndefined()

    tap(find(page.comp, '.reopen'))
    await waitFor(
      () => page.instance.data.closed === false && customer.service.session?.client?.id !== conversationId,
      'a new conversation',
    )
    const next = customer.service.session?.client?.id
    typeAndSend(page, '我还有一个问题')
    await waitFor(
      () => agent.messages.some((m) => m.text === '我还有一个问题' && m.conversationId === next),
      'the message in the new conversation',
    )
  })

  it('moves the input bar up with the keyboard and back down when it closes', async () => {
    const customer = app()
    const { page } = await readyChat(customer)
    const field = find(find(page.comp, '#input'), '.field')
    field.dispatchEvent('keyboardheightchange', { detail: { height: 300, duration: 0.2 } })
    await waitFor(() => page.instance.data.keyboardHeight === 300, 'the keyboard height')
    expect(find(page.comp, '.page').dom?.getAttribute('style')).toContain('padding-bottom: 300px')
    expect(page.instance.data.scrollInto).toBe(anchorOf(messagesOf(page)[messagesOf(page).length - 1]!.id))
    field.dispatchEvent('blur', { detail: { value: '' } })
    await waitFor(() => page.instance.data.keyboardHeight === 0, 'the keyboard gone')
  })

  it('sends a quick reply chip as a message', async () => {
    const customer = app()
    const { page } = await readyChat(customer)
    const chip = page.comp.querySelectorAll('.chip')[1]!
    const text = chip.dom?.textContent ?? ''
    expect(text).toBe('如何申请退款？')
    tap(chip)
    await waitFor(() => agent.messages.some((m) => m.text === text), 'the chip text at the agent')
    await waitFor(() => mine(page, text)?.status === 'sent', 'the chip message 已发送')
  })

  it('survives a server restart: 正在重连, then 已连接, and a message typed meanwhile reaches the agent once as 已发送', async () => {
    const customer = app()
    const { page, conversationId } = await readyChat(customer)
    typeAndSend(page, '第一条')
    await waitFor(() => mine(page, '第一条')?.status === 'sent', 'the first message sent')

    await server.stop()
    await waitFor(() => bannerText(page).includes('正在重连'), 'the reconnecting banner')
    expect(bannerText(page)).toBe('网络已断开，正在重连…')

    typeAndSend(page, '断线时发送的消息')
    await waitFor(() => mine(page, '断线时发送的消息') !== undefined, 'the offline message on the page')
    const offline = mine(page, '断线时发送的消息')
    expect(offline?.status).toBe('sending')
    await waitFor(() => page.text().includes('发送中'), '发送中 rendered')

    await server.restart()
    await waitFor(() => bannerText(page) === '已连接', 'the connected banner')
    await waitFor(() => mine(page, '断线时发送的消息')?.status === 'sent', 'the offline message sent')
    expect(mine(page, '断线时发送的消息')?.id).toBe(offline?.id)

    // Exactly once: stored once, pushed to the agent at most once, shown once.
    await waitFor(() => agent.socket.state === 'open', 'the agent back online')
    expect(await storedCopies(conversationId, offline?.id ?? '')).toBe(1)
    expect(agent.messages.filter((m) => m.id === offline?.id).length).toBeLessThanOrEqual(1)
    expect(messagesOf(page).filter((m) => m.text === '断线时发送的消息')).toHaveLength(1)
    expect(customer.env.sockets.violations).toEqual([])
  })

  it('syncs what the agent said while the phone was offline, once', async () => {
    const customer = app()
    const { page, conversationId } = await readyChat(customer)
    // The network goes away (ChatSocket waits for it instead of retrying) and the link drops.
    customer.env.setOnline(false)
    customer.env.sockets.tasks[customer.env.sockets.tasks.length - 1]!.ws.terminate()
    await waitFor(() => bannerText(page).includes('正在重连'), 'the reconnecting banner')

    await agent.say(conversationId, '您离线时我发的消息')
    customer.env.setOnline(true)
    await waitFor(() => page.text().includes('您离线时我发的消息'), 'the missed message after the sync')
    await waitFor(() => bannerText(page) === '已连接', 'the connected banner')
    expect(messagesOf(page).filter((m) => m.text === '您离线时我发的消息')).toHaveLength(1)
  })

  it('shows 发送失败 when a send found no link for offlineTimeout, and tapping it resends with the same id', async () => {
    // The window for a send without a link (24 h by default) made short; sendTimeout does not count offline time.
    const customer = app({ queue: { offlineTimeout: 300 } })
    const { page, conversationId } = await readyChat(customer)
    await server.stop()
    await waitFor(() => bannerText(page).includes('正在重连'), 'the reconnecting banner')

    typeAndSend(page, '这条会失败')
    await waitFor(() => mine(page, '这条会失败')?.status === 'failed', '发送失败')
    expect(page.text()).toContain('发送失败')
    const failedId = mine(page, '这条会失败')?.id ?? ''

    await server.restart()
    await waitFor(() => bannerText(page) === '已连接', 'the connected banner')
    const bubbles = page.comp.querySelectorAll('.message')
    const failedBubble = bubbles[messagesOf(page).findIndex((m) => m.id === failedId)]!
    tap(find(failedBubble, '.status'))
    await waitFor(() => mine(page, '这条会失败')?.status === 'sent', 'the resent message 已发送')

    expect(mine(page, '这条会失败')?.id).toBe(failedId)
    expect(await storedCopies(conversationId, failedId)).toBe(1)
    expect(messagesOf(page).filter((m) => m.text === '这条会失败')).toHaveLength(1)
  })

  it('sends a chosen image (chooseMedia → upload → image message) and previews it on tap', async () => {
    const customer = app()
    const { page } = await readyChat(customer)
    customer.env.media.push({ tempFilePath: customer.env.tempFile(PNG, 'png'), width: 1, height: 1 })

    tap(find(find(page.comp, '#input'), '.tool'))
    await waitFor(() => messagesOf(page).some((m) => m.kind === 'image' && m.status === 'sent'), 'the image message sent')
    const image = messagesOf(page).find((m) => m.kind === 'image')
    expect(image?.image).toMatch(new RegExp(`^${server.url}/uploads/[0-9a-f]{64}\\.png$`))
    await waitFor(() => agent.messages.some((m) => m.kind === 'image'), 'the image at the agent')
    expect((await httpRequest(image?.image ?? '')).status).toBe(200)

    const bubbles = page.comp.querySelectorAll('.message')
    tap(find(bubbles[messagesOf(page).indexOf(image ?? messagesOf(page)[0]!)]!, '.image-bubble'))
    await waitFor(() => customer.env.previews.length === 1, 'the preview')
    expect(customer.env.previews[0]).toEqual({ current: image?.image, urls: [image?.image] })
    customer.env.cleanup()
  })
})
