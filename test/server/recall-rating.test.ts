/**
 * Recall and rating (docs/protocol.md §2 "Recall and rating"): the domain on an in-memory
 * SQLite store for the rules and every refusal, then the frames through a real server on
 * port 0 with a file database (stored, pushed to the other side, synced to a client that was away).
 */
import { Conversations, type Delivery } from '../../server/conversations'
import { SqliteStore } from '../../server/store/sqlite'
import type { User } from '../../server/types'
import { RECALL_WINDOW_MS } from '../../src/protocol'
import { startTestServer, type TestServer } from './helpers/server-harness'
import { type TestClient, trackClients } from './helpers/ws-client'

jest.setTimeout(30_000)

function setup() {
  const store = SqliteStore.open(':memory:')
  const online: string[] = []
  let n = 0
  const clock = { now: 1_000_000 }
  const chat = new Conversations(store, { onlineAgentIds: async () => [...online] }, { now: () => clock.now, newId: (p) => `${p}_${++n}` })
  const agent = (id: string): Promise<User> => store.insertAgent({ id, name: '小美', username: id, passwordHash: 'x' }, 0)
  const customer = (id: string): Promise<User> => store.ensureCustomer({ id, name: `顾客 ${id}`, loginKey: `dev:${id}` }, 0)
  /** A customer with an open conversation served by agent a1. */
  const served = async () => {
    const a1 = await agent('a1')
    online.push(a1.id)
    const c1 = await customer('c1')
    const conversation = (await chat.open(c1)).data.conversation
    await chat.accept(a1, conversation.id)
    return { a1, c1, conversationId: conversation.id }
  }
  return { store, chat, clock, agent, customer, served }
}

const say = (chat: Conversations, who: User, conversationId: string, id: string, text: string) =>
  chat.message(who, { type: 'message', id, conversationId, kind: 'text', text }, () => false)

const code = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (err: { code?: string }) => err.code,
  )

describe('recall', () => {
  it('takes back my message within 2 minutes: stored without its content, pushed to the other side', async () => {
    const { chat, clock, store, served } = setup()
    const { c1, a1, conversationId } = await served()
    const { data: ack } = await say(chat, c1, conversationId, 'm1', '发错了')
    clock.now += RECALL_WINDOW_MS // exactly at the limit still counts
    const { data, deliveries } = await chat.recall(c1, conversationId, 'm1')
    expect(data).toEqual({ conversationId, messageId: 'm1', seq: ack.seq })
    expect(deliveries).toEqual<Delivery[]>([
      {
        frame: { type: 'recall', conversationId, messageId: 'm1', seq: ack.seq, by: { id: c1.id, role: 'customer', name: c1.name } },
        users: [c1.id, a1.id],
        skipSender: true,
      },
    ])
    const stored = await store.messageById(conversationId, 'm1')
    expect(stored).toMatchObject({ id: 'm1', seq: ack.seq, kind: 'text', recalled: true })
    expect(stored).not.toHaveProperty('text')
    // History shows it recalled too; again is the same answer with nothing pushed.
    expect((await chat.history(a1, conversationId, 0, 10)).data.messages.find((m) => m.id === 'm1')).toMatchObject({ recalled: true })
    expect(await chat.recall(c1, conversationId, 'm1')).toEqual({ data, deliveries: [] })
  })

  it('refuses after 2 minutes (TOO_LATE), and keeps the message', async () => {
    const { chat, clock, store, served } = setup()
    const { c1, conversationId } = await served()
    await say(chat, c1, conversationId, 'm1', '你好')
    clock.now += RECALL_WINDOW_MS + 1
    await expect(code(chat.recall(c1, conversationId, 'm1'))).resolves.toBe('TOO_LATE')
    expect(await store.messageById(conversationId, 'm1')).toMatchObject({ text: '你好' })
  })

  it("refuses someone else's message, a system notice, an unknown id and another customer's conversation", async () => {
    const { chat, customer, served } = setup()
    const { c1, a1, conversationId } = await served()
    await say(chat, a1, conversationId, 'a-1', '您好')
    const notice = (await chat.history(c1, conversationId, 0, 10)).data.messages.find((m) => m.kind === 'system')!
    await expect(code(chat.recall(c1, conversationId, 'a-1'))).resolves.toBe('FORBIDDEN')
    // A system notice has the system as its sender: refused as not mine.
    await expect(code(chat.recall(c1, conversationId, notice.id))).resolves.toBe('FORBIDDEN')
    await expect(code(chat.recall(c1, conversationId, 'nope'))).resolves.toBe('NOT_FOUND')
    await expect(code(chat.recall(await customer('c2'), conversationId, 'a-1'))).resolves.toBe('FORBIDDEN')
    // The agent may recall their own.
    await expect(code(chat.recall(a1, conversationId, 'a-1'))).resolves.toBe('resolved')
  })

  it('lists the recalled ids a sync client holds (seq <= afterSeq)', async () => {
    const { chat, served } = setup()
    const { c1, a1, conversationId } = await served()
    const first = (await say(chat, c1, conversationId, 'm1', '一')).data
    await say(chat, c1, conversationId, 'm2', '二')
    await chat.recall(c1, conversationId, 'm1')
    expect((await chat.sync(a1, conversationId, first.seq, 10)).data).toMatchObject({ recalled: ['m1'] })
    expect((await chat.sync(a1, conversationId, first.seq - 1, 10)).data).not.toHaveProperty('recalled')
  })
})

