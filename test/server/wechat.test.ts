import type { FetchLike } from '../../server/config'
import { jscode2session, JSCODE2SESSION_URL } from '../../server/wechat'
import { postJson, startTestServer } from './helpers/server-harness'

const creds = { appId: 'wx123', secret: 'shh' }

function fakeFetch(answer: { status?: number; body?: unknown; fail?: Error }): FetchLike & { calls: string[] } {
  const calls: string[] = []
  const fn = async (url: string) => {
    calls.push(url)
    if (answer.fail) throw answer.fail
    return { ok: (answer.status ?? 200) < 300, status: answer.status ?? 200, json: async () => answer.body }
  }
  return Object.assign(fn, { calls })
}

describe('jscode2session', () => {
  it('exchanges the code for an openid, sending appid, secret, js_code and grant_type', async () => {
    const fetch = fakeFetch({ body: { openid: 'o-1', session_key: 'k', unionid: 'u-1' } })
    await expect(jscode2session('the-code', creds, fetch)).resolves.toEqual({ openid: 'o-1', unionid: 'u-1' })
    const url = new URL(fetch.calls[0]!)
    expect(`${url.origin}${url.pathname}`).toBe(JSCODE2SESSION_URL)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: 'wx123',
      secret: 'shh',
      js_code: 'the-code',
      grant_type: 'authorization_code',
    })
  })

  it('turns a refused code into UNAUTHORIZED', async () => {
    const fetch = fakeFetch({ body: { errcode: 40029, errmsg: 'invalid code' } })
    await expect(jscode2session('bad', creds, fetch)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('40029'),
    })
  })

  it.each([
    ['WeChat busy', { body: { errcode: -1, errmsg: 'system error' } }],
    ['HTTP 500', { status: 500, body: {} }],
    ['network failure', { fail: new Error('ECONNREFUSED') }],
    ['no openid', { body: { session_key: 'k' } }],
    ['not an object', { body: 'nope' }],
  ])('turns %s into UPSTREAM', async (_name, answer) => {
    await expect(jscode2session('c', creds, fakeFetch(answer))).rejects.toMatchObject({ code: 'UPSTREAM' })
  })
})

describe('POST /api/login with WeChat credentials', () => {
  jest.setTimeout(30_000)

  it('logs in by openid: the same openid is the same customer, whatever the code', async () => {
    const fetch = fakeFetch({ body: { openid: 'o-42', session_key: 'k' } })
    const server = await startTestServer({ wechat: creds, fetch, dataDir: ':memory:' })
    try {
      const a = await postJson(`${server.url}/api/login`, { code: 'code-1' })
      const b = await postJson(`${server.url}/api/login`, { code: 'code-2' })
      expect(a.status).toBe(200)
      expect(a.body.user.id).toBe(b.body.user.id)
      expect(fetch.calls).toHaveLength(2)
    } finally {
      await server.stop()
    }
  })

  it('answers 401 when WeChat refuses the code and 502 when WeChat fails', async () => {
    const refused = await startTestServer({
      wechat: creds,
      fetch: fakeFetch({ body: { errcode: 40163, errmsg: 'code been used' } }),
      dataDir: ':memory:',
    })
    const down = await startTestServer({ wechat: creds, fetch: fakeFetch({ fail: new Error('timeout') }), dataDir: ':memory:' })
    try {
      expect(await postJson(`${refused.url}/api/login`, { code: 'c' })).toMatchObject({
        status: 401,
        body: { error: { code: 'UNAUTHORIZED' } },
      })
      expect(await postJson(`${down.url}/api/login`, { code: 'c' })).toMatchObject({ status: 502, body: { error: { code: 'UPSTREAM' } } })
    } finally {
      await refused.stop()
      await down.stop()
    }
  })
})
