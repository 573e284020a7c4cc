/**
 * Issue 9, defect 7: the per-agent cap on assigned + open conversations
 * (MAX_CONVERSATIONS_PER_AGENT) on each routing path: a new conversation over the cap waits in
 * the queue and is handed out when the agent has room again (a close), and a transfer to an
 * agent at the cap is refused with CONFLICT instead of going over it.
 */
import { startTestServer, type TestServer } from './helpers/server-harness'
import { type TestClient, trackClients } from './helpers/ws-client'

jest.setTimeout(30_000)

describe('per-agent conversation cap (defect 7)', () => {
  let server: TestServer
  const clients = trackClients()
  const connect = (token: string): Promise<TestClient> => clients.connect(server.wsUrl, token)

  beforeEach(async () => {
    server = await startTestServer({ dataDir: ':memory:', maxConversationsPerAgent: 2 })
  })
  afterEach(async () => {
    await clients.closeAll()
    await server.stop()
  })

  it('queues a conversation over the cap and hands it out when one closes', async () => {
    const agent = await connect((await server.loginAgent()).token)
    const ids: string[] = []
    for (const code of ['cap-1', 'cap-2']) {
      const customer = await connect((await server.loginCustomer(code)).token)
      const assigned = customer.event('assigned')
      const ack = await customer.call({ type: 'message', kind: 'text', text: '你好' })
      await assigned
      ids.push(ack.conversationId as string)
    }
    const third = await connect((await server.loginCustomer('cap-3')).token)
    const queued = third.event('queued')
    const ack = await third.call({ type: 'message', kind: 'text', text: '排队' })
    await queued
    const session = await agent.request<{ conversations: Array<{ id: string }>; queue: Array<{ id: string }> }>({ type: 'session' })
    expect(session.conversations.map((c) => c.id).sort()).toEqual([...ids].sort())
    expect(session.queue.map((c) => c.id)).toEqual([ack.conversationId])

    const handedOut = third.event('assigned', ack.conversationId as string)
    await agent.request({ type: 'close', conversationId: ids[0] })
    await handedOut
  })

  it('refuses a transfer to an agent at the cap with CONFLICT', async () => {
    await server.accounts.addAgent({ username: 'wang', password: 'wang-password', name: '小王' })
    const wangLogin = await server.loginAgent('wang', 'wang-password')
    const wang = await connect(wangLogin.token)
    for (const code of ['full-1', 'full-2']) {
      const customer = await connect((await server.loginCustomer(code)).token)
      const assigned = customer.event('assigned')
      await customer.call({ type: 'message', kind: 'text', text: '你好' })
      await assigned
    }
    // Both went to wang, the only agent online; demo comes online after.
    const demo = await connect((await server.loginAgent()).token)
    const customer = await connect((await server.loginCustomer('full-3')).token)
    const assigned = customer.event('assigned')
    const ack = await customer.call({ type: 'message', kind: 'text', text: '转给小王' })
    await assigned
    const answer = await demo.call({ type: 'transfer', conversationId: ack.conversationId, toAgentId: wangLogin.user.id })
    expect(answer.error).toEqual({
      code: 'CONFLICT',
      message: 'agent 小王 already has 2 conversations (MAX_CONVERSATIONS_PER_AGENT)',
    })
    const session = await wang.request<{ conversations: unknown[] }>({ type: 'session' })
    expect(session.conversations).toHaveLength(2)
  })
})
