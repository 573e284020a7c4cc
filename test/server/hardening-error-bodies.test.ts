/**
 * Issue 9, defect 5: one error shape for every route ({error:{code,message}}), messages that
 * name the limit that was hit, and Cache-Control: no-store on every error (401s included).
 */
import { postJson, startTestServer, type TestServer } from './helpers/server-harness'

jest.setTimeout(30_000)

describe('error bodies (defect 5)', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ dataDir: ':memory:', uploadMaxBytes: 1000 })
  })
  afterAll(() => server.stop())

  async function answer(res: Response): Promise<{ status: number; cache: string | null; body: unknown }> {
    return { status: res.status, cache: res.headers.get('cache-control'), body: await res.json() }
  }

  it('names the JSON body limit for a 70 KB login body, not the upload limit', async () => {
    const res = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'x'.repeat(70 * 1024) }),
    })
    expect(await answer(res)).toEqual({
      status: 413,
      cache: 'no-store',
      body: { error: { code: 'TOO_LARGE', message: 'request body larger than 65536 bytes' } },
    })
  })

  it('names the upload limit for a large upload', async () => {
    const { token } = await server.loginCustomer('big-upload')
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(5000)], { type: 'image/png' }), 'a.png')
    const res = await fetch(`${server.url}/api/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    expect(await answer(res)).toMatchObject({
      status: 413,
      body: { error: { code: 'TOO_LARGE', message: 'upload larger than 1000 bytes (UPLOAD_MAX_BYTES)' } },
    })
  })

  it('answers a bad URL encoding in the usual shape', async () => {
    const res = await fetch(`${server.url}/api/%E0%A4%A`)
    const got = await answer(res)
    expect(got).toMatchObject({ status: 400, cache: 'no-store', body: { error: { code: 'BAD_REQUEST' } } })
    expect(Object.keys(got.body as object)).toEqual(['error'])
  })

  it('marks 401s, 404s and bad JSON no-store, in the usual shape', async () => {
    expect(await answer(await fetch(`${server.url}/api/me`))).toEqual({
      status: 401,
      cache: 'no-store',
      body: { error: { code: 'UNAUTHORIZED', message: 'token required' } },
    })
    expect(await answer(await fetch(`${server.url}/nothing-here`))).toMatchObject({ status: 404, cache: 'no-store' })
    const bad = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"code":',
    })
    expect(await answer(bad)).toMatchObject({ status: 400, cache: 'no-store', body: { error: { code: 'BAD_REQUEST' } } })
    expect((await postJson(`${server.url}/api/login`, { code: 7 })).body).toMatchObject({ error: { code: 'BAD_REQUEST' } })
  })
})
