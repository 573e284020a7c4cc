/**
 * Issue 9, defect 9: security headers from @fastify/helmet on every route: a CSP header with
 * frame-ancestors (a <meta> CSP cannot say it), X-Frame-Options, nosniff on the console's app.js.
 */
import fs from 'node:fs'
import path from 'node:path'
import { startTestServer, tempDir, type TestServer } from './helpers/server-harness'

jest.setTimeout(30_000)

describe('security headers (defect 9)', () => {
  let server: TestServer
  let consoleDir: string
  beforeAll(async () => {
    consoleDir = tempDir('chat-console-')
    fs.writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>客服工作台</title><script defer src="app.js"></script>')
    fs.writeFileSync(path.join(consoleDir, 'app.js'), 'void 0\n')
    server = await startTestServer({ dataDir: ':memory:', consoleDir })
  })
  afterAll(async () => {
    await server.stop()
    fs.rmSync(consoleDir, { recursive: true, force: true })
  })

  it.each(['/agent/', '/agent/app.js', '/healthz', '/api/me', '/no-such-route'])('%s carries them', async (route) => {
    const res = await fetch(`${server.url}${route}`)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  })

  it('lets the console connect its socket and load its own files', async () => {
    const csp = (await fetch(`${server.url}/agent/`)).headers.get('content-security-policy') ?? ''
    expect(csp).toContain("connect-src 'self' ws: wss:")
    expect(csp).toContain("style-src 'self'")
  })
})
