import { ManualClock } from '../helpers/manual-clock'
import { startTestServer, type TestServer } from '../server/helpers/server-harness'
import { TestClient, trackClients } from '../server/helpers/ws-client'
import { RawPoller } from './helpers/raw-poller'

jest.setTimeout(30_000)

/** The polling endpoint beside /ws (server/polling.ts): the same frames, auth, limits, routing and dedup as the socket. */
describe('the polling endpoint', () => {
  let server: TestServer
  let customerToken: string
  let pollUrl: string
  const sockets = trackClients()

  beforeAll(async () => {
    server = await startTestServer({ dataDir: ':memory:', rateLimit: { rate: 0.001, burst: 30 }, pollingHold: 300 })
    customerToken = (await server.loginCustomer('polling-tests')).token
    pollUrl = `${server.url}/ws`
  })
  afterEach(async () => {
    await sockets.closeAll()
  })
  afterAll(() => server.stop())

  it('opens a session only with a good token, in the header or the query', async () => {
    expect((await fetch(pollUrl, { method: 'POST' })).status).toBe(401)
    const bad = await fetch(pollUrl, { method: 'POST', headers: { authorization: 'Bearer v1.forged.token' } })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'bad token' } })
    const viaQuery = await fetch(`${pollUrl}?token=${encodeURIComponent(customerToken)}`, { method: 'POST' })
    expect(viaQuery.status).toBe(200)
    expect(await viaQuery.json()).toEqual({ sid: expect.any(String), hold: 300, idleTimeout: 30_000 })
    const poller = await RawPoller.open(pollUrl, customerToken)
    expect((await poller.call({ type: 'session' })).data.user.role).toBe('customer')
    // A poll without a token is refused before the session is looked at.
    expect((await fetch(`${pollUrl}?sid=${poller.sid}&ack=0`)).status).toBe(401)
  })

  it("answers 404 to an unknown session, and to another user's", async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    const other = (await server.loginCustomer('someone-else')).token
    const res = await fetch(`${pollUrl}?sid=${poller.sid}&ack=0`, { headers: { authorization: `Bearer ${other}` } })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'unknown or expired polling session' } })
    const unknown = await fetch(`${pollUrl}?sid=nope&ack=0`, { headers: { authorization: `Bearer ${customerToken}` } })
    expect(unknown.status).toBe(404)
    const post = await fetch(`${pollUrl}?sid=nope`, { method: 'POST', headers: { authorization: `Bearer ${customerToken}` }, body: '{}' })
    expect(post.status).toBe(404)
  })

  it('numbers the frames it sends and sends them again until a poll acks them', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    expect((await poller.post([{ type: 'ping' }, { type: 'ping' }])).status).toBe(204)
    const first = await poller.poll(0)
    expect(first).toMatchObject({ status: 200, seq: 1 })
    // Both pongs may come in one answer or two; until they are acked, a poll gets them again.
    const again = await poller.poll(0)
    expect(again.seq).toBe(1)
    expect(again.frames.length).toBeGreaterThanOrEqual(first.frames.length)
    await poller.waitFor(() => poller.frames.length === 2, 'two pongs')
    expect(poller.frames).toEqual([{ type: 'pong' }, { type: 'pong' }])
    // Nothing waiting: the poll is held, then answered with only the next seq.
    const empty = await poller.poll()
    expect(empty).toEqual({ status: 200, seq: 3, frames: [], body: null })
  })

  it('answers a held poll at once when a frame arrives for it', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    const { conversation } = (await poller.call({ type: 'open' })).data
    const agent = await sockets.connect(server.wsUrl, (await server.loginAgent()).token)
    const held = poller.poll()
    await agent.call({ type: 'message', conversationId: conversation.id, kind: 'text', text: '在吗' })
    await held
    await poller.waitFor((f) => f.type === 'message' && f.message.text === '在吗', 'the agent message')
    // And the other way: a message posted by polling reaches the agent's socket.
    const since = agent.mark()
    const ack = await poller.call({ type: 'message', kind: 'text', text: '在的' })
    expect(ack).toMatchObject({ type: 'ack', conversationId: conversation.id, seq: expect.any(Number) })
    expect((await agent.message((m) => m.text === '在的', 'the customer message', since)).seq).toBe(ack.seq)
  })

  it('deduplicates a message sent twice by id, as on the socket', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    const frame = { type: 'message', id: `dup-${Date.now()}`, kind: 'text', text: '一次' }
    const first = await poller.call(frame)
    const second = await poller.call(frame)
    expect(second).toEqual({ ...first, duplicate: true })
  })

  it('answers malformed frames with error frames and keeps the session', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    expect((await poller.post(['not json', '{"type":"nope","id":"x1"}'])).status).toBe(204)
    await poller.waitFor((f) => f.type === 'reply' && f.id === 'x1', 'the UNKNOWN_TYPE reply')
    expect(poller.frames).toEqual([
      { type: 'error', error: { code: 'BAD_REQUEST', message: expect.any(String) } },
      { type: 'reply', id: 'x1', error: { code: 'UNKNOWN_TYPE', message: expect.stringContaining('unknown frame type "nope"') } },
    ])
    expect((await poller.call({ type: 'session' })).type).toBe('reply')
    const bad = await fetch(`${pollUrl}?sid=${poller.sid}&ack=-1`, { headers: { authorization: `Bearer ${customerToken}` } })
    expect(bad.status).toBe(400)
  })

  it('applies the rate limit per session', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    const frames = Array.from({ length: 35 }, (_, i) => ({ type: 'session', id: `rl-${i}` }))
    expect((await poller.post(frames)).status).toBe(204)
    await poller.waitFor(() => poller.frames.length === 35, '35 answers')
    const limited = poller.frames.filter((f) => f.error?.code === 'RATE_LIMITED')
    expect(limited.map((f) => f.id)).toEqual(['rl-30', 'rl-31', 'rl-32', 'rl-33', 'rl-34'])
  })

  it('closes the session with 1009 for a frame over 64 KB, handling nothing of the batch', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    const big = JSON.stringify({ type: 'message', id: 'big', kind: 'text', text: 'x'.repeat(70_000) })
    const res = await poller.post([{ type: 'ping' }, big])
    expect(res).toEqual({
      status: 413,
      body: { error: { code: 'TOO_LARGE', message: 'a frame is over 65536 bytes' }, close: { code: 1009, reason: 'frame too big' } },
    })
    expect(await poller.poll()).toMatchObject({ status: 410, body: { close: { code: 1009, reason: 'frame too big' } } })
    expect(poller.frames).toEqual([])
  })

  it('ends a session when the client closes it, with its code', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    expect(await poller.close(4000)).toBe(204)
    expect(await poller.poll()).toMatchObject({ status: 410, body: { close: { code: 4000 } } })
  })

  it('lets a WebSocket naming the session take it over: the frames after its ack, then everything later', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    await poller.post([
      { type: 'ping', n: 1 },
      { type: 'session', id: 'up-1' },
    ])
    await poller.waitFor((f) => f.id === 'up-1', 'the session reply')
    // Acked up to the pong only: the reply must come again on the socket.
    const ws = await sockets.connect(`${server.wsUrl}?sid=${poller.sid}`, customerToken)
    ws.send({ type: 'upgrade', ack: 1 })
    expect((await ws.waitFor((f) => f.id === 'up-1', 'the reply again')).type).toBe('reply')
    expect(ws.frames[0]).toMatchObject({ type: 'reply', id: 'up-1' })
    expect((await ws.request({ type: 'session' })).user.role).toBe('customer')
    // The session is the socket's now: polls and posts are refused.
    expect((await poller.poll()).status).toBe(409)
    expect((await poller.post([{ type: 'ping' }])).status).toBe(409)
  })

  it('refuses a WebSocket naming a session that is not its own, or that sends no upgrade frame first', async () => {
    const poller = await RawPoller.open(pollUrl, customerToken)
    const other = (await server.loginCustomer('a-third-one')).token
    const stranger = await TestClient.connect(`${server.wsUrl}?sid=${poller.sid}`, other)
    expect(await stranger.closed).toEqual({ code: 1008, reason: 'unknown polling session' })
    const rude = await TestClient.connect(`${server.wsUrl}?sid=${poller.sid}`, customerToken)
    rude.send({ type: 'session', id: 's1' })
    expect(await rude.closed).toEqual({ code: 1008, reason: 'expected an upgrade frame' })
    // The session is still there, on polling.
    expect((await poller.call({ type: 'session' })).type).toBe('reply')
  })
})

