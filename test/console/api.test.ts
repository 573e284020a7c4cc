import { ApiError, login, retryAfter, tokenRefused } from '../../console/api'

describe('tokenRefused', () => {
  const respond = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  it('is true only for a 401 from GET /api/me', async () => {
    expect(await tokenRefused(respond(401, { error: { code: 'UNAUTHORIZED', message: 'bad token' } }), 't')).toBe(true)
    expect(await tokenRefused(respond(200, { user: { id: 'a_1', role: 'agent', name: '小美' }, expiresAt: 1 }), 't')).toBe(false)
    expect(await tokenRefused(respond(503, { error: { code: 'INTERNAL', message: 'closing' } }), 't')).toBe(false)
    expect(
      await tokenRefused(async () => {
        throw new TypeError('Failed to fetch')
      }, 't'),
    ).toBe(false)
  })

  it('sends the token as a Bearer header to GET /api/me, uncached', async () => {
    const calls: Array<[string, RequestInit | undefined]> = []
    await tokenRefused(async (input, init) => {
      calls.push([input, init])
      return new Response('{}', { status: 500 })
    }, 'v1.abc')
    expect(calls).toEqual([
      ['/api/me', expect.objectContaining({ method: 'GET', headers: { authorization: 'Bearer v1.abc' }, cache: 'no-store' })],
    ])
  })
})

describe('retryAfter', () => {
  const res = (value?: string): Response =>
    new Response(null, { status: 429, headers: value === undefined ? {} : { 'retry-after': value } })

  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    expect(retryAfter(res('7'))).toBe(7)
    expect(retryAfter(res(' 12 '))).toBe(12)
    const now = Date.parse('2025-01-01T00:00:00Z')
    expect(retryAfter(res('Wed, 01 Jan 2025 00:00:30 GMT'), now)).toBe(30)
    expect(retryAfter(res('Tue, 31 Dec 2024 23:59:00 GMT'), now)).toBe(0)
    expect(retryAfter(res())).toBeNull()
    expect(retryAfter(res('soon'))).toBeNull()
    expect(retryAfter(res('-3'))).toBeNull()
  })

  it('comes with a 429 as ApiError.retryAfter', async () => {
    const err: unknown = await login(
      async () =>
        new Response(JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'too many failed logins' } }), {
          status: 429,
          headers: { 'retry-after': '5' },
        }),
      'demo',
      'pw',
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfter: 5 })
  })
})
