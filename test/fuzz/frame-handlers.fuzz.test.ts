/**
 * Issue 9, "Proving it": fuzzing every frame handler over real sockets of a real server. A
 * customer, a second customer and an agent send generated frames (well-formed ones aimed at real
 * conversations, messages and agents, broken ones, junk, binary) in batches; after each batch a
 * ping round trip proves every frame was handled. Whatever was sent: no answer is INTERNAL, no
 * socket is closed, nothing is logged at error level, and the server still serves a fresh login.
 * The frame rate limit is raised so that RATE_LIMITED does not hide the handlers.
 */
import fc from 'fast-check'
import { startTestServer, type TestServer } from '../server/helpers/server-harness'
import { TestClient, type Frame } from '../server/helpers/ws-client'
import { anyWire, type KnownIds, type Wire } from './frame-arbitraries'

jest.setTimeout(120_000)

describe('frame handler fuzzing (real server)', () => {
  let server: TestServer
  let errors: jest.SpyInstance
  let fatals: jest.SpyInstance
  const clients: TestClient[] = []
  const closes: Array<{ who: string; code: number }> = []
  const known: KnownIds = { conversations: [], messages: [], agents: [] }
  let customer: TestClient
  let other: TestClient
  let agent: TestClient

  const connect = async (who: string, token: string): Promise<TestClient> => {
    const client = await TestClient.connect(server.wsUrl, token)
    clients.push(client)
    void client.closed.then(({ code }) => closes.push({ who, code }))
    return client
  }

  beforeAll(async () => {
    server = await startTestServer({ dataDir: ':memory:', rateLimit: { rate: 1_000_000, burst: 1_000_000 } })
    errors = jest.spyOn(server.app.log, 'error')
    fatals = jest.spyOn(server.app.log, 'fatal')
    const agentLogin = await server.loginAgent()
    agent = await connect('agent', agentLogin.token)
    customer = await connect('customer', (await server.loginCustomer('fuzz-a')).token)
    other = await connect('other customer', (await server.loginCustomer('fuzz-b')).token)
    known.agents.push(agentLogin.user.id, (await server.loginCustomer('fuzz-c')).user.id)
    // Real conversations and messages for the well-formed frames to aim at: one assigned, one the agent accepted and answered.
    for (const [client, text] of [
      [customer, '你好'],
      [other, '在吗'],
    ] as const) {
      const ack = await client.call({ type: 'message', kind: 'text', text })
      known.conversations.push(ack.conversationId as string)
      known.messages.push(ack.id!)
    }
    await agent.request({ type: 'accept', conversationId: known.conversations[1] })
    const reply = await agent.call({ type: 'message', conversationId: known.conversations[1], kind: 'text', text: '您好' })
    known.messages.push(reply.id!)
  })

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
    await server?.stop()
  })

  const send = (client: TestClient, wire: Wire): void => {
    if ('binary' in wire) client.ws.send(wire.binary, { binary: true })
    else client.send(wire.text)
  }

  /** INTERNAL answers since `since` (each run checks its own frames, so that shrinking finds the frame that caused one). */
  const internalAnswers = (client: TestClient, since: number): Frame[] =>
    client.frames.slice(since).filter((f) => (f.type === 'reply' || f.type === 'error') && f.error?.code === 'INTERNAL')

  it('never answers INTERNAL, never closes a socket, never logs an error', async () => {
    const who = fc.constantFrom(0, 1, 2)
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(who, anyWire(known)), { minLength: 1, maxLength: 25 }), async (batch) => {
        const senders = [customer, other, agent]
        const marks = senders.map((client) => client.mark())
        errors.mockClear()
        fatals.mockClear()
        for (const [index, wire] of batch) send(senders[index]!, wire)
        await Promise.all(senders.map((client) => client.roundTrip()))
        expect(closes).toEqual([])
        senders.forEach((client, i) => expect(internalAnswers(client, marks[i]!)).toEqual([]))
        expect(errors.mock.calls).toEqual([])
        expect(fatals.mock.calls).toEqual([])
      }),
      { numRuns: 300 },
    )
    // Every kind of frame was answered along the way, and the server still serves a new client.
    const answered = new Set([customer, other, agent].flatMap((c) => c.frames.map((f) => f.type)))
    expect([...answered]).toEqual(expect.arrayContaining(['ack', 'reply', 'error', 'pong']))
    const late = await connect('late customer', (await server.loginCustomer('fuzz-late')).token)
    expect((await late.call({ type: 'message', kind: 'text', text: '还在吗' })).type).toBe('ack')
  })
})