describe('polling sessions over time', () => {
  it('expire after pollingIdleTimeout without a poll, as a dropped socket (1006)', async () => {
    const clock = new ManualClock()
    const server = await startTestServer({ dataDir: ':memory:', clock, pollingIdleTimeout: 12_345, pollingHold: 1000 })
    try {
      const token = (await server.loginCustomer('idle')).token
      const poller = await RawPoller.open(`${server.url}/ws`, token)
      await clock.started(1, 12_345)
      clock.runAll(12_345)
      expect(await poller.poll()).toMatchObject({ status: 410, body: { close: { code: 1006, reason: 'polling session expired' } } })
      // Once the ended session is forgotten (after `hold`), it is unknown.
      clock.runAll(1000)
      expect((await poller.poll()).status).toBe(404)
    } finally {
      await server.stop()
    }
  })

  it('do not expire while a poll is held', async () => {
    const clock = new ManualClock()
    const server = await startTestServer({ dataDir: ':memory:', clock, pollingIdleTimeout: 12_345, pollingHold: 1000 })
    try {
      const token = (await server.loginCustomer('held')).token
      const poller = await RawPoller.open(`${server.url}/ws`, token)
      const held = poller.poll()
      await clock.started(1, 1000)
      expect(clock.delays(12_345)).toEqual([])
      clock.runAll(1000)
      expect(await held).toMatchObject({ status: 200, seq: 1, frames: [] })
      expect(clock.delays(12_345)).toEqual([12_345])
    } finally {
      await server.stop()
    }
  })

  it('end with 1001 on shutdown, answering the held poll', async () => {
    const clock = new ManualClock()
    const server = await startTestServer({ dataDir: ':memory:', clock, pollingHold: 20_000 })
    const token = (await server.loginCustomer('shutdown')).token
    const poller = await RawPoller.open(`${server.url}/ws`, token)
    const held = poller.poll()
    await clock.started(1, 20_000)
    const closed = server.stop()
    expect(await held).toMatchObject({ status: 410, body: { close: { code: 1001, reason: 'server shutting down' } } })
    await closed
  })
})