describe('rate', () => {
  it('stores one rating of a closed conversation and tells its agent', async () => {
    const { chat, clock, served } = setup()
    const { c1, a1, conversationId } = await served()
    await expect(code(chat.rate(c1, conversationId, 5))).resolves.toBe('CONFLICT') // not closed yet
    await chat.close(a1, conversationId)
    const { data, deliveries } = await chat.rate(c1, conversationId, 4, '  回复很快  ')
    const rating = { score: 4, comment: '回复很快', ts: clock.now }
    expect(data.conversation.rating).toEqual(rating)
    expect(deliveries).toEqual([{ frame: { type: 'rating', conversationId, rating }, users: [c1.id, a1.id], skipSender: true }])
    await expect(code(chat.rate(c1, conversationId, 1))).resolves.toBe('CONFLICT')
  })

  it('refuses the agent and another customer; a blank comment is left out', async () => {
    const { chat, customer, served } = setup()
    const { c1, a1, conversationId } = await served()
    await chat.close(a1, conversationId)
    await expect(code(chat.rate(a1, conversationId, 5))).resolves.toBe('FORBIDDEN')
    await expect(code(chat.rate(await customer('c2'), conversationId, 5))).resolves.toBe('FORBIDDEN')
    const { data } = await chat.rate(c1, conversationId, 3, '   ')
    expect(data.conversation.rating).not.toHaveProperty('comment')
  })
})

describe('recall and rate frames on a real server', () => {
  let server: TestServer
  const clients = trackClients()
  const connect = (token: string): Promise<TestClient> => clients.connect(server.wsUrl, token)

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterEach(async () => {
    await clients.closeAll()
  })
  afterAll(() => server.stop())

  it('pushes a recall to the agent, syncs it to a client that was away, and pushes the rating', async () => {
    const agent = await connect((await server.loginAgent()).token)
    const customerToken = (await server.loginCustomer('recall-frames')).token
    const customer = await connect(customerToken)
    const { conversation } = await customer.request<{ conversation: { id: string } }>({ type: 'open' })
    await agent.request({ type: 'accept', conversationId: conversation.id })
    const ack = await customer.call({ type: 'message', conversationId: conversation.id, kind: 'text', text: '发错了' })
    await agent.message((m: { text?: string }) => m.text === '发错了', 'the message at the agent')

    // A second phone of the same customer goes away before the recall.
    const away = await connect(customerToken)
    await away.close()

    const since = agent.mark()
    const result = await customer.request({ type: 'recall', conversationId: conversation.id, messageId: ack.id })
    expect(result).toEqual({ conversationId: conversation.id, messageId: ack.id, seq: ack.seq })
    const push = await agent.waitFor((f) => f.type === 'recall', 'the recall push', since)
    expect(push).toMatchObject({ conversationId: conversation.id, messageId: ack.id, seq: ack.seq, by: { role: 'customer' } })

    const back = await connect(customerToken)
    const synced = await back.request<{ recalled?: string[] }>({ type: 'sync', conversationId: conversation.id, afterSeq: ack.seq })
    expect(synced.recalled).toEqual([ack.id])

    // Bad frames name the field and crash nothing.
    const bad = await customer.call({ type: 'rate', conversationId: conversation.id, score: 6 })
    expect(bad.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('score') })
    const noId = await customer.call({ type: 'recall', conversationId: conversation.id })
    expect(noId.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('messageId') })

    await agent.request({ type: 'close', conversationId: conversation.id })
    const before = agent.mark()
    const rated = await customer.request<{ conversation: { rating: unknown } }>({
      type: 'rate',
      conversationId: conversation.id,
      score: 5,
      comment: '很满意',
    })
    expect(rated.conversation.rating).toMatchObject({ score: 5, comment: '很满意' })
    const rating = await agent.waitFor((f) => f.type === 'rating', 'the rating push', before)
    expect(rating).toMatchObject({ conversationId: conversation.id, rating: { score: 5, comment: '很满意' } })
  })
})
