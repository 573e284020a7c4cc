/**
 * Issue 9, defect 11: a lone UTF-16 surrogate in an id or a text is refused with BAD_REQUEST
 * (it would be stored as U+FFFD and history would no longer match the ack); surrogate pairs
 * (emoji) round-trip exactly.
 */
import { startTestServer, type TestServer } from './helpers/server-harness'
import { TestClient } from './helpers/ws-client'

jest.setTimeout(30_000)

describe('lone surrogates (defect 11)', () => {
  let server: TestServer
  let client: TestClient
  beforeAll(async () => {
    server = await startTestServer({ dataDir: ':memory:' })
    client = await TestClient.connect(server.wsUrl, (await server.loginCustomer('surrogates')).token)
  })
  afterAll(async () => {
    await client.close()
    await server.stop()
  })

  it('refuses a text with a lone surrogate, naming the field', async () => {
    for (const text of ['a\ud800b', 'end\udbff', '\udc00start']) {
      const answer = await client.call({ type: 'message', kind: 'text', text })
      expect(answer.error).toEqual({ code: 'BAD_REQUEST', message: '"text" must not contain a lone UTF-16 surrogate' })
    }
  })

  it('refuses an id with a lone surrogate, answering that exact id', async () => {
    const id = 'm-\ud83d'
    const answer = await client.call({ id, type: 'message', kind: 'text', text: 'hi' })
    expect(answer.id).toBe(id)
    expect(answer.error).toEqual({ code: 'BAD_REQUEST', message: '"id" must not contain a lone UTF-16 surrogate' })
  })

  it('stores surrogate pairs exactly: history matches what was acked', async () => {
    const text = '表情 😀👍🏽 𠮷'
    const ack = await client.call({ type: 'message', kind: 'text', text })
    expect(ack.error).toBeUndefined()
    const page = await client.request<{ messages: Array<{ id: string; text?: string }> }>({
      type: 'history',
      conversationId: ack.conversationId,
      beforeSeq: 0,
    })
    expect(page.messages.find((m) => m.id === ack.id)?.text).toBe(text)
  })
})
