/**
 * Issue 9, defect 8: resetting an agent's password (agent:add --reset does accounts.addAgent
 * with replace) refuses every token issued before it, at once: /ws answers 401, so does /api/me.
 */
import { DEMO, startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

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

  it('keeps tokens of other agents and of customers', async () => {
    await server.accounts.addAgent({ username: 'other', password: 'other-password-1' })
    const other = (await server.loginAgent('other', 'other-password-1')).token
    const customer = (await server.loginCustomer('stays')).token
    await server.accounts.addAgent({ username: DEMO.username, password: 'a-new-password-2', replace: true })
    expect((await me(other)).status).toBe(200)
    expect((await me(customer)).status).toBe(200)
  })
})
