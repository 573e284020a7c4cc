import { PollingTransport, addQuery, createFetchRequest, pollingUrlOf, type Detached } from '../../../src/transports'
import type { LinkEvents } from '../../../src/transports'
import type { FetchFn, RequestOptions } from '../../../src/transports/polling-request'

/** A wx.request double: each call waits until the test answers it. */
function fakeRequest() {
  const calls: Array<RequestOptions & { aborted: boolean; answer(status: number, body?: string): void; failWith(errMsg: string): void }> =
    []
  const request = (options: RequestOptions) => {
    const call = Object.assign({}, options, {
      aborted: false,
      answer: (status: number, body = '') => options.success?.({ statusCode: status, data: body }),
      failWith: (errMsg: string) => options.fail?.({ errMsg }),
    })
    calls.push(call)
    return {
      abort: () => {
        call.aborted = true
        options.fail?.({ errMsg: 'request:fail abort' })
      },
    }
  }
  const last = (method?: string) => {
    const found = calls.filter((c) => method === undefined || c.method === method).at(-1)
    if (!found) throw new Error(`no ${method ?? ''} request made`)
    return found
  }
  return { calls, request, last }
}

function recorder() {
  const log: Array<[string, ...unknown[]]> = []
  const events: LinkEvents = {
    open: () => log.push(['open']),
    message: (data) => log.push(['message', data]),
    close: (code, reason) => log.push(['close', code, reason]),
    error: (message) => log.push(['error', message]),
    failed: (reason) => log.push(['failed', reason]),
    sendFailed: (cause) => log.push(['sendFailed', String((cause as Error).message ?? (cause as { errMsg: string }).errMsg)]),
  }
  return { log, events }
}

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve))
const HANDSHAKE = JSON.stringify({ sid: 's1', hold: 25000, idleTimeout: 30000 })

function openLink(url = 'wss://chat.example.com/ws?token=t') {
  const fake = fakeRequest()
  const rec = recorder()
  const transport = new PollingTransport(fake.request, undefined, 10_000)
  const link = transport.connect({ url, header: { authorization: 'Bearer t' } }, rec.events)!
  fake.last('POST').answer(200, HANDSHAKE)
  return { fake, rec, link }
}

describe('polling URLs', () => {
  it('turn ws: into http: and wss: into https:, keeping host, path and query', () => {
    expect(pollingUrlOf('ws://127.0.0.1:8080/ws?token=a')).toBe('http://127.0.0.1:8080/ws?token=a')
    expect(pollingUrlOf('wss://chat.example.com/ws')).toBe('https://chat.example.com/ws')
    expect(addQuery('https://x/ws?token=a', 'sid', 's 1')).toBe('https://x/ws?token=a&sid=s%201')
    expect(addQuery('https://x/ws#frag', 'ack', 3)).toBe('https://x/ws?ack=3')
  })

  it('take the pollingUrl option, a string or a function of the socket URL', () => {
    const fake = fakeRequest()
    new PollingTransport(fake.request, 'https://poll.example.com/p', 1000).connect({ url: 'wss://a/ws' }, recorder().events)
    new PollingTransport(fake.request, (u) => `${pollingUrlOf(u)}&via=fn`, 1000).connect({ url: 'wss://a/ws?token=t' }, recorder().events)
    expect(fake.calls.map((c) => c.url)).toEqual(['https://poll.example.com/p', 'https://a/ws?token=t&via=fn'])
  })

  it('refuse a pollingUrl that is not http(s), as a failed connect', () => {
    const rec = recorder()
    const link = new PollingTransport(fakeRequest().request, () => 'ftp://x', 1000).connect({ url: 'wss://a/ws' }, rec.events)
    expect(link).toBeNull()
    expect(rec.log).toEqual([['failed', 'pollingUrl: pollingUrl gave ftp://x, not an http(s) URL']])
  })
})

