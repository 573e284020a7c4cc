/**
 * The service desk's routes on a real server (SQLite in a temp folder): canned replies with
 * their scopes, notes, history and full-text search (Chinese included, FTS5 trigram), a
 * customer's profile and device, and the agent status that routing obeys, with the per-agent cap.
 */
import { searchTerms, likePattern } from '../../server/desk/search-terms'
import { startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

jest.setTimeout(30_000)

async function call(server: TestServer, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? null : JSON.parse(text) }
}

describe('search terms', () => {
  it('splits on whitespace, drops duplicates, keeps at most 5 terms of 64 characters', () => {
    expect(searchTerms('  退货  发票 退货 ')).toEqual(['退货', '发票'])
    expect(searchTerms('a b c d e f g')).toHaveLength(5)
    expect(Array.from(searchTerms('长'.repeat(100))[0]!)).toHaveLength(64)
    expect(searchTerms(' \t ')).toEqual([])
  })

  it('takes %, _ and \\ literally in LIKE patterns', () => {
    expect(likePattern('50%_off\\')).toBe('%50\\%\\_off\\\\%')
  })
})

describe('desk routes', () => {
  let server: TestServer
  let demo: string
  let li: string
  let liId: string

  beforeAll(async () => {
    server = await startTestServer({ maxConversationsPerAgent: 2 })
    demo = (await server.loginAgent()).token
    await server.accounts.addAgent({ username: 'li', password: 'li-password-1', name: '小李' })
    const login = await server.loginAgent('li', 'li-password-1')
    li = login.token
    liId = login.user.id
  })
  afterAll(() => server.stop())

  describe('canned replies', () => {
    it('keeps a team list everyone sees and personal lists only their owner sees', async () => {
      const team = await call(server, demo, 'POST', '/api/desk/canned', { title: '发货时间', text: '一般 48 小时内发货', scope: 'team' })
      expect(team).toMatchObject({ status: 201, body: { reply: { scope: 'team', title: '发货时间' } } })
      const mine = await call(server, demo, 'POST', '/api/desk/canned', { title: '问候', text: '您好，我是小美', scope: 'personal' })
      expect(mine.status).toBe(201)
      const demoList = await call(server, demo, 'GET', '/api/desk/canned')
      expect(demoList.body.replies.map((r: { title: string }) => r.title)).toEqual(['发货时间', '问候'])
      const liList = await call(server, li, 'GET', '/api/desk/canned')
      expect(liList.body.replies.map((r: { title: string }) => r.title)).toEqual(['发货时间'])
      // 小李 can neither change nor delete 小美's personal reply; the team's they can.
      const id = mine.body.reply.id as string
      expect(await call(server, li, 'PUT', `/api/desk/canned/${id}`, { title: 'x', text: 'y' })).toMatchObject({
        status: 404,
        body: { error: { code: 'NOT_FOUND' } },
      })
      expect((await call(server, li, 'DELETE', `/api/desk/canned/${id}`)).status).toBe(404)
      const edited = await call(server, li, 'PUT', `/api/desk/canned/${team.body.reply.id}`, { title: '发货时间', text: '24 小时内发货' })
      expect(edited.body.reply.text).toBe('24 小时内发货')
      expect((await call(server, demo, 'DELETE', `/api/desk/canned/${id}`)).status).toBe(204)
    })

    it.each([
      [{ title: '', text: 'x', scope: 'team' }, 'title'],
      [{ title: 'x', text: '   ', scope: 'team' }, 'text'],
      [{ title: 'x', text: 'y', scope: 'everyone' }, 'scope'],
      [{ title: 'x'.repeat(41), text: 'y', scope: 'team' }, 'title'],
      [{ title: 'x', text: 'y' }, 'scope'],
    ])('refuses %j, naming %s', async (body, field) => {
      const res = await call(server, demo, 'POST', '/api/desk/canned', body)
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('BAD_REQUEST')
      expect(res.body.error.message).toContain(field)
    })

    it('answers 401 without a token and 403 to a customer', async () => {
      expect((await fetch(`${server.url}/api/desk/canned`)).status).toBe(401)
      const customer = await server.loginCustomer('canned-customer')
      expect(await call(server, customer.token, 'GET', '/api/desk/canned')).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN' } },
      })
    })
  })

  describe('conversations, notes, history, search, customers', () => {
    let conversationId: string
    let customerId: string

    beforeAll(async () => {
      const customer = await server.loginCustomer('history-customer')
      customerId = customer.user.id
      expect(
        (await call(server, customer.token, 'PUT', '/api/me/device', { platform: 'ios', model: 'iPhone 15', SDKVersion: '3.4.1' })).status,
      ).toBe(204)
      const ws = await TestClient.connect(server.wsUrl, customer.token)
      const opened = await ws.request({ type: 'open' })
      conversationId = opened.conversation.id
      for (const text of ['我想退货，衣服尺码不合适', '订单号 20251126-88', 'The parcel is late']) {
        await ws.call({ type: 'message', conversationId, kind: 'text', text })
      }
      await ws.request({ type: 'close', conversationId })
      ws.ws.close()
    })

    it('keeps internal notes apart from messages', async () => {
      const added = await call(server, demo, 'POST', `/api/desk/conversations/${conversationId}/notes`, { text: '老顾客，优先处理' })
      expect(added).toMatchObject({ status: 201, body: { note: { text: '老顾客，优先处理', author: { name: '小美' } } } })
      const notes = await call(server, li, 'GET', `/api/desk/conversations/${conversationId}/notes`)
      expect(notes.body.notes.map((n: { text: string }) => n.text)).toEqual(['老顾客，优先处理'])
      const transcript = await call(server, demo, 'GET', `/api/desk/conversations/${conversationId}`)
      expect(transcript.body.messages.some((m: { text?: string }) => m.text === '老顾客，优先处理')).toBe(false)
      expect(transcript.body.notes).toHaveLength(1)
      expect((await call(server, demo, 'POST', '/api/desk/conversations/conv_nope/notes', { text: 'x' })).status).toBe(404)
      expect((await call(server, demo, 'POST', `/api/desk/conversations/${conversationId}/notes`, { text: '' })).status).toBe(400)
    })

    it('lists closed conversations in the history, newest first', async () => {
      const history = await call(server, demo, 'GET', '/api/desk/history')
      expect(history.status).toBe(200)
      expect(history.body.items[0]).toMatchObject({ conversation: { id: conversationId, status: 'closed' }, messageCount: 3, rating: null })
      expect((await call(server, demo, 'GET', '/api/desk/history?limit=abc')).status).toBe(400)
      expect((await call(server, demo, 'GET', '/api/desk/history?limit=1000')).status).toBe(400)
    })

    it.each([
      ['退货', '我想退货，衣服尺码不合适'], // two characters: shorter than a trigram, still found
      ['尺码不合适', '我想退货，衣服尺码不合适'],
      ['退货 尺码', '我想退货，衣服尺码不合适'], // every term
      ['PARCEL', 'The parcel is late'], // case-insensitive
      ['20251126', '订单号 20251126-88'],
    ])('finds %s', async (q, text) => {
      const res = await call(server, demo, 'GET', `/api/desk/search?q=${encodeURIComponent(q)}`)
      expect(res.status).toBe(200)
      expect(res.body.hits.map((h: { message: { text: string } }) => h.message.text)).toEqual([text])
      expect(res.body.hits[0].conversation.id).toBe(conversationId)
    })

    it('finds nothing for words no message holds, and takes % and _ literally', async () => {
      for (const q of ['退款', '退货 发票', '%', '_']) {
        const res = await call(server, demo, 'GET', `/api/desk/search?q=${encodeURIComponent(q)}`)
        expect(res.body.hits).toEqual([])
      }
      expect((await call(server, demo, 'GET', '/api/desk/search?q=%20')).status).toBe(400)
      expect((await call(server, demo, 'GET', `/api/desk/search?q=${'x'.repeat(201)}`)).status).toBe(400)
    })

    it("gives a customer's profile: first seen, device, past conversations", async () => {
      const res = await call(server, demo, 'GET', `/api/desk/customers/${customerId}`)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({
        customer: { id: customerId },
        firstSeen: expect.any(Number),
        device: { platform: 'ios', model: 'iPhone 15', SDKVersion: '3.4.1' },
        conversations: [{ conversation: { id: conversationId }, messageCount: 3 }],
      })
      expect((await call(server, demo, 'GET', '/api/desk/customers/nobody')).status).toBe(404)
    })

    it('refuses a device report from an agent and overlong fields; drops unknown ones', async () => {
      expect((await call(server, demo, 'PUT', '/api/me/device', { platform: 'ios' })).status).toBe(403)
      const customer = await server.loginCustomer('device-bad')
      const long = await call(server, customer.token, 'PUT', '/api/me/device', { model: 'x'.repeat(65) })
      expect(long.status).toBe(400)
      expect(long.body.error.message).toContain('model')
      expect((await call(server, customer.token, 'PUT', '/api/me/device', { cpu: 'x', brand: 'Apple' })).status).toBe(204)
      const profile = await call(server, demo, 'GET', `/api/desk/customers/${customer.user.id}`)
      expect(profile.body.device).toEqual({ brand: 'Apple' })
    })
  })

  describe('status and routing', () => {
    it('routes past busy and away agents, and queues beyond the cap', async () => {
      const demoWs = await TestClient.connect(server.wsUrl, demo)
      const liWs = await TestClient.connect(server.wsUrl, li)
      await liWs.request({ type: 'session' })
      const since = demoWs.mark()
      expect(await call(server, li, 'PUT', '/api/desk/status', { status: 'busy' })).toMatchObject({ status: 200, body: { status: 'busy' } })
      const presence = await demoWs.waitFor((f) => f.type === 'presence' && f.agent.id === liId, 'presence of 小李', since)
      expect(presence.agent).toMatchObject({ online: true, status: 'busy' })
      expect((await call(server, li, 'GET', '/api/desk/status')).body.status).toBe('busy')
      expect((await call(server, li, 'PUT', '/api/desk/status', { status: 'lunch' })).status).toBe(400)

      // 小美 is online with room for 2: the first two go to her, the third waits (小李 is busy).
      const agents: Array<string | null> = []
      const sockets: TestClient[] = []
      for (const code of ['cap-1', 'cap-2', 'cap-3']) {
        const customer = await server.loginCustomer(code)
        const ws = await TestClient.connect(server.wsUrl, customer.token)
        sockets.push(ws)
        const { conversation } = await ws.request({ type: 'open' })
        agents.push(conversation.status === 'queued' ? null : conversation.agent.name)
      }
      expect(agents).toEqual(['小美', '小美', null])

      // 小李 back to online: the queued one goes to 小李.
      const third = sockets[2]!
      const since3 = third.mark()
      await call(server, li, 'PUT', '/api/desk/status', { status: 'online' })
      const assigned = await third.event('assigned', undefined, since3)
      expect(assigned.conversation.agent.name).toBe('小李')

      // Away: nothing new for 小李; and a closed conversation makes room for 小美 again.
      await call(server, li, 'PUT', '/api/desk/status', { status: 'away' })
      const customer4 = await server.loginCustomer('cap-4')
      const ws4 = await TestClient.connect(server.wsUrl, customer4.token)
      sockets.push(ws4)
      const fourth = await ws4.request({ type: 'open' })
      expect(fourth.conversation.status).toBe('queued')
      const first = await sockets[0]!.request({ type: 'session' })
      const since4 = ws4.mark()
      await demoWs.request({ type: 'close', conversationId: first.conversations[0].id })
      expect((await ws4.event('assigned', undefined, since4)).conversation.agent.name).toBe('小美')
      for (const ws of [...sockets, demoWs, liWs]) ws.ws.close()
    })
  })
})
