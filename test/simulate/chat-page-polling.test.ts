/**
 * The chat page (miniprogram-simulate) where WebSocket is refused: the customer's app reaches
 * the real reference server (in-process, port 0) only through a loopback TCP proxy that
 * answers 403 to every WebSocket upgrade and forwards plain HTTP, as some corporate and
 * carrier proxies do. With `transports: ['websocket', 'polling']` in the app's config, the
 * chat service's ChatSocket falls back to long-polling over `wx.request` (the test `wx`:
 * real HTTP to the proxy); the agent is on a direct WebSocket.
 */
import { connectAgent, startChatServer } from '../helpers/chat-server'
import type { ChatServer, TestAgent } from '../helpers/chat-server'
import { messagesOf, startCustomerApp, typeAndSend } from '../helpers/mp-app'
import type { CustomerApp } from '../helpers/mp-app'
import { openPage } from '../helpers/mp-page'
import type { OpenPage } from '../helpers/mp-page'
import { waitFor } from '../helpers/wait-for'
import { startUpgradeProxy } from '../polling/helpers/upgrade-proxy'
import type { UpgradeProxy } from '../polling/helpers/upgrade-proxy'

jest.setTimeout(60_000)

// A loaded machine: polling adds requests per message; the waits are for events, with room.
const WAIT = 20_000

let server: ChatServer
let proxy: UpgradeProxy
let agent: TestAgent
let customer: CustomerApp | null = null
let page: OpenPage | null = null

beforeAll(async () => {
  // A short hold, so a held GET left by the closed app is answered soon after the test.
  server = await startChatServer({ pollingHold: 2000 })
  proxy = await startUpgradeProxy(server.port)
  agent = await connectAgent(server)
})

afterAll(async () => {
  page?.close()
  customer?.dispose()
  agent.close()
  await proxy.close()
  await server.close()
})

describe('chat page behind a proxy that refuses WebSocket upgrades', () => {
  it('falls back to long-polling over wx.request: the customer sends and receives, each message once', async () => {
    const origin = `http://127.0.0.1:${proxy.port}`
    customer = startCustomerApp(server, { server: origin, transports: ['websocket', 'polling'] })
    const transports: Array<{ from: string; to: string }> = []
    page = openPage('pages/chat/chat')
    const socket = customer.service.socket
    if (socket === null) throw new Error('the page did not start the chat service')
    socket.on('transport', (t) => transports.push(t))
    const opened = page
    await waitFor(() => opened.instance.data.ready === true && opened.instance.data.loaded === true, 'the conversation on the page', WAIT)
    const conversationId = customer.service.session?.client?.id
    if (conversationId === undefined) throw new Error('no conversation client')

    // The upgrade was refused by the proxy, and the chat runs on polling through wx.request.
    expect(socket.transport).toBe('polling')
    expect(transports).toEqual([{ from: 'websocket', to: 'polling' }])
    expect(proxy.refused).toBeGreaterThanOrEqual(1)
    expect(customer.env.sockets.tasks.every((task) => task.ws.readyState !== task.ws.OPEN)).toBe(true)
    expect(customer.env.requests.some((r) => r === 'GET /ws')).toBe(true)

    // Customer → agent.
    typeAndSend(page, '你好，我这里打不开 WebSocket')
    await waitFor(() => agent.messages.some((m) => m.text === '你好，我这里打不开 WebSocket'), 'the message at the agent', WAIT)
    const mine = () => messagesOf(opened).find((m) => m.mine && m.text === '你好，我这里打不开 WebSocket')
    await waitFor(() => mine()?.status === 'sent', '已发送', WAIT)
    expect(customer.env.requests.some((r) => r === 'POST /ws')).toBe(true)

    // Agent → customer, pushed through the held poll.
    await agent.say(conversationId, '没关系，轮询也能聊')
    await waitFor(() => opened.text().includes('没关系，轮询也能聊'), 'the reply on the page', WAIT)
    expect(messagesOf(page).find((m) => m.text === '没关系，轮询也能聊')).toMatchObject({ mine: false, role: 'agent' })

    // The agent reads: my message turns 已读 (a server push on polling).
    const seq = Math.max(...agent.messages.filter((m) => m.conversationId === conversationId).map((m) => m.seq))
    await agent.socket.send({ type: 'read', conversationId, seq })
    await waitFor(() => mine()?.status === 'read', '已读', WAIT)

    // Once each, at the agent and on the page; still on polling.
    expect(agent.messages.filter((m) => m.text === '你好，我这里打不开 WebSocket')).toHaveLength(1)
    const ids = messagesOf(page).map((m) => m.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(socket.transport).toBe('polling')
  })
})