describe('PollingTransport', () => {
  it('opens a session with a POST carrying the headers, then holds one GET with the ack', () => {
    const { fake, rec } = openLink()
    expect(fake.calls[0]).toMatchObject({
      method: 'POST',
      url: 'https://chat.example.com/ws?token=t',
      header: { authorization: 'Bearer t' },
    })
    expect(rec.log).toEqual([['open']])
    expect(fake.last('GET')).toMatchObject({ url: 'https://chat.example.com/ws?token=t&sid=s1&ack=0', timeout: 35_000, dataType: 'text' })
    expect(fake.calls.filter((c) => c.method === 'GET')).toHaveLength(1)
  })

  it('reports a handshake refused or failed as a failed connect', () => {
    for (const [answer, expected] of [
      [(c: ReturnType<typeof fakeRequest>) => c.last('POST').answer(401, '{"error":{}}'), 'polling handshake answered HTTP 401'],
      [(c: ReturnType<typeof fakeRequest>) => c.last('POST').answer(200, 'nope'), 'polling handshake: not a session'],
      [(c: ReturnType<typeof fakeRequest>) => c.last('POST').failWith('request:fail timeout'), 'request:fail timeout'],
    ] as const) {
      const fake = fakeRequest()
      const rec = recorder()
      new PollingTransport(fake.request, undefined, 1000).connect({ url: 'ws://a/ws' }, rec.events)
      answer(fake)
      expect(rec.log).toEqual([['failed', expected]])
    }
  })

  it('delivers the frames of each answer in order and acks them in the next poll, skipping any sent again', () => {
    const { fake, rec } = openLink()
    fake.last('GET').answer(200, '1\x1e{"type":"a"}\x1e{"type":"b"}')
    expect(fake.last('GET').url).toMatch(/&ack=2$/)
    // The server had not seen ack=2 yet: it sends 2 again with 3.
    fake.last('GET').answer(200, '2\x1e{"type":"b"}\x1e{"type":"c"}')
    fake.last('GET').answer(200, '4')
    expect(fake.last('GET').url).toMatch(/&ack=3$/)
    expect(rec.log).toEqual([['open'], ['message', '{"type":"a"}'], ['message', '{"type":"b"}'], ['message', '{"type":"c"}']])
  })

  it('batches the frames of one turn in one POST, with one POST in flight at a time', async () => {
    const { fake, link } = openLink()
    const sent: string[] = []
    link.send('{"n":1}', () => sent.push('1'))
    link.send('{"n":2}', () => sent.push('2'))
    await tick()
    link.send('{"n":3}', () => sent.push('3'))
    await tick()
    const posts = () => fake.calls.filter((c) => c.method === 'POST' && c.url.includes('sid='))
    expect(posts()).toHaveLength(1)
    expect(posts()[0]).toMatchObject({ url: 'https://chat.example.com/ws?token=t&sid=s1', data: '{"n":1}\x1e{"n":2}' })
    expect(posts()[0]?.header?.['content-type']).toBe('text/plain;charset=UTF-8')
    posts()[0]?.answer(204)
    expect(sent).toEqual(['1', '2'])
    expect(posts()).toHaveLength(2)
    expect(posts()[1]?.data).toBe('{"n":3}')
    posts()[1]?.answer(204)
    expect(sent).toEqual(['1', '2', '3'])
  })

  it('reports a failed or refused POST as a failed send, and refuses binary frames', async () => {
    const { fake, rec, link } = openLink()
    link.send('{"n":1}')
    await tick()
    fake.last('POST').failWith('request:fail network down')
    link.send('{"n":2}')
    await tick()
    fake.last('POST').answer(500)
    link.send(new ArrayBuffer(2))
    link.send('a\x1eb')
    expect(rec.log.slice(1)).toEqual([
      ['sendFailed', 'request:fail network down'],
      ['sendFailed', 'polling POST answered HTTP 500'],
      ['sendFailed', 'polling carries text frames without U+001E only'],
      ['sendFailed', 'polling carries text frames without U+001E only'],
    ])
  })

  it('reports the end of the session: 410 with the close code, 404 as 1006, a network failure as an error', () => {
    const a = openLink()
    a.fake.last('GET').answer(410, JSON.stringify({ error: { code: 'CLOSED' }, close: { code: 1001, reason: 'server shutting down' } }))
    expect(a.rec.log).toEqual([['open'], ['close', 1001, 'server shutting down']])
    const b = openLink()
    b.fake.last('GET').answer(404, '{}')
    expect(b.rec.log).toEqual([['open'], ['close', 1006, 'polling session expired']])
    const c = openLink()
    c.fake.last('GET').failWith('request:fail connection reset')
    expect(c.rec.log).toEqual([['open'], ['error', 'request:fail connection reset']])
    const d = openLink()
    d.fake.last('GET').answer(200, 'garbage')
    expect(d.rec.log).toEqual([['open'], ['error', 'poll answered a batch without a seq']])
    // No poll after any of them.
    for (const x of [a, b, c, d]) expect(x.fake.calls.filter((r) => r.method === 'GET')).toHaveLength(1)
  })

  it('close() aborts the held poll and ends the session with a DELETE carrying the code; nothing is reported after', () => {
    const { fake, rec, link } = openLink()
    link.close(4000, 'heartbeat timeout')
    expect(fake.last('GET').aborted).toBe(true)
    expect(fake.last('DELETE').url).toBe('https://chat.example.com/ws?token=t&sid=s1&code=4000&reason=heartbeat%20timeout')
    link.close(4000, 'again')
    expect(fake.calls.filter((c) => c.method === 'DELETE')).toHaveLength(1)
    expect(rec.log).toEqual([['open']])
  })

  it('close() during the handshake ends the session the handshake opens', () => {
    const fake = fakeRequest()
    const rec = recorder()
    const link = new PollingTransport(fake.request, undefined, 1000).connect({ url: 'ws://a/ws' }, rec.events)
    link?.close(1000, '')
    fake.last('POST').answer(200, HANDSHAKE)
    expect(fake.last('DELETE').url).toBe('http://a/ws?sid=s1&code=1000&reason=')
    expect(rec.log).toEqual([])
  })

  it('detach() waits for the POST in flight, then hands over what was not posted and the last seq; the session is left alone', async () => {
    const { fake, rec, link } = openLink()
    fake.last('GET').answer(200, '1\x1e{"type":"a"}')
    link.send('{"n":1}')
    await tick()
    link.send('{"n":2}')
    let detached: Detached | null = null
    link.detach((d) => (detached = d))
    expect(fake.last('GET').aborted).toBe(true)
    expect(detached).toBeNull()
    link.send('{"n":3}')
    fake.last('POST').answer(204)
    expect(detached).toEqual({
      lastSeq: 1,
      unsent: [
        { data: '{"n":2}', sent: undefined },
        { data: '{"n":3}', sent: undefined },
      ],
      ok: true,
    })
    link.close(1000, '')
    expect(fake.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0)
    expect(rec.log).toEqual([['open'], ['message', '{"type":"a"}']])
  })

  it('detach() says when the POST in flight failed', async () => {
    const { fake, link } = openLink()
    link.send('{"n":1}')
    await tick()
    let detached: Detached | null = null
    link.detach((d) => (detached = d))
    fake.last('POST').failWith('request:fail reset')
    expect(detached).toEqual({ lastSeq: 0, unsent: [], ok: false })
  })
})

