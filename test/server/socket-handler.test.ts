import WebSocket from 'ws'
import { ManualClock } from '../helpers/manual-clock'
import { startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient, trackClients } from './helpers/ws-client'

jest.setTimeout(30_000)

describe('the chat socket', () => {
  let server: TestServer
  let customerToken: string
  const clients = trackClients()
  const connect = (token: string | undefined = customerToken, opts: Parameters<typeof TestClient.connect>[2] = {}) =>
    clients.connect(server.wsUrl, token, opts)

  beforeAll(async () => {
    server = await startTestServer({ rateLimit: { rate: 0.001, burst: 30 } })
    customerToken = (await server.loginCustomer('socket-tests')).token
  })
  afterEach(async () => {
    await clients.closeAll()
  })
  afterAll(() => server.stop())

  describe('authentication', () => {
    it('answers HTTP 401 before the upgrade without a token', async () => {
      await expect(TestClient.connect(server.wsUrl, undefined)).rejects.toMatchObject({ status: 401 })
    })

    it('answers HTTP 401 with a JSON error to a bad token, in the header or the query', async () => {
      const err = await TestClient.connect(server.wsUrl, 'v1.forged.token').catch((e: { status: number; body: string }) => e)
      expect(err).toMatchObject({ status: 401 })
      expect(JSON.parse((err as { body: string }).body)).toEqual({ error: { code: 'UNAUTHORIZED', message: 'bad token' } })
      await expect(TestClient.connect(server.wsUrl, 'v1.forged.token', { query: true })).rejects.toMatchObject({ status: 401 })
    })

    it('answers 401 to a well-signed token of a user that does not exist', async () => {
      const other = await startTestServer({ dataDir: ':memory:', secret: 'shared-secret-for-this-test-of-32-chars' })
      const token = (await other.loginCustomer('elsewhere')).token
      await other.stop()
      const here = await startTestServer({ dataDir: ':memory:', secret: 'shared-secret-for-this-test-of-32-chars' })
      try {
        await expect(TestClient.connect(here.wsUrl, token)).rejects.toMatchObject({ status: 401 })
      } finally {
        await here.stop()
      }
    })

    it('takes the token as a Bearer header (wx.connectSocket) or as ?token= (browsers)', async () => {
      const viaHeader = await connect(customerToken)
      const viaQuery = await connect(customerToken, { query: true })
      for (const c of [viaHeader, viaQuery]) {
        expect((await c.request({ type: 'session' })).user.role).toBe('customer')
      }
    })
  })

  it('answers ping with pong', async () => {
    const c = await connect()
    await c.roundTrip()
  })

  describe('bad input', () => {
    it('answers garbage with error frames and keeps the link up', async () => {
      const c = await connect()
      const garbage: Array<[string | Buffer, string]> = [
        ['not json', 'BAD_REQUEST'],
        ['42', 'BAD_REQUEST'],
        ['null', 'BAD_REQUEST'],
        ['[1,2]', 'BAD_REQUEST'],
        ['{"no":"type"}', 'BAD_REQUEST'],
        ['{"type":5}', 'BAD_REQUEST'],
        ['{"type":"message","id":7}', 'BAD_REQUEST'],
        ['{"type":"nope"}', 'UNKNOWN_TYPE'],
        ['{"type":"session"}', 'BAD_REQUEST'], // a request needs an id
        [Buffer.from([1, 2, 3]), 'BAD_REQUEST'],
      ]
      for (const [data, code] of garbage) {
        const since = c.mark()
        c.ws.send(data)
        const answer = await c.waitFor((f) => f.type === 'error', `error for ${String(data)}`, since)
        expect(answer.error.code).toBe(code)
      }
      expect(c.ws.readyState).toBe(WebSocket.OPEN)
      expect((await c.request({ type: 'session' })).user.role).toBe('customer')
    })

    it('answers a frame with an id and bad fields with a reply error carrying the code', async () => {
      const c = await connect()
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ type: 'nope' }, 'UNKNOWN_TYPE'],
        [{ type: 'sync' }, 'BAD_REQUEST'],
        [{ type: 'sync', conversationId: 'x', afterSeq: '3' }, 'BAD_REQUEST'],
        [{ type: 'sync', conversationId: 'x', afterSeq: -1 }, 'BAD_REQUEST'],
        [{ type: 'history', conversationId: 'x', beforeSeq: 1.5 }, 'BAD_REQUEST'],
        [{ type: 'sync', conversationId: 'x', afterSeq: 0, limit: 0 }, 'BAD_REQUEST'],
        [{ type: 'sync', conversationId: 42, afterSeq: 0 }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'text' }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'text', text: '   ' }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'video', text: 'x' }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'system', text: 'I am the system' }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'image', image: { url: 'https://evil.example/x.png' } }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'image', image: { url: '/uploads/../chat.db' } }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'image', image: { url: `/uploads/${'a'.repeat(64)}.png`, width: -1 } }, 'BAD_REQUEST'],
        [{ type: 'message', kind: 'image', image: { url: `/uploads/${'a'.repeat(64)}.png` } }, 'NOT_FOUND'],
        [{ type: 'sync', conversationId: 'conv_nope', afterSeq: 0 }, 'NOT_FOUND'],
        [{ type: 'accept', conversationId: 'conv_nope' }, 'FORBIDDEN'],
        [{ type: 'transfer', conversationId: 'x' }, 'BAD_REQUEST'],
        [{ type: 'read', conversationId: 'x', seq: 'all' }, 'BAD_REQUEST'],
      ]
      for (const [frame, code] of cases) {
        const answer = await c.call(frame)
        expect({ frame, answer: answer.type, code: answer.error?.code }).toEqual({ frame, answer: 'reply', code })
      }
      expect(c.ws.readyState).toBe(WebSocket.OPEN)
    })

    it('refuses text over 2,000 characters with TOO_LONG (counting characters, not UTF-16 units)', async () => {
      const c = await connect()
      const tooLong = await c.call({ type: 'message', kind: 'text', text: '字'.repeat(2001) })
      expect(tooLong.error.code).toBe('TOO_LONG')
      const emoji = await c.call({ type: 'message', kind: 'text', text: '😀'.repeat(2000) }) // 4000 UTF-16 units
      expect(emoji.type).toBe('ack')
    })

    it('closes the link with 1009 on a frame over 64 KB', async () => {
      const c = await connect()
      c.send({ type: 'message', id: 'big', kind: 'text', text: 'x'.repeat(64 * 1024) })
      expect((await c.closed).code).toBe(1009)
      // The server is fine and takes new links.
      const next = await connect()
      await next.roundTrip()
    })

    it('takes a frame just under 64 KB (and answers TOO_LONG for its text)', async () => {
      const c = await connect()
      const answer = await c.call({ type: 'message', kind: 'text', text: 'x'.repeat(60 * 1024) })
      expect(answer.error.code).toBe('TOO_LONG')
    })
  })

  describe('rate limit', () => {
    it('answers RATE_LIMITED past the burst, keeps the link up and still answers pings', async () => {
      const limited = await startTestServer({ dataDir: ':memory:', rateLimit: { rate: 0.001, burst: 5 } })
      try {
        const token = (await limited.loginCustomer('flood')).token
        const c = await TestClient.connect(limited.wsUrl, token)
        const answers = await Promise.all(Array.from({ length: 12 }, () => c.call({ type: 'session' })))
        const codes = answers.map((a) => a.error?.code ?? 'ok')
        expect(codes.filter((x) => x === 'ok')).toHaveLength(5)
        expect(codes.filter((x) => x === 'RATE_LIMITED')).toHaveLength(7)
        const since = c.mark()
        c.send({ type: 'typing', conversationId: 'x' })
        expect((await c.waitFor((f) => f.type === 'error', 'error', since)).error.code).toBe('RATE_LIMITED')
        await c.roundTrip()
        expect(c.ws.readyState).toBe(WebSocket.OPEN)
        // Another connection has its own bucket.
        const other = await TestClient.connect(limited.wsUrl, token)
        expect((await other.call({ type: 'session' })).type).toBe('reply')
        expect((await other.call({ type: 'session' })).error).toBeUndefined()
        await Promise.all([c.close(), other.close()])
      } finally {
        await limited.stop()
      }
    })
  })

  describe('liveness', () => {
    it('drops a socket that stops answering protocol pings, and keeps one that answers (the sweep on a manual clock)', async () => {
      const SWEEP = 30_000
      const clock = new ManualClock()
      const live = await startTestServer({ dataDir: ':memory:', pingInterval: SWEEP, clock })
      try {
        const token = (await live.loginCustomer('alive')).token
        const dead = await TestClient.connect(live.wsUrl, token, { wsOptions: { autoPong: false } })
        const alive = await TestClient.connect(live.wsUrl, token)
        expect(clock.delays(SWEEP)).toEqual([SWEEP])
        for (let sweep = 1; sweep <= 3; sweep++) {
          const pinged = new Promise<void>((resolve) => alive.ws.once('ping', () => resolve()))
          clock.runAll(SWEEP)
          await pinged
          // A frame sent after the automatic pong is answered after the server read that pong (one TCP stream).
          await alive.call({ type: 'session' })
        }
        expect((await dead.closed).code).toBe(1006) // terminated at the second sweep, no close frame
        expect(alive.ws.readyState).toBe(WebSocket.OPEN)
        await alive.close()
      } finally {
        await live.stop()
      }
    })
  })

  describe('shutdown', () => {
    it('closes every socket with 1001, then answers /healthz no more', async () => {
      const s = await startTestServer({ dataDir: ':memory:' })
      const token = (await s.loginCustomer('bye')).token
      const a = await TestClient.connect(s.wsUrl, token)
      const b = await TestClient.connect(s.wsUrl, (await s.loginAgent()).token)
      await s.stop()
      expect((await a.closed).code).toBe(1001)
      expect(await b.closed).toEqual({ code: 1001, reason: 'server shutting down' })
      await expect(fetch(`${s.url}/healthz`)).rejects.toThrow()
      await s.stop() // idempotent
    })
  })
})
