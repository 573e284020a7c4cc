/**
 * Issue 9, defect 7 (in part): a per-user socket cap (one customer token no longer opens 300
 * sockets for one message to fan out to) and customer logins limited per address.
 */
import { CloseCodes } from '../../src/protocol'
import { postJson, startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

jest.setTimeout(60_000)

describe('caps per user and per address (defect 7)', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({
      dataDir: ':memory:',
      limits: { customerSockets: 3, agentSockets: 4, customerLogins: { rate: 1, burst: 20 } },
    })
  })
  afterEach(() => server.stop())

  it('closes sockets past the cap with TOO_MANY_SOCKETS, however many connect at once', async () => {
    const { token } = await server.loginCustomer('many-sockets')
    const clients = await Promise.all(Array.from({ length: 30 }, () => TestClient.connect(server.wsUrl, token)))
    const refused = await Promise.all(clients.map((c) => Promise.race([c.closed, c.roundTrip().then(() => null)])))
    const closed = refused.filter((r) => r !== null)
    expect(closed).toHaveLength(27)
    for (const r of closed) expect(r).toEqual({ code: CloseCodes.TOO_MANY_SOCKETS, reason: 'at most 3 sockets per customer' })
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { connections: number }
    expect(health.connections).toBe(3)
    // One closes: another may take its place.
    const open = clients.filter((_c, i) => refused[i] === null)
    await open[0]!.close()
    const next = await TestClient.connect(server.wsUrl, token)
    await next.roundTrip()
    await Promise.all([...open.slice(1), next].map((c) => c.close()))
  })

  it('gives agents their own, larger cap', async () => {
    const { token } = await server.loginAgent()
    const clients = await Promise.all(Array.from({ length: 5 }, () => TestClient.connect(server.wsUrl, token)))
    const outcomes = await Promise.all(clients.map((c) => Promise.race([c.closed.then((e) => e.code), c.roundTrip().then(() => 0)])))
    expect(outcomes.filter((code) => code === CloseCodes.TOO_MANY_SOCKETS)).toHaveLength(1)
    await Promise.all(clients.map((c) => c.close()))
  })

  it('limits customer logins per address: 200 at once get the burst through and 429 for the rest', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_x, i) => postJson(`${server.url}/api/login`, { code: `new-${i}` })))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(20)
    expect(statuses.filter((s) => s === 429)).toHaveLength(180)
    expect(results.find((r) => r.status === 429)!.body).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^too many customer logins from this address: at most 20 per 20 s; retry in \d+ s$/),
      },
    })
  })
})
