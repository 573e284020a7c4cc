import { NOTICES } from '../../server/conversations'
import { PNG } from './helpers/images'
import { startTestServer, type TestServer } from './helpers/server-harness'
import { type TestClient, trackClients } from './helpers/ws-client'

jest.setTimeout(30_000)

/** Chat flows over raw `ws`: each test gets a fresh server (a fresh queue and set of agents). */
describe('chat over the socket', () => {
  let server: TestServer
  const clients = trackClients()

  beforeEach(async () => {
    server = await startTestServer({ dataDir: ':memory:' })
    await server.accounts.addAgent({ username: 'wang', password: 'wang-password', name: '小王' })
  })
  afterEach(async () => {
    await clients.closeAll()
    await server.stop()
  })

  async function customer(code = 'customer-1'): Promise<TestClient> {
    return clients.connect(server.wsUrl, (await server.loginCustomer(code)).token)
  }
  async function agent(username = 'demo', password = 'demo-password-1'): Promise<TestClient> {
    return clients.connect(server.wsUrl, (await server.loginAgent(username, password)).token)
  }
  const text = (conversationId: string | undefined, t: string, id?: string) => ({
    type: 'message',
    kind: 'text',
    text: t,
    ...(conversationId ? { conversationId } : {}),
    ...(id ? { id } : {}),
  })

  it('carries a message from the customer to the agent and back, acking each with seq and ts', async () => {
    const meimei = await agent()
    const cust = await customer()
    const assigned = meimei.event('assigned')
    const { conversation } = await cust.request({ type: 'open' })
    expect(conversation).toMatchObject({ status: 'assigned', agent: { name: '小美' } })
    expect((await assigned).conversation.id).toBe(conversation.id)

    const atAgent = meimei.message((m) => m.kind === 'text')
    const ack = await cust.call(text(conversation.id, '你好，我的订单没到'))
    expect(ack).toMatchObject({ type: 'ack', conversationId: conversation.id, seq: 2, ts: expect.any(Number) })
    expect(await atAgent).toMatchObject({ id: ack.id, seq: 2, text: '你好，我的订单没到', from: { role: 'customer' } })

    const atCustomer = cust.message((m) => m.from.role === 'agent')
    const accepted = cust.event('accepted', conversation.id)
    const reply = await meimei.call(text(conversation.id, '您好，我来查一下'))
    expect(reply.seq).toBe(3)
    expect(await atCustomer).toMatchObject({ seq: 3, text: '您好，我来查一下', from: { name: '小美', role: 'agent' } })
    expect((await accepted).conversation.status).toBe('open') // replying accepted it
    // The sender gets the ack, not a copy of its own message.
    expect(cust.pushedMessages().filter((m) => m.from.role === 'customer')).toEqual([])
  })

  it('stores text as it was sent, markup and all', async () => {
    const meimei = await agent()
    const cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    const evil = "<img src=x onerror=alert(1)> '); DROP TABLE messages; -- ../../etc/passwd"
    const got = meimei.message((m) => m.kind === 'text')
    await cust.call(text(conversation.id, evil))
    expect((await got).text).toBe(evil)
    const { messages } = await meimei.request({ type: 'sync', conversationId: conversation.id, afterSeq: 0 })
    expect(messages.map((m: { text: string }) => m.text)).toContain(evil)
  })

  it('queues the customer while no agent is online, with a notice, and assigns when an agent logs in', async () => {
    const cust = await customer()
    const notice = cust.message((m) => m.kind === 'system')
    const { conversation } = await cust.request({ type: 'open' })
    expect(conversation.status).toBe('queued')
    expect(await notice).toMatchObject({ seq: 1, kind: 'system', text: '当前暂无在线客服，您已进入排队，请稍候', from: { role: 'system' } })
    await cust.call(text(conversation.id, '有人吗'))

    const assigned = cust.event('assigned', conversation.id)
    const served = cust.message((m) => m.text === NOTICES.assigned('小美'))
    const meimei = await agent()
    expect((await assigned).conversation).toMatchObject({ status: 'assigned', agent: { name: '小美' } })
    expect(await served).toMatchObject({ seq: 3, text: '客服 小美 为您服务' })
    const atAgent = await meimei.event('assigned', conversation.id, 0)
    expect(atAgent.conversation.lastSeq).toBe(3)
    // The agent catches up on what was said before they came.
    const { messages } = await meimei.request({ type: 'sync', conversationId: conversation.id, afterSeq: 0 })
    expect(messages.map((m: { seq: number; kind: string }) => [m.seq, m.kind])).toEqual([
      [1, 'system'],
      [2, 'text'],
      [3, 'system'],
    ])
    const session = await meimei.request({ type: 'session' })
    expect(session.conversations.map((c: { id: string }) => c.id)).toEqual([conversation.id])
    expect(session.queue).toEqual([])
  })

  it('lets the agent accept a conversation assigned to them, and refuses it to another agent', async () => {
    const cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    // Connecting hands the queue to the agent (queued conversations are accepted directly in routing.test.ts).
    const meimei = await agent()
    await meimei.event('assigned', conversation.id, 0)
    const accepted = cust.event('accepted', conversation.id)
    const reply = await meimei.request({ type: 'accept', conversationId: conversation.id })
    expect(reply.conversation.status).toBe('open')
    expect((await accepted).conversation.agent.name).toBe('小美')
    const wang = await agent('wang', 'wang-password')
    expect((await wang.call({ type: 'accept', conversationId: conversation.id })).error.code).toBe('CONFLICT')
  })

  it('transfers a conversation to another agent and closes it', async () => {
    const meimei = await agent()
    const wang = await agent('wang', 'wang-password')
    const cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    const owner = conversation.agent.name === '小美' ? meimei : wang
    const other = owner === meimei ? wang : meimei
    const otherId = (await other.request({ type: 'session' })).user.id

    const toOther = other.event('transferred', conversation.id)
    const toCustomer = cust.event('transferred', conversation.id)
    const notice = cust.message((m) => m.kind === 'system' && m.text.startsWith('已为您转接至客服'))
    const { conversation: moved } = await owner.request({ type: 'transfer', conversationId: conversation.id, toAgentId: otherId })
    expect(moved).toMatchObject({ status: 'assigned', agent: { id: otherId } })
    expect((await toOther).conversation.agent.id).toBe(otherId)
    expect((await toCustomer).from.id).not.toBe(otherId)
    expect((await notice).text).toBe(`已为您转接至客服 ${moved.agent.name}`)

    // The old agent can no longer write in it.
    expect((await owner.call(text(conversation.id, 'still here?'))).error.code).toBe('FORBIDDEN')

    const closedAtCustomer = cust.event('closed', conversation.id)
    const endNotice = cust.message((m) => m.text === '会话已结束')
    const closedAtOwner = owner.event('closed', conversation.id) // every online agent hears of it
    const { conversation: closed } = await other.request({ type: 'close', conversationId: conversation.id })
    expect(closed.status).toBe('closed')
    await Promise.all([closedAtCustomer, endNotice, closedAtOwner])
    expect((await cust.call(text(conversation.id, 'hello?'))).error.code).toBe('CLOSED')
    // A new message without conversationId starts a new conversation.
    const fresh = await cust.call(text(undefined, 'another question'))
    expect(fresh.conversationId).not.toBe(conversation.id)
  })

  it('lets the customer close their conversation', async () => {
    const meimei = await agent()
    const cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    const atAgent = meimei.event('closed', conversation.id)
    expect((await cust.request({ type: 'close', conversationId: conversation.id })).conversation.status).toBe('closed')
    expect((await atAgent).by.role).toBe('customer')
    expect((await cust.request({ type: 'session' })).conversations).toEqual([])
  })

  it('answers sync after a reconnect with exactly the messages missed', async () => {
    const meimei = await agent()
    let cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    const seen = await cust.call(text(conversation.id, 'before'))
    await cust.close()

    const sent: number[] = []
    for (const t of ['one', 'two', 'three']) sent.push((await meimei.call(text(conversation.id, t))).seq)

    cust = await customer()
    const { messages, hasMore } = await cust.request({ type: 'sync', conversationId: conversation.id, afterSeq: seen.seq })
    expect(hasMore).toBe(false)
    expect(messages.map((m: { seq: number }) => m.seq)).toEqual(sent)
    expect(messages.map((m: { text: string }) => m.text)).toEqual(['one', 'two', 'three'])
    // Paged when there is more than `limit`.
    const page = await cust.request({ type: 'sync', conversationId: conversation.id, afterSeq: seen.seq, limit: 2 })
    expect(page.messages.map((m: { seq: number }) => m.seq)).toEqual(sent.slice(0, 2))
    expect(page.hasMore).toBe(true)
  })

  it('stores a resent message id once, acks it with its original seq and delivers it once', async () => {
    const meimei = await agent()
    const cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    const first = await cust.call(text(conversation.id, 'only once', 'msg-1'))
    // Same id again, on this link and after a reconnect (as ChatSocket does when an ack was lost).
    const again = await cust.call(text(conversation.id, 'only once', 'msg-1'))
    const other = await customer()
    const third = await other.call(text(conversation.id, 'only once', 'msg-1'))
    for (const a of [again, third]) expect(a).toMatchObject({ type: 'ack', seq: first.seq, ts: first.ts, duplicate: true })
    await meimei.roundTrip()
    await cust.roundTrip()
    const { messages } = await meimei.request({ type: 'sync', conversationId: conversation.id, afterSeq: 0 })
    expect(messages.filter((m: { id: string }) => m.id === 'msg-1')).toHaveLength(1)
    // The agent got one push; the customer's second connection got the first one only.
    expect(meimei.pushedMessages(conversation.id).filter((m) => m.id === 'msg-1')).toHaveLength(1)
  })

  it('pages history backwards, newest first page, no gaps and no repeats', async () => {
    const cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    for (let i = 1; i <= 24; i++) await cust.call(text(conversation.id, `m${i}`))
    const last = 25 // the queue notice is seq 1
    const pages: number[][] = []
    let before = 0
    for (;;) {
      const page = await cust.request({ type: 'history', conversationId: conversation.id, beforeSeq: before, limit: 10 })
      const seqs = page.messages.map((m: { seq: number }) => m.seq)
      pages.push(seqs)
      if (!page.hasMore) break
      before = seqs[0]
    }
    expect(pages).toEqual([
      Array.from({ length: 10 }, (_, i) => last - 9 + i),
      Array.from({ length: 10 }, (_, i) => last - 19 + i),
      [1, 2, 3, 4, 5],
    ])
    const defaultPage = await cust.request({ type: 'history', conversationId: conversation.id, beforeSeq: 0 })
    expect(defaultPage.messages).toHaveLength(25)
    expect(defaultPage.hasMore).toBe(false)
    const capped = await cust.request({ type: 'history', conversationId: conversation.id, beforeSeq: 0, limit: 1000 })
    expect(capped.messages).toHaveLength(25)
  })

  it('answers FORBIDDEN when a customer touches a conversation that is not theirs', async () => {
    const alice = await customer('alice')
    const bob = await customer('bob')
    const { conversation } = await alice.request({ type: 'open' })
    for (const frame of [
      { type: 'sync', conversationId: conversation.id, afterSeq: 0 },
      { type: 'history', conversationId: conversation.id, beforeSeq: 0 },
      text(conversation.id, 'hijack'),
      { type: 'read', conversationId: conversation.id, seq: 1 },
      { type: 'close', conversationId: conversation.id },
      { type: 'accept', conversationId: conversation.id },
      { type: 'transfer', conversationId: conversation.id, toAgentId: 'a_x' },
    ]) {
      const answer = await bob.call(frame)
      expect({ type: frame.type, code: answer.error?.code }).toEqual({ type: frame.type, code: 'FORBIDDEN' })
    }
    const since = bob.mark()
    bob.send({ type: 'typing', conversationId: conversation.id })
    expect((await bob.waitFor((f) => f.type === 'error', 'error', since)).error.code).toBe('FORBIDDEN')
    expect(alice.pushedMessages().filter((m) => m.text === 'hijack')).toEqual([])
  })

  it('passes typing and read receipts to the other side', async () => {
    const meimei = await agent()
    const cust = await customer()
    const { conversation } = await cust.request({ type: 'open' })
    const typing = meimei.waitFor((f) => f.type === 'typing')
    cust.send({ type: 'typing', conversationId: conversation.id })
    expect(await typing).toEqual({ type: 'typing', conversationId: conversation.id, from: expect.objectContaining({ role: 'customer' }) })

    const msg = await cust.call(text(conversation.id, 'read me'))
    const receipt = cust.waitFor((f) => f.type === 'read')
    const ack = await meimei.call({ type: 'read', conversationId: conversation.id, seq: msg.seq })
    expect(ack).toMatchObject({ type: 'ack', conversationId: conversation.id, seq: msg.seq })
    expect(await receipt).toMatchObject({ conversationId: conversation.id, seq: msg.seq, by: { role: 'agent', name: '小美' } })
    const { conversations } = await cust.request({ type: 'session' })
    expect(conversations[0].agentReadSeq).toBe(msg.seq)
  })

  it('tells online agents when an agent comes and goes', async () => {
    const meimei = await agent()
    const online = meimei.waitFor((f) => f.type === 'presence' && f.agent.name === '小王' && f.agent.online)
    const wang = await agent('wang', 'wang-password')
    await online
    expect((await meimei.request({ type: 'session' })).agents.map((a: { name: string }) => a.name).sort()).toEqual(['小王', '小美'])
    const offline = meimei.waitFor((f) => f.type === 'presence' && f.agent.name === '小王' && !f.agent.online)
    await wang.close()
    await offline
  })

  it("sends a message to the sender's other connections but not back to the one that sent it", async () => {
    const meimei = await agent()
    const phone = await customer('same-user')
    const tablet = await customer('same-user')
    const { conversation } = await phone.request({ type: 'open' })
    const onTablet = tablet.message((m) => m.text === 'from the phone')
    const ack = await phone.call(text(conversation.id, 'from the phone'))
    expect((await onTablet).seq).toBe(ack.seq)
    await meimei.roundTrip()
    await phone.roundTrip()
    expect(phone.pushedMessages().some((m) => m.text === 'from the phone')).toBe(false)
  })

  it('carries an uploaded image from the customer to the agent', async () => {
    const meimei = await agent()
    const login = await server.loginCustomer('pics')
    const cust = await clients.connect(server.wsUrl, login.token)
    const fd = new FormData()
    fd.append('file', new Blob([new Uint8Array(PNG)]), 'x.png')
    const uploaded = await (
      await fetch(`${server.url}/api/upload`, { method: 'POST', body: fd, headers: { authorization: `Bearer ${login.token}` } })
    ).json()
    const { conversation } = await cust.request({ type: 'open' })
    const atAgent = meimei.message((m) => m.kind === 'image')
    await cust.call({ type: 'message', conversationId: conversation.id, kind: 'image', image: { url: uploaded.url, width: 1, height: 1 } })
    const image = (await atAgent).image
    expect(image).toEqual({ url: uploaded.url, width: 1, height: 1 })
    const got = await fetch(`${server.url}${image.url}`)
    expect(got.headers.get('content-type')).toBe('image/png')
  })
})
