import type { Frame } from '../../src/types'
import { chatClient, gate, type ChatClient } from './helpers/chat-socket-client'
import { startTestServer, type TestServer } from './helpers/server-harness'

jest.setTimeout(30_000)

const isText = (text: string) => (f: Frame) => f.type === 'message' && (f.message as { text?: string }).text === text

/** The server with ChatSocket (the library) as the client, over the Node adapter. */
describe('ChatSocket against the server', () => {
  let server: TestServer
  const sockets: ChatClient[] = []

  beforeEach(async () => {
    server = await startTestServer({ dataDir: ':memory:' })
  })
  afterEach(async () => {
    for (const c of sockets.splice(0)) c.socket.close()
    await server.stop()
  })

  async function client(kind: 'customer' | 'agent', url: string | (() => Promise<string>) = server.wsUrl): Promise<ChatClient> {
    const { token } = kind === 'agent' ? await server.loginAgent() : await server.loginCustomer('cs-customer')
    const c = chatClient(url, () => token)
    sockets.push(c)
    await c.socket.connect()
    return c
  }

  it('carries messages customer → agent → customer, send() resolving with the ack', async () => {
    const agent = await client('agent')
    const customer = await client('customer')
    const { conversation } = await customer.socket.request<{ conversation: { id: string; status: string } }>({ type: 'open' })
    expect(conversation.status).toBe('assigned')
    const ack = await customer.socket.send({ type: 'message', conversationId: conversation.id, kind: 'text', text: '在吗' })
    expect(ack).toMatchObject({ type: 'ack', conversationId: conversation.id, seq: 2 })
    const atAgent = (await agent.push(isText('在吗'))).message as { id: string; seq: number }
    expect(atAgent).toMatchObject({ id: ack.id, seq: 2 })
    await agent.socket.send({ type: 'message', conversationId: conversation.id, kind: 'text', text: '在的' })
    await customer.push(isText('在的'))
  })

  it("rejects a request the server refuses with SocketError SERVER and the server's code", async () => {
    const customer = await client('customer')
    await expect(customer.socket.request({ type: 'accept', conversationId: 'conv_x' })).rejects.toMatchObject({
      code: 'SERVER',
      serverCode: 'FORBIDDEN',
    })
    await expect(customer.socket.request({ type: 'nope' })).rejects.toMatchObject({ serverCode: 'UNKNOWN_TYPE' })
    expect(customer.socket.state).toBe('open')
  })

  it('after a dropped link: queued sends go out once, in order, and sync returns exactly what was missed', async () => {
    const entry = gate()
    // The customer connects first: their link is the only one when we look, so we know which server socket is theirs.
    const customer = await client('customer', async () => {
      await entry.wait()
      return server.wsUrl
    })
    const customerSide = [...server.app.websocketServer.clients]
    expect(customerSide).toHaveLength(1)
    const agent = await client('agent')
    const { conversation } = await customer.socket.request<{ conversation: { id: string; lastSeq: number } }>({ type: 'open' })
    const seen = (await customer.socket.send({ type: 'message', conversationId: conversation.id, kind: 'text', text: 'before' }))
      .seq as number

    // Drop the customer's link from the server side and keep it down until the agent has talked.
    entry.close()
    const closed = customer.nextClose()
    for (const ws of customerSide) ws.terminate()
    expect(await closed).toMatchObject({ willReconnect: true })
    const missed: number[] = []
    for (const text of ['a1', 'a2', 'a3'])
      missed.push((await agent.socket.send({ type: 'message', conversationId: conversation.id, kind: 'text', text })).seq as number)
    // Meanwhile the customer keeps typing: these wait in ChatSocket's queue.
    const queued = ['c1', 'c2', 'c3'].map((text) =>
      customer.socket.send({ type: 'message', conversationId: conversation.id, kind: 'text', text }),
    )

    const reopened = customer.nextOpen()
    entry.open()
    await reopened
    const acks = await Promise.all(queued)
    const { messages, hasMore } = await customer.socket.request<{
      messages: Array<{ seq: number; text: string; from: { role: string } }>
      hasMore: boolean
    }>({ type: 'sync', conversationId: conversation.id, afterSeq: seen })
    expect(hasMore).toBe(false)
    expect(messages.filter((m) => m.from.role === 'agent').map((m) => m.seq)).toEqual(missed)
    expect(messages.filter((m) => m.from.role === 'customer').map((m) => m.text)).toEqual(['c1', 'c2', 'c3'])
    expect(messages.filter((m) => m.from.role === 'customer').map((m) => m.seq)).toEqual(acks.map((a) => a.seq))
    // Nothing missing, nothing twice: the seqs after `seen` are consecutive.
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 6 }, (_, i) => seen + 1 + i))
    for (const t of ['c1', 'c2', 'c3']) await agent.push(isText(t), t)
    expect(
      agent.pushes.filter((f) => f.type === 'message' && ['c1', 'c2', 'c3'].includes((f.message as { text: string }).text)),
    ).toHaveLength(3)
  })
})