describe('createFetchRequest', () => {
  it('answers with the status and the body as text; GET carries no body', async () => {
    const seen: unknown[] = []
    const fetchFn: FetchFn = (url, init) => {
      seen.push([url, init.method, init.body, init.headers])
      return Promise.resolve({ status: 204, text: () => Promise.resolve('ok') })
    }
    const request = createFetchRequest(fetchFn)
    const res = await new Promise((resolve, reject) =>
      request({ url: 'http://a/ws', method: 'GET', data: 'x', header: { a: '1' }, success: resolve, fail: reject }),
    )
    expect(res).toEqual({ statusCode: 204, data: 'ok' })
    expect(seen).toEqual([['http://a/ws', 'GET', undefined, { a: '1' }]])
  })

  it('fails on a network error, on abort and on timeout, once each', async () => {
    const never: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))))
    const request = createFetchRequest(never)
    const failures: string[] = []
    const task = request({ url: 'http://a', method: 'POST', fail: (e) => failures.push(e.errMsg) })
    task?.abort()
    jest.useFakeTimers()
    try {
      request({ url: 'http://a', method: 'GET', timeout: 50, fail: (e) => failures.push(e.errMsg) })
      jest.advanceTimersByTime(50)
    } finally {
      jest.useRealTimers()
    }
    await new Promise<void>((resolve) =>
      createFetchRequest(() => Promise.reject(new Error('ECONNREFUSED')))({
        url: 'http://a',
        method: 'GET',
        fail: (e) => {
          failures.push(e.errMsg)
          resolve()
        },
      }),
    )
    expect(failures).toEqual(['request:fail abort', 'request:fail timeout after 50 ms', 'request:fail ECONNREFUSED'])
  })

  it('needs a fetch', () => {
    const saved = globalThis.fetch
    try {
      ;(globalThis as { fetch?: unknown }).fetch = undefined
      expect(() => createFetchRequest()).toThrow('createFetchRequest(fetch): no fetch here; pass one')
    } finally {
      globalThis.fetch = saved
    }
  })
})
