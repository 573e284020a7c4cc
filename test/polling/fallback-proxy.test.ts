import WebSocket from 'ws'
import { ChatSocket, createFetchRequest, createNodeConnectSocket, type Frame } from '../../src'
import { connectAgent, startChatServer, type ChatServer, type TestAgent } from '../helpers/chat-server'
import { postJson } from '../helpers/http'
import { waitFor } from '../helpers/wait-for'
import { startUpgradeProxy, type UpgradeProxy } from './helpers/upgrade-proxy'

jest.setTimeout(60_000)

interface Pushed {
  id: string
  seq: number
  text?: string
  from: { role: string }
}

/**
 * A customer behind a proxy that refuses WebSocket upgrades (answers 403 to any request with
 * `Upgrade:`, forwards plain HTTP) and an agent on a direct WebSocket, on the real server.
 */
describe('ChatSocket behind a proxy that refuses WebSocket upgrades', () => {
  let server: ChatServer
  let proxy: UpgradeProxy
  let agent: TestAgent
  let customer: ChatSocket
  const transports: Array<{ from: string; to: string }> = []
  const pushed: Pushed[] = []

  beforeAll(async () => {
    server = await startChatServer({ pollingHold: 2000 })
    proxy = await startUpgradeProxy(server.port)
    agent = await connectAgent(server)
    const login = await postJson(`${server.url}/api/login`, { code: 'behind-a-proxy' })
    const token = (login.body as { token: string }).token
    customer = new ChatSocket({
      url: proxy.wsUrl(`/ws?token=${encodeURIComponent(token)}`),
      connectSocket: createNodeConnectSocket(WebSocket),
      transports: ['websocket', 'polling'],
      request: createFetchRequest(),
      probeInterval: 100,
      lifecycle: false,
      reconnect: { minDelay: 20, maxDelay: 100, minUptime: 100 },
    })
    customer.on('transport', (t) => transports.push(t))
    customer.on('message', (frame: Frame) => {
      if (frame.type === 'message') pushed.push(frame.message as Pushed)
    })
  })
  afterAll(async () => {
    customer.close()
    agent.close()
    await proxy.close()
    await server.close()
  })

  const agentTexts = (prefix: string) => pushed.filter((m) => m.from.role === 'agent' && m.text?.startsWith(prefix)).map((m) => m.text)
  const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`)

  it('falls back to polling at the refused upgrade, chats both ways through a restart, and moves back to WebSocket mid-conversation', async () => {
    await customer.connect()
    expect(customer.transport).toBe('polling')
    expect(transports).toEqual([{ from: 'websocket', to: 'polling' }])
    expect(proxy.refused).toBeGreaterThanOrEqual(1)
    const { conversation } = await customer.request<{ conversation: { id: string } }>({ type: 'open' })
    const conv = conversation.id
    await agent.frameWhere((f) => f.type === 'conversation' && (f.conversation as { id: string }).id === conv, 'the new conversation')

    // 1. Both ways on polling.
    const acks: Array<Promise<unknown>> = []
    for (let i = 1; i <= 10; i++) {
      acks.push(customer.send({ type: 'message', conversationId: conv, kind: 'text', text: `c${i}` }))
      acks.push(agent.say(conv, `a${i}`))
    }
    await Promise.all(acks)
    await waitFor(() => agentTexts('a').length === 10, 'ten agent messages pushed by polling')
    expect(agentTexts('a')).toEqual(range('a', 1, 10))
    await waitFor(() => agent.messages.filter((m) => m.text?.startsWith('c')).length === 10, 'ten customer messages at the agent')

    // 2. A server restart while both keep sending: the customer's sends wait and go again on a new session.
    const during: Array<Promise<unknown>> = []
    await server.stop()
    for (let i = 11; i <= 15; i++) during.push(customer.send({ type: 'message', conversationId: conv, kind: 'text', text: `c${i}` }))
    await server.restart()
    for (let i = 11; i <= 15; i++) during.push(agent.say(conv, `a${i}`))
    await Promise.all(during)
    expect(customer.transport).toBe('polling')

    // 3. The proxy lets upgrades through: the customer moves to WebSocket while messages flow both ways.
    const before = pushed.length
    let i = 16
    const flowing: Array<Promise<unknown>> = []
    proxy.allowUpgrades = true
    while (customer.transport !== 'websocket' || i <= 25) {
      flowing.push(customer.send({ type: 'message', conversationId: conv, kind: 'text', text: `c${i}` }))
      flowing.push(agent.say(conv, `a${i}`))
      i++
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (i > 2000) throw new Error('no upgrade after 2,000 messages')
    }
    await Promise.all(flowing)
    const last = i - 1
    expect(transports).toEqual([
      { from: 'websocket', to: 'polling' },
      { from: 'polling', to: 'websocket' },
    ])
    // Every agent message of phase 3 reached the customer once, in order, across the switch.
    await waitFor(() => agentTexts('a').length >= last - 5, 'the agent messages of phase 3')
    expect(
      pushed
        .slice(before)
        .filter((m) => m.from.role === 'agent')
        .map((m) => m.text),
    ).toEqual(range('a', 16, last))

    // Nothing pushed twice; the server holds each message once, in the order sent.
    expect(new Set(pushed.map((m) => m.id)).size).toBe(pushed.length)
    const { messages } = await customer.request<{ messages: Pushed[] }>({ type: 'sync', conversationId: conv, afterSeq: 0, limit: 200 })
    const texts = messages.filter((m) => m.from.role !== 'system').map((m) => m.text ?? '')
    expect(texts.filter((t) => t.startsWith('c'))).toEqual(range('c', 1, last))
    expect(texts.filter((t) => t.startsWith('a'))).toEqual(range('a', 1, last))
    // The agent saw each customer message once (pushes), in order.
    const atAgent = agent.messages.filter((m) => m.text?.startsWith('c')).map((m) => m.text)
    expect(new Set(atAgent).size).toBe(atAgent.length)
    expect(atAgent.filter((t) => Number(t?.slice(1)) >= 16)).toEqual(range('c', 16, last))
  })
})
