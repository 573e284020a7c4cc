/**
 * Issue 9, defect 8: resetting an agent's password (agent:add --reset does accounts.addAgent
 * with replace) refuses every token issued before it, at once: /ws answers 401, so does /api/me;
 * a socket already open with one is closed with TOKEN_REFUSED at the next liveness sweep.
 */
import { DEMO, startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'
import { CloseCodes } from '../../src/protocol'

jest.setTimeout(30_000)

describe('a password reset revokes earlier tokens (defect 8)', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(() => server.stop())

  const me = (token: string) => fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })

  it('refuses a token issued before the reset, on /ws and /api/me; a new login works', async () => {
    const before = (await server.loginAgent()).token
    expect((await me(before)).status).toBe(200)
    await server.accounts.addAgent({ username: DEMO.username, password: 'a-new-password-2', replace: true })
    await expect(TestClient.connect(server.wsUrl, before)).rejects.toMatchObject({ status: 401 })
    const refused = await me(before)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'token revoked: log in again' } })
    const after = (await server.loginAgent(DEMO.username, 'a-new-password-2')).token
    const client = await TestClient.connect(server.wsUrl, after)
    expect((await client.call({ type: 'session' })).error).toBeUndefined()
    await client.close()
  })

  it('closes a socket opened before the reset with TOKEN_REFUSED within one liveness sweep; others stay open', async () => {
    await server.stop()
    // A sweep every 100 ms, so the test waits for the close event, not for 30 s.
    server = await startTestServer({ pingInterval: 100 })
    await server.accounts.addAgent({ username: 'other', password: 'other-password-1' })
    const old = await TestClient.connect(server.wsUrl, (await server.loginAgent()).token)
    const other = await TestClient.connect(server.wsUrl, (await server.loginAgent('other', 'other-password-1')).token)
    const customer = await TestClient.connect(server.wsUrl, (await server.loginCustomer('stays')).token)
    await server.accounts.addAgent({ username: DEMO.username, password: 'a-new-password-2', replace: true })
    expect(await old.closed).toEqual({ code: CloseCodes.TOKEN_REFUSED, reason: 'token revoked: log in again' })
    // The others answer after that sweep (TestClient answers pings: they are still alive).
    expect((await other.call({ type: 'session' })).error).toBeUndefined()
    expect((await customer.call({ type: 'session' })).error).toBeUndefined()
    await other.close()
    await customer.close()
  })

  it('keeps tokens of other agents and of customers', async () => {
    await server.accounts.addAgent({ username: 'other', password: 'other-password-1' })
    const other = (await server.loginAgent('other', 'other-password-1')).token
    const customer = (await server.loginCustomer('stays')).token
    await server.accounts.addAgent({ username: DEMO.username, password: 'a-new-password-2', replace: true })
    expect((await me(other)).status).toBe(200)
    expect((await me(customer)).status).toBe(200)
  })
})
