/**
 * Issue 9, defect 7: MAX_CONVERSATIONS_PER_AGENT on the hand-out paths (test/server/agent-cap.test.ts
 * has a new conversation, a close and a transfer): its default of 20, an agent coming online (on a
 * WebSocket and on long-polling) takes the queue only up to the cap, and the grace-period reroute
 * moves a conversation only to an agent with room, queueing the rest until a close makes room.
 */
import { startTestServer, type TestServer } from './helpers/server-harness'
import { type TestClient, trackClients } from './helpers/ws-client'
import { RawPoller } from '../polling/helpers/raw-poller'

jest.setTimeout(60_000)

type Session = { conversations: Array<{ id: string; status: string }>; queue: Array<{ id: string }> }

describe('per-agent conversation cap on every hand-out path (defect 7)', () => {
  let server: TestServer
  const clients = trackClients()
  const connect = (token: string): Promise<TestClient> => clients.connect(server.wsUrl, token)
  /** A customer's first message: its conversation id, once routing said `assigned` or `queued`. */
  const newConversation = async (code: string): Promise<{ customer: TestClient; id: string; event: string }> => {
    const customer = await connect((await server.loginCustomer(code)).token)
    const since = customer.mark()
    const ack = await customer.call({ type: 'message', kind: 'text', text: '你好' })
    const routed = await customer.waitFor((f) => f.type === 'conversation' && ['assigned', 'queued'].includes(f.event), 'routing', since)
    return { customer, id: ack.conversationId as string, event: routed.event as string }
  }

  afterEach(async () => {
    await clients.closeAll()
    await server.stop()
  })

  it('caps at 20 by default: the 21st conversation waits in the queue', async () => {
    server = await startTestServer({ dataDir: ':memory:' })
    const agent = await connect((await server.loginAgent()).token)
    const events: string[] = []
    for (let i = 0; i < 21; i++) events.push((await newConversation(`default-${i}`)).event)
    expect(events).toEqual([...Array<string>(20).fill('assigned'), 'queued'])
    const session = await agent.request<Session>({ type: 'session' })
    expect(session.conversations).toHaveLength(20)
    expect(session.queue).toHaveLength(1)
  })

  it('hands an agent coming online only as much of the queue as the cap allows', async () => {
    server = await startTestServer({ dataDir: ':memory:', maxConversationsPerAgent: 2 })
    const queued = [await newConversation('q-1'), await newConversation('q-2'), await newConversation('q-3')]
    expect(queued.map((q) => q.event)).toEqual(['queued', 'queued', 'queued'])
    const agent = await connect((await server.loginAgent()).token)
    // The agent's frames are handled after the hand-out their socket opening started.
    const session = await agent.request<Session>({ type: 'session' })
    expect(session.conversations.map((c) => c.id)).toEqual([queued[0]!.id, queued[1]!.id])
    expect(session.queue.map((c) => c.id)).toEqual([queued[2]!.id])
  })

  it('does the same for an agent online on long-polling', async () => {
    server = await startTestServer({ dataDir: ':memory:', maxConversationsPerAgent: 2, pollingHold: 300 })
    const queued = [await newConversation('p-1'), await newConversation('p-2'), await newConversation('p-3')]
    const poller = await RawPoller.open(`${server.url}/ws`, (await server.loginAgent()).token)
    try {
      const session = (await poller.call({ type: 'session' })).data as Session
      expect(session.conversations.map((c) => c.id)).toEqual([queued[0]!.id, queued[1]!.id])
      expect(session.queue.map((c) => c.id)).toEqual([queued[2]!.id])
    } finally {
      await poller.close()
    }
  })

  it('reroutes after the grace period only to an agent with room, and queues the rest', async () => {
    server = await startTestServer({ dataDir: ':memory:', maxConversationsPerAgent: 2, agentGraceMs: 200 })
    await server.accounts.addAgent({ username: 'wang', password: 'wang-password', name: '小王' })
    const demo = await connect((await server.loginAgent()).token)
    const first = await newConversation('g-1')
    const second = await newConversation('g-2')
    const wangLogin = await server.loginAgent('wang', 'wang-password')
    const wang = await connect(wangLogin.token)
    await wang.roundTrip()
    // demo is at the cap: the next one goes to 小王, who then has room for one more.
    const third = await newConversation('g-3')
    const thirdSession = await wang.request<Session>({ type: 'session' })
    expect(thirdSession.conversations.map((c) => c.id)).toEqual([third.id])

    const moved = first.customer.event('assigned', first.id)
    const waiting = second.customer.event('queued', second.id)
    await demo.close()
    expect((await moved).conversation.agent.id).toBe(wangLogin.user.id)
    await waiting
    const session = await wang.request<Session>({ type: 'session' })
    expect(session.conversations.map((c) => c.id).sort()).toEqual([first.id, third.id].sort())
    expect(session.queue.map((c) => c.id)).toEqual([second.id])

    // A close makes room: the queued one goes to 小王.
    const handedOut = second.customer.event('assigned', second.id)
    await wang.request({ type: 'close', conversationId: third.id })
    expect((await handedOut).conversation.agent.id).toBe(wangLogin.user.id)
  })
})
