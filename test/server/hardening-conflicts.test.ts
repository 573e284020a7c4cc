/**
 * Issue 9, defect 3: a `message` reusing an id already stored in the customer's open
 * conversation (a system notice's, the agent's) without `conversationId` is CONFLICT, not an
 * INTERNAL error with a SQLite UNIQUE error in the log.
 */
import { startTestServer, type TestServer } from './helpers/server-harness'
import { type TestClient, trackClients } from './helpers/ws-client'

jest.setTimeout(30_000)

describe('message ids already used in the conversation (defect 3)', () => {
  let server: TestServer
  let errors: jest.SpyInstance
  const clients = trackClients()
  const connect = (token: string): Promise<TestClient> => clients.connect(server.wsUrl, token)

  beforeEach(async () => {
    server = await startTestServer({ dataDir: ':memory:' })
    errors = jest.spyOn(server.app.log, 'error')
  })
  afterEach(async () => {
    await clients.closeAll()
    await server.stop()
  })

  it("answers CONFLICT to a system notice's id, without conversationId", async () => {
    const customer = await connect((await server.loginCustomer('reuse-notice')).token)
    const first = await customer.call({ type: 'message', kind: 'text', text: '你好' })
    const history = await customer.request<{ messages: Array<{ id: string; from: { role: string } }> }>({
      type: 'history',
      conversationId: first.conversationId,
      beforeSeq: 0,
    })
    const notice = history.messages.find((m) => m.from.role === 'system')!
    expect(notice.id).toMatch(/^sys_/)
    const answer = await customer.call({ type: 'message', id: notice.id, kind: 'text', text: '冒充' })
    expect(answer.error).toEqual({ code: 'CONFLICT', message: 'this message id is already used by someone else in the conversation' })
    expect(errors).not.toHaveBeenCalled()
  })

  it("answers CONFLICT to the agent's message id, without conversationId", async () => {
    const agent = await connect((await server.loginAgent()).token)
    const customer = await connect((await server.loginCustomer('reuse-agent')).token)
    const assigned = agent.event('assigned')
    const first = await customer.call({ type: 'message', kind: 'text', text: '在吗' })
    await assigned
    const reply = await agent.call({ type: 'message', conversationId: first.conversationId, kind: 'text', text: '您好' })
    expect(reply.error).toBeUndefined()
    const answer = await customer.call({ type: 'message', id: reply.id, kind: 'text', text: '同一个 id' })
    expect(answer.error).toMatchObject({ code: 'CONFLICT' })
    // The customer's own id again is still a duplicate, acked with its seq.
    const again = await customer.call({ type: 'message', id: first.id, kind: 'text', text: '在吗' })
    expect(again).toMatchObject({ type: 'ack', seq: first.seq, duplicate: true })
    expect(errors).not.toHaveBeenCalled()
  })
})
