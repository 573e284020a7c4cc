/**
 * Issue 9, defect 7: an agent's `session` reply is paged (300 conversations made one reply of
 * 131 KB). Against the real server: pages of `limit` conversations over `conversations` then
 * `queue`, with `hasMore` and a `cursor`; a conversation that leaves its list between pages skips
 * nothing; a bad cursor is BAD_REQUEST. AgentDesk (the console's) fetches every page, so the
 * desk shows all of them.
 */
import { AgentDesk } from '../../src/chat'
import { startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'
import { chatClient } from './helpers/chat-socket-client'

jest.setTimeout(60_000)

type Page = { conversations: Array<{ id: string }>; queue: Array<{ id: string }>; hasMore: boolean; cursor?: string }
const ids = (list: Array<{ id: string }>): string[] => list.map((c) => c.id)

describe('session paging (defect 7)', () => {
  let server: TestServer
  let agent: TestClient
  let agentToken: string
  /** Ids of the agent's conversations and of the queue, oldest first. */
  const mine: string[] = []
  const queued: string[] = []

  /** `n` customers each start a conversation (routing files it as mine or queued); their sockets are closed after. */
  async function conversations(n: number, tag: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const customer = await TestClient.connect(server.wsUrl, (await server.loginCustomer(`${tag}-${i}`)).token)
      const since = customer.mark()
      const ack = await customer.call({ type: 'message', kind: 'text', text: '你好' })
      const routed = await customer.waitFor((f) => f.type === 'conversation' && ['assigned', 'queued'].includes(f.event), 'routing', since)
      ;(routed.event === 'assigned' ? mine : queued).push(ack.conversationId as string)
      await customer.close()
    }
  }

  beforeAll(async () => {
    server = await startTestServer({
      dataDir: ':memory:',
      maxConversationsPerAgent: 7,
      limits: { customerLogins: { rate: 1000, burst: 1000 } },
    })
    agentToken = (await server.loginAgent()).token
    agent = await TestClient.connect(server.wsUrl, agentToken)
    await agent.roundTrip()
    await conversations(12, 'page')
    expect([mine.length, queued.length]).toEqual([7, 5])
  })
  afterAll(async () => {
    await agent?.close()
    await server?.stop()
  })

  it('pages the agent conversations, then the queue, with hasMore and a cursor', async () => {
    const first = await agent.request<Page>({ type: 'session', limit: 5 })
    expect([ids(first.conversations), ids(first.queue), first.hasMore]).toEqual([mine.slice(0, 5), [], true])
    const second = await agent.request<Page>({ type: 'session', limit: 5, cursor: first.cursor })
    expect([ids(second.conversations), ids(second.queue), second.hasMore]).toEqual([mine.slice(5), queued.slice(0, 3), true])
    const third = await agent.request<Page>({ type: 'session', limit: 5, cursor: second.cursor })
    expect([ids(third.conversations), ids(third.queue), third.hasMore, third.cursor]).toEqual([[], queued.slice(3), false, undefined])
    // Without a limit: one page of up to 50.
    const whole = await agent.request<Page>({ type: 'session' })
    expect([ids(whole.conversations), ids(whole.queue), whole.hasMore]).toEqual([mine, queued, false])
  })

  it('skips nothing when the conversation a cursor names leaves its list', async () => {
    const first = await agent.request<Page>({ type: 'session', limit: 3 })
    expect(ids(first.conversations)).toEqual(mine.slice(0, 3))
    // The cursor's conversation closes: its room goes to the oldest queued one, which becomes mine (last).
    const closed = mine[2]!
    await agent.request({ type: 'close', conversationId: closed })
    mine.splice(2, 1)
    mine.push(queued.shift()!)
    const rest: Page[] = []
    let cursor = first.cursor
    while (cursor !== undefined) {
      const page = await agent.request<Page>({ type: 'session', limit: 3, cursor })
      rest.push(page)
      cursor = page.cursor
    }
    expect(rest.flatMap((p) => ids(p.conversations))).toEqual(mine.slice(2))
    expect(rest.flatMap((p) => ids(p.queue))).toEqual(queued)
  })

  it('answers BAD_REQUEST to a cursor it did not make', async () => {
    const answer = await agent.call({ type: 'session', cursor: 'not-a-cursor' })
    expect(answer.error).toEqual({ code: 'BAD_REQUEST', message: '"cursor" must be a cursor from an earlier session reply' })
  })

  it('AgentDesk loads every page: the console shows all 60', async () => {
    // 7 mine and 4 queued so far; 49 more make 60, more than the default page of 50.
    await conversations(49, 'desk')
    expect(mine.length + queued.length).toBe(60)
    const client = chatClient(server.wsUrl, () => agentToken)
    const request = jest.spyOn(client.socket, 'request')
    const desk = new AgentDesk({ socket: client.socket })
    try {
      void client.socket.connect()
      await desk.start()
      expect(request.mock.calls.map(([frame]) => frame.type)).toEqual(['session', 'session'])
      expect(desk.conversations.map((c) => c.conversation.id).sort()).toEqual([...mine].sort())
      expect(desk.queue.map((c) => c.id)).toEqual(queued)
    } finally {
      desk.dispose()
      client.socket.close()
    }
  })
})
