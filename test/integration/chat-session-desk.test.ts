/**
 * The chat logic over real SocketHandler (Node adapter) against the real reference server:
 * a customer session and an agent desk talk, the server restarts mid-conversation, and
 * nothing is lost or doubled.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { startServer, type RunningServer } from '../../server'
import { ChatSocket, createNodeConnectSocket } from '../../src'
import { AgentDesk, CustomerSession } from '../../src/chat'
import type { ChatSocketLike, ConversationClient, ListMessage, Sender } from '../../src/chat'

const PASSWORD = 'agent-password-1'

jest.setTimeout(20_000)

let dataDir: string
let server: RunningServer
let port = 0
const sockets: ChatSocket[] = []
const disposers: Array<() => void> = []

async function start(): Promise<void> {
  server = await startServer({
    port,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'silent',
    demoAgent: { password: PASSWORD },
    rateLimit: { rate: 1000, burst: 1000 },
  })
  port = server.port
}

async function login(route: string, body: unknown): Promise<string> {
  const res = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (res.status !== 200) throw new Error(`${route} answered ${res.status}`)
  const json = (await res.json()) as { token: string }
  return json.token
}

function connect(token: string): ChatSocket {
  const socket = new ChatSocket({
    url: () => `ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(token)}`,
    connectSocket: createNodeConnectSocket(WebSocket),
    lifecycle: false,
    reconnect: { minDelay: 50, maxDelay: 250, minUptime: 100 },
  })
  sockets.push(socket)
  return socket
}

async function waitFor(predicate: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function agentDesk(): Promise<AgentDesk> {
  const socket: ChatSocketLike = connect(await login('/api/agent/login', { username: 'demo', password: PASSWORD }))
  const desk = new AgentDesk({ socket })
  disposers.push(() => desk.dispose())
  await desk.start()
  return desk
}

async function customerSession(code: string): Promise<CustomerSession> {
  const session = new CustomerSession({ socket: connect(await login('/api/login', { code })) })
  disposers.push(() => session.dispose())
  await session.start()
  return session
}

const texts = (client: ConversationClient): Array<string | undefined> => client.messages.filter((m) => m.kind === 'text').map((m) => m.text)
const seqs = (client: ConversationClient): Array<number | null> => client.messages.map((m) => m.seq)

function ascendingOnce(messages: readonly ListMessage[]): boolean {
  const ids = new Set(messages.map((m) => m.id))
  const seqList = messages.map((m) => m.seq)
  return ids.size === messages.length && seqList.every((s, i) => s !== null && (i === 0 || s === seqList[i - 1]! + 1))
}

beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-logic-'))
  port = 0
  await start()
})

afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose()
  for (const socket of sockets.splice(0)) socket.close()
  await server.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('customer session and agent desk on the reference server', () => {
  it('routes a conversation to the agent, carries messages, typing and read receipts both ways', async () => {
    const desk = await agentDesk()
    const session = await customerSession('integration-1')
    expect(session.status).toBe('none')

    const customerChat = await session.open()
    expect(session.status).toBe('assigned')
    await waitFor(() => desk.conversations.length === 1, 'the conversation on the desk')
    const conversationId = customerChat.id
    expect(desk.conversations[0]!.conversation).toMatchObject({ id: conversationId, status: 'assigned' })

    await expect(customerChat.sendText('你好，我的订单没到')).resolves.toMatchObject({ status: 'sent', seq: expect.any(Number) })
    await waitFor(() => desk.conversations[0]!.unread === 1, 'unread on the desk')
    expect(desk.conversations[0]!.preview).toBe('你好，我的订单没到')

    const agentChat = desk.client(conversationId)
    await waitFor(() => agentChat.state.loaded, 'the agent history')
    expect(texts(agentChat)).toEqual(['你好，我的订单没到'])

    // Typing, agent → customer.
    const typing: Array<Sender | null> = []
    customerChat.on('typing', (who) => typing.push(who))
    agentChat.typing()
    await waitFor(() => typing.length === 1, 'the typing indicator')
    expect(typing[0]).toMatchObject({ role: 'agent' })

    // The reply accepts the conversation; it reaches the customer and clears the indicator.
    await expect(agentChat.sendText('您好，我来查一下')).resolves.toMatchObject({ status: 'sent' })
    await waitFor(() => texts(customerChat).includes('您好，我来查一下'), 'the reply at the customer')
    expect(customerChat.peerTyping).toBeNull()
    await waitFor(() => session.status === 'open', 'the conversation open')

    // Read receipts: the agent reads, the customer's message turns read.
    await agentChat.markRead()
    await waitFor(() => customerChat.messages.find((m) => m.mine)?.status === 'read', 'read at the customer')
    expect(desk.conversations[0]!.unread).toBe(0)

    expect(ascendingOnce(customerChat.messages)).toBe(true)
    expect(ascendingOnce(agentChat.messages)).toBe(true)
  })

  it('survives a server restart: a message typed meanwhile goes out once, both sides sync and re-fetch', async () => {
    const desk = await agentDesk()
    const session = await customerSession('integration-2')
    const customerChat = await session.open()
    await customerChat.sendText('第一条')
    await waitFor(() => desk.conversations.length === 1, 'the conversation on the desk')
    const agentChat = desk.client(customerChat.id)
    await waitFor(() => agentChat.state.loaded && agentChat.messages.length >= 1, 'the agent history')
    await agentChat.sendText('收到')
    await waitFor(() => texts(customerChat).includes('收到'), 'the reply')

    const readies: string[] = []
    desk.on('ready', () => readies.push('desk'))
    session.on('ready', () => readies.push('customer'))

    await server.close()
    await waitFor(() => sockets.every((s) => s.state === 'reconnecting'), 'both sockets reconnecting')
    const offline = customerChat.sendText('断网时发的')
    expect(customerChat.messages[customerChat.messages.length - 1]).toMatchObject({ text: '断网时发的', status: 'sending', seq: null })

    await start() // same port, same data
    await expect(offline).resolves.toMatchObject({ status: 'sent', seq: expect.any(Number) })
    await waitFor(() => texts(agentChat).includes('断网时发的'), 'the offline message at the agent')
    await waitFor(() => readies.length === 2, 'both sessions re-fetched')
    await waitFor(() => !agentChat.state.syncing && !customerChat.state.syncing, 'syncs done')

    const expected = ['第一条', '收到', '断网时发的']
    expect(texts(customerChat)).toEqual(expected)
    expect(texts(agentChat)).toEqual(expected)
    expect(seqs(customerChat)).toEqual(seqs(agentChat))
    expect(ascendingOnce(customerChat.messages)).toBe(true)
    expect(ascendingOnce(agentChat.messages)).toBe(true)
    expect(desk.conversations.map((e) => e.conversation.id)).toEqual([customerChat.id])
  })

  it('pages older history and syncs what was missed while a client was away', async () => {
    const session = await customerSession('integration-3')
    const chat = await session.open()
    for (let i = 1; i <= 45; i++) await chat.sendText(`消息 ${i}`)

    // A second device of the same customer: newest page first, then older ones.
    const other = new CustomerSession({
      socket: connect(await login('/api/login', { code: 'integration-3' })),
      client: { historyPageSize: 20 },
    })
    disposers.push(() => other.dispose())
    await other.start()
    const otherChat = other.client!
    await waitFor(() => otherChat.state.loaded, 'the newest page')
    const total = chat.messages.length
    expect(otherChat.messages).toHaveLength(20)
    expect(otherChat.state.hasMore).toBe(true)
    while (await otherChat.loadOlder());
    expect(otherChat.messages).toHaveLength(total)
    expect(ascendingOnce(otherChat.messages)).toBe(true)

    // My messages from the other device arrive as pushes there.
    await chat.sendText('另一台设备也能看到')
    await waitFor(() => otherChat.messages.length === total + 1, 'the push on the second device')
    expect(otherChat.messages[total]).toMatchObject({ mine: true, status: 'sent', text: '另一台设备也能看到' })
  })

  it('lets an agent accept a queued conversation and close it', async () => {
    const session = await customerSession('integration-4')
    const chat = await session.open()
    expect(session.status).toBe('queued') // no agent online
    await waitFor(() => chat.state.loaded && chat.messages.some((m) => m.kind === 'system'), 'the queued notice')

    const desk = await agentDesk()
    // Coming online hands out the queue: the conversation is assigned to the agent.
    await waitFor(() => desk.conversations.length === 1 || desk.queue.length === 1, 'the conversation at the desk')
    await desk.accept(chat.id) // from the queue, or the assignment it got on coming online
    await waitFor(() => session.status === 'open', 'accepted at the customer')

    await desk.close(chat.id)
    await waitFor(() => session.status === 'closed', 'closed at the customer')
    expect(desk.conversations).toEqual([])
    const next = await session.open()
    expect(next.id).not.toBe(chat.id)
    expect(session.status).toBe('assigned')
  })
})
