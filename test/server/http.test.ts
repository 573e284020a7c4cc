import fs from 'node:fs'
import path from 'node:path'
import { DEMO, postJson, startTestServer, tempDir, type TestServer } from './helpers/server-harness'
import { GIF, JPEG, PNG, WEBP } from './helpers/images'

jest.setTimeout(30_000)

function form(bytes: Buffer, filename = 'photo.png', type = 'image/png'): FormData {
  const fd = new FormData()
  fd.append('file', new Blob([new Uint8Array(bytes)], { type }), filename)
  return fd
}

async function upload(server: TestServer, body: FormData | string, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/upload`, {
    method: 'POST',
    body,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  })
  return { status: res.status, body: await res.json() }
}

describe('HTTP', () => {
  let server: TestServer
  beforeAll(async () => {
    // A console folder that does not exist, whatever build/console holds in this checkout.
    server = await startTestServer({ uploadMaxBytes: 1024, consoleDir: path.join(__dirname, 'no-such-console') })
  })
  afterAll(() => server.stop())

  describe('GET /healthz', () => {
    it('reports ok with the database reachable', async () => {
      const res = await fetch(`${server.url}/healthz`)
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', connections: 0, agentsOnline: 0 })
    })
  })

  describe('POST /api/login', () => {
    it('maps a dev-mode code to a stable customer with a token', async () => {
      const a = await postJson(`${server.url}/api/login`, { code: 'device-1' })
      const b = await postJson(`${server.url}/api/login`, { code: 'device-1' })
      const c = await postJson(`${server.url}/api/login`, { code: 'device-2' })
      expect(a.status).toBe(200)
      expect(a.body).toMatchObject({
        token: expect.any(String),
        expiresAt: expect.any(Number),
        user: { role: 'customer', name: expect.stringMatching(/^顾客 /) },
      })
      expect(b.body.user.id).toBe(a.body.user.id)
      expect(c.body.user.id).not.toBe(a.body.user.id)
    })

    it.each([[{}], [{ code: '' }], [{ code: 42 }], [{ code: 'x'.repeat(300) }]])('answers 400 BAD_REQUEST to %j', async (body) => {
      expect(await postJson(`${server.url}/api/login`, body)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } })
    })

    it('answers 400 to a body that is not JSON', async () => {
      const res = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' })
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('BAD_REQUEST')
    })
  })

  describe('POST /api/agent/login', () => {
    it('logs the demo agent in', async () => {
      const res = await postJson(`${server.url}/api/agent/login`, DEMO)
      expect(res.status).toBe(200)
      expect(res.body.user).toMatchObject({ role: 'agent', name: '小美' })
    })

    it('answers 401 alike to a wrong password and an unknown user', async () => {
      const wrong = await postJson(`${server.url}/api/agent/login`, { username: DEMO.username, password: 'wrong-password' })
      const unknown = await postJson(`${server.url}/api/agent/login`, { username: 'nobody', password: 'wrong-password' })
      expect(wrong).toEqual({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'wrong username or password' } } })
      expect(unknown).toEqual(wrong)
    })

    it('answers 400 to a missing password', async () => {
      expect((await postJson(`${server.url}/api/agent/login`, { username: 'demo' })).status).toBe(400)
    })
  })

  describe('GET /api/me', () => {
    const me = async (init: { token?: string; query?: string } = {}) => {
      const res = await fetch(`${server.url}/api/me${init.query ?? ''}`, {
        headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
      })
      return { status: res.status, body: await res.json(), headers: res.headers }
    }

    it('tells a customer or an agent who they are and when their token expires, with the header or ?token=', async () => {
      const customer = (await postJson(`${server.url}/api/login`, { code: 'who-am-i' })).body
      const agent = (await postJson(`${server.url}/api/agent/login`, DEMO)).body
      const viaHeader = await me({ token: customer.token })
      expect(viaHeader.status).toBe(200)
      expect(viaHeader.body).toEqual({ user: customer.user, expiresAt: customer.expiresAt })
      expect(viaHeader.headers.get('cache-control')).toBe('no-store')
      expect(await me({ query: `?token=${encodeURIComponent(agent.token)}` })).toMatchObject({
        status: 200,
        body: { user: { id: agent.user.id, role: 'agent', name: '小美' }, expiresAt: agent.expiresAt },
      })
    })

    it("answers 401 with the same error as the socket's: no token, a bad one, one for another secret", async () => {
      expect(await me()).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'token required' } } })
      const bad = await me({ token: 'v1.forged.token' })
      expect(bad.status).toBe(401)
      expect(bad.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'bad token' } })
      expect(bad.headers.get('www-authenticate')).toBe('Bearer')
      const other = await startTestServer({ dataDir: ':memory:', secret: 'another-secret-for-this-test-of-32-chars' })
      const token = (await other.loginCustomer('elsewhere')).token
      await other.stop()
      expect(await me({ token })).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    })
  })

  describe('POST /api/upload', () => {
    let token: string
    beforeAll(async () => {
      token = (await server.loginCustomer('uploader')).token
    })

    it.each([
      ['png', PNG, 'image/png'],
      ['jpeg', JPEG, 'image/jpeg'],
      ['gif', GIF, 'image/gif'],
      ['webp', WEBP, 'image/webp'],
    ])('stores a %s and serves it back with the type from its bytes', async (_n, bytes, type) => {
      // The client's claimed type and file name are ignored.
      const res = await upload(server, form(bytes, 'x.txt', 'text/plain'), token)
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ url: expect.stringMatching(/^\/uploads\/[0-9a-f]{64}\.\w+$/), type, size: bytes.length })
      const got = await fetch(`${server.url}${res.body.url}`)
      expect(got.status).toBe(200)
      expect(got.headers.get('content-type')).toBe(type)
      expect(got.headers.get('x-content-type-options')).toBe('nosniff')
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true)
      expect(fs.existsSync(path.join(server.tmpDir, 'uploads', res.body.name))).toBe(true)
    })

    it('takes the token as ?token= too', async () => {
      const res = await fetch(`${server.url}/api/upload?token=${encodeURIComponent(token)}`, { method: 'POST', body: form(PNG) })
      expect(res.status).toBe(201)
    })

    it('rejects a file that is not an image with 415 UNSUPPORTED_TYPE, whatever it claims', async () => {
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
      const res = await upload(server, form(svg, 'evil.png', 'image/png'), token)
      expect(res).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_TYPE' } } })
      expect(fs.readdirSync(path.join(server.tmpDir, 'uploads')).some((f) => f.includes('svg'))).toBe(false)
    })

    it('rejects a file over the cap with 413 TOO_LARGE and stores nothing', async () => {
      const before = fs.readdirSync(path.join(server.tmpDir, 'uploads')).length
      const big = Buffer.concat([PNG, Buffer.alloc(2048)])
      const res = await upload(server, form(big), token)
      expect(res).toMatchObject({ status: 413, body: { error: { code: 'TOO_LARGE' } } })
      expect(fs.readdirSync(path.join(server.tmpDir, 'uploads')).length).toBe(before)
    })

    it('answers 401 without a token or with a bad one', async () => {
      expect(await upload(server, form(PNG))).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
      expect((await upload(server, form(PNG), 'v1.bad.token')).status).toBe(401)
    })

    it('answers 415 to a body that is not multipart, and 400 to a form without a file', async () => {
      const json = await upload(server, '{}', token, { 'content-type': 'application/json' })
      expect(json.status).toBe(415)
      const fd = new FormData()
      fd.append('note', 'no file here')
      expect(await upload(server, fd, token)).toMatchObject({ status: 400, body: { error: { code: 'BAD_REQUEST' } } })
    })
  })

  describe('GET /uploads/:name', () => {
    it('answers 404 to names it did not write, traversal included', async () => {
      for (const p of [
        `/uploads/${'0'.repeat(64)}.png`,
        '/uploads/secret',
        '/uploads/..%2Fsecret',
        '/uploads/..%2Fchat.db',
        '/uploads/%2e%2e/secret',
      ]) {
        const res = await fetch(`${server.url}${p}`)
        expect(res.status).toBe(404)
      }
    })
  })

  describe('GET /agent/', () => {
    it('serves a placeholder while the console is not built, and redirects / and /agent there', async () => {
      const res = await fetch(`${server.url}/agent/`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/text\/html/)
      expect(await res.text()).toMatch(/Agent console not built yet/)
      for (const p of ['/', '/agent']) {
        const r = await fetch(`${server.url}${p}`, { redirect: 'manual' })
        expect(r.status).toBe(302)
        expect(r.headers.get('location')).toBe('/agent/')
      }
    })
  })

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${server.url}/nope?token=secret`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /nope' } })
  })
})

