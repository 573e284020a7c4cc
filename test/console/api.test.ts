import { tokenRefused } from '../../console/api'

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
