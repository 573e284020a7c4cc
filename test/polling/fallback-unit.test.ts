import { ChatSocket, type ChatSocketOptions } from '../../src'
import { createFakeConnectSocket } from '../../src/testing'
import { refusedUpgrade } from '../../src/transports/polling-switch'
import type { RequestOptions } from '../../src/transports/polling-request'

/** The fallback and upgrade rules of ChatSocket on fakes: a fake connectSocket, a fake wx.request, fake timers. */
function fakeRequest() {
  const calls: Array<RequestOptions & { answer(status: number, body?: string): void }> = []
  const request = (o: RequestOptions) => {
    calls.push(Object.assign({}, o, { answer: (status: number, body = '') => o.success?.({ statusCode: status, data: body }) }))
    return { abort: () => o.fail?.({ errMsg: 'request:fail abort' }) }
  }
  return { calls, request }
}

const HANDSHAKE = JSON.stringify({ sid: 's1', hold: 25000, idleTimeout: 30000 })

async function setup(options: Partial<ChatSocketOptions> = {}) {
  const ws = createFakeConnectSocket()
  const http = fakeRequest()
  const socket = new ChatSocket({
    url: 'wss://chat.test/ws',
    connectSocket: ws.connectSocket,
    request: http.request,
    transports: ['websocket', 'polling'],
    lifecycle: false,
    heartbeat: false,
    reconnect: { minDelay: 100, maxDelay: 100, jitter: 0, minUptime: 0 },
    probeInterval: 5000,
    ...options,
  })
  const events: string[] = []
  socket.on('transport', ({ from, to }) => events.push(`transport ${from}→${to}`))
  socket.on('open', () => events.push('open'))
  socket.on('close', () => events.push('close'))
  socket.on('error', () => undefined)
  await Promise.resolve()
  return { socket, ws, http, events }
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  jest.clearAllTimers()
  jest.useRealTimers()
})

describe('falling back to polling', () => {
  it('after fallbackAfter WebSocket connects fail in a row', async () => {
    const { socket, ws, http, events } = await setup({ fallbackAfter: 3 })
    for (let i = 1; i <= 3; i++) {
      expect(socket.transport).toBe('websocket')
      expect(ws.tasks).toHaveLength(i)
      ws.last().fail('connectSocket:fail timeout')
      jest.advanceTimersByTime(100)
    }
    expect(events).toEqual(['transport websocket→polling'])
    expect(socket.transport).toBe('polling')
    expect(ws.tasks).toHaveLength(3)
    expect(http.calls[0]).toMatchObject({ method: 'POST', url: 'https://chat.test/ws' })
    http.calls[0]?.answer(200, HANDSHAKE)
    expect(socket.state).toBe('open')
    expect(events).toEqual(['transport websocket→polling', 'open'])
  })

  it('at once when the network refuses the upgrade with an HTTP status; not for the server’s 401 or a 5xx', async () => {
    expect(refusedUpgrade('Unexpected server response: 403')).toBe(true)
    expect(refusedUpgrade('connectSocket:fail status code: 400')).toBe(true)
    expect(refusedUpgrade('Unexpected server response: 401')).toBe(false)
    expect(refusedUpgrade('Unexpected server response: 502')).toBe(false)
    expect(refusedUpgrade('connect ECONNREFUSED 127.0.0.1:1')).toBe(false)
    const { socket, ws } = await setup({ fallbackAfter: 5 })
    ws.last().error('Unexpected server response: 403')
    expect(socket.transport).toBe('polling')
  })

  it('never with the default transports', async () => {
    const { socket, ws, events } = await setup({ transports: undefined, fallbackAfter: 1 })
    ws.last().error('Unexpected server response: 403')
    jest.advanceTimersByTime(100)
    expect(socket.transport).toBe('websocket')
    expect(ws.tasks).toHaveLength(2)
    expect(events).toEqual([])
  })
})