describe('the agent console', () => {
  it('is served from consoleDir when it is built', async () => {
    const consoleDir = tempDir('console-')
    fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>')
    fs.writeFileSync(path.join(consoleDir, 'app.js'), 'console.log(1)')
    const server = await startTestServer({ consoleDir, dataDir: ':memory:' })
    try {
      expect(await (await fetch(`${server.url}/agent/`)).text()).toMatch(/<title>console<\/title>/)
      const js = await fetch(`${server.url}/agent/app.js`)
      expect(js.headers.get('content-type')).toMatch(/javascript/)
    } finally {
      await server.stop()
      fs.rmSync(consoleDir, { recursive: true, force: true })
    }
  })
})

describe('failed agent logins', () => {
  it('are limited per client: 429 RATE_LIMITED once the burst is spent, even with the right password', async () => {
    const server = await startTestServer({ loginRateLimit: { rate: 0.001, burst: 2 }, dataDir: ':memory:' })
    try {
      const wrong = { username: DEMO.username, password: 'wrong-password' }
      expect((await postJson(`${server.url}/api/agent/login`, wrong)).status).toBe(401)
      expect((await postJson(`${server.url}/api/agent/login`, wrong)).status).toBe(401)
      expect(await postJson(`${server.url}/api/agent/login`, DEMO)).toMatchObject({
        status: 429,
        body: { error: { code: 'RATE_LIMITED' } },
      })
      // When to try again, in whole seconds (2 attempts per 2000 s here).
      const limited = await fetch(`${server.url}/api/agent/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(DEMO),
      })
      expect(limited.status).toBe(429)
      const retryAfter = Number(limited.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThan(1900)
      expect(retryAfter).toBeLessThanOrEqual(2000)
      // Customer logins are not affected.
      expect((await postJson(`${server.url}/api/login`, { code: 'x' })).status).toBe(200)
    } finally {
      await server.stop()
    }
  })
})
