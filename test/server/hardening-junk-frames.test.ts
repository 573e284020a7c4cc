/**
 * Issue 9, defect 6: frames that are not JSON (or not a frame) count against the connection's
 * bucket like any other: past the burst they get RATE_LIMITED, not one BAD_REQUEST each.
 */
import { startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

jest.setTimeout(30_000)

describe('invalid frames and the rate limit (defect 6)', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ dataDir: ':memory:', rateLimit: { rate: 0.001, burst: 5 } })
  })
  afterAll(() => server.stop())

  it('counts every frame, junk included, and still answers pings', async () => {
    const client = await TestClient.connect(server.wsUrl, (await server.loginCustomer('junk')).token)
    try {
      const junk = ['not json', '{', '[]', '42', '"type"', '{"type":7}', '{}', 'null']
      for (let i = 0; i < 40; i++) client.send(junk[i % junk.length]!)
      client.ws.send(Buffer.from([1, 2, 3]), { binary: true })
      await client.roundTrip()
      const codes = client.frames.filter((f) => f.type === 'error').map((f) => (f.error as { code: string }).code)
      expect(codes).toHaveLength(41)
      expect(codes.slice(0, 5)).toEqual(Array(5).fill('BAD_REQUEST'))
      expect(codes.slice(5)).toEqual(Array(36).fill('RATE_LIMITED'))
      // A well-formed frame is refused as well now: the bucket is spent.
      expect((await client.call({ type: 'session' })).error).toMatchObject({ code: 'RATE_LIMITED' })
    } finally {
      await client.close()
    }
  })
})