describe('upgrading back to WebSocket', () => {
  it('probes with the sid, and on open sends the upgrade frame with the last seq, then what was not posted; the state stays open', async () => {
    const { socket, ws, http, events } = await setup({ transports: ['polling', 'websocket'] })
    expect(socket.transport).toBe('polling')
    http.calls[0]?.answer(200, HANDSHAKE)
    const poll = http.calls.find((c) => c.method === 'GET')
    poll?.answer(200, '1\x1e{"type":"hello"}\x1e{"type":"hello2"}')
    expect(ws.tasks).toHaveLength(0)
    jest.advanceTimersByTime(5000)
    expect(ws.last().options.url).toBe('wss://chat.test/ws?sid=s1')
    const sent = socket.send({ type: 'message', text: 'during the switch' })
    await Promise.resolve() // the batch goes out on a microtask
    ws.last().open()
    // The POST of the send is in flight: the switch waits for it.
    const post = http.calls.find((c) => c.method === 'POST' && c.url.includes('sid=s1'))
    expect(post?.data).toContain('during the switch')
    expect(socket.transport).toBe('polling')
    const later = socket.send({ type: 'message', text: 'after' })
    post?.answer(204)
    expect(socket.transport).toBe('websocket')
    expect(ws.last().sent).toEqual([{ type: 'upgrade', ack: 2 }, expect.objectContaining({ type: 'message', text: 'after' })])
    expect(events).toEqual(['open', 'transport polling→websocket'])
    expect(socket.state).toBe('open')
    // The acks come on the WebSocket now: the server sends the posted one's there too.
    ws.last().ackAll()
    ws.last().receive({ type: 'ack', id: (JSON.parse(post?.data ?? '{}') as { id: string }).id })
    await expect(sent).resolves.toMatchObject({ type: 'ack' })
    await expect(later).resolves.toMatchObject({ type: 'ack' })
    // The polling session is the socket's now: no DELETE.
    expect(http.calls.filter((c) => c.method === 'DELETE')).toHaveLength(0)
  })

  it('closes a probe that fails and probes again later, staying on polling', async () => {
    const { socket, ws, http } = await setup({ transports: ['polling', 'websocket'] })
    http.calls[0]?.answer(200, HANDSHAKE)
    jest.advanceTimersByTime(5000)
    ws.last().error('Unexpected server response: 403')
    expect(socket.transport).toBe('polling')
    expect(socket.state).toBe('open')
    jest.advanceTimersByTime(5000)
    expect(ws.tasks).toHaveLength(2)
  })
})

describe('options', () => {
  const base = { url: 'wss://x/ws', connectSocket: createFakeConnectSocket().connectSocket, autoConnect: false, lifecycle: false }
  it('name the bad option', () => {
    expect(() => new ChatSocket({ ...base, transports: [] })).toThrow(
      "ChatSocket: options.transports must be a non-empty array of 'websocket' and 'polling', each at most once",
    )
    expect(() => new ChatSocket({ ...base, transports: ['websocket', 'websocket'] })).toThrow('options.transports')
    expect(() => new ChatSocket({ ...base, transports: ['sse' as 'polling'] })).toThrow('options.transports')
    expect(() => new ChatSocket({ ...base, transports: ['polling'] })).toThrow(
      "ChatSocket: options.request is required for 'polling' outside a mini-program: e.g. createFetchRequest()",
    )
    expect(() => new ChatSocket({ ...base, transports: ['polling'], request: 'x' as never })).toThrow('options.request must be a function')
    expect(() => new ChatSocket({ ...base, pollingUrl: 'ftp://x' })).toThrow('options.pollingUrl must be an http(s):// URL')
    expect(() => new ChatSocket({ ...base, fallbackAfter: 0 })).toThrow(RangeError)
    expect(() => new ChatSocket({ ...base, probeInterval: -1 })).toThrow('options.probeInterval')
  })
})
