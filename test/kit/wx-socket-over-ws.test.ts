/** The testing kit's `wx.connectSocket` over `ws`: WeChat's SocketTask rules against a real server. */
import WebSocket from 'ws'
import { createWxSocketOverWs, startMockServer, waitFor, type MockServer } from 'miniprogram-chat-socket/testing'

let server: MockServer
beforeEach(async () => {
  server = await startMockServer()
})
afterEach(() => server.close())

function opened(connectSocket: ReturnType<typeof createWxSocketOverWs<WebSocket>>) {
  const task = connectSocket({ url: server.url, header: { 'x-test': '1' } })
  const log: string[] = []
  task.onOpen(() => log.push('open'))
  task.onClose((r) => log.push(`close ${r.code}`))
  task.onError((r) => log.push(`error ${r.errMsg}`))
  return { task, log }
}

describe('createWxSocketOverWs', () => {
  it('needs the ws class', () => {
    expect(() => createWxSocketOverWs(undefined as unknown as typeof WebSocket)).toThrow(
      "createWxSocketOverWs(WebSocket): pass the WebSocket class of the 'ws' package",
    )
  })

  it('send before open fails through its callback; after open it succeeds; handshake headers reach the server', async () => {
    const connectSocket = createWxSocketOverWs(WebSocket)
    const { task, log } = opened(connectSocket)
    const early = await new Promise<string>((resolve) => task.send({ data: '{"type":"m"}', fail: (e) => resolve(e.errMsg) }))
    expect(early).toBe('sendSocketMessage:fail WebSocket is not connected')
    await waitFor(() => log.includes('open'), { what: 'open' })
    const ok = await new Promise<unknown>((resolve) => task.send({ data: '{"type":"m","id":"1"}', success: resolve }))
    expect(ok).toEqual({ errMsg: 'sendSocketMessage:ok' })
    expect(server.handshakes[0]?.headers['x-test']).toBe('1')
    expect(connectSocket.tasks).toEqual([task])
    expect(task.url).toBe(server.url)
  })

  it('delivers text frames as strings and binary ones as ArrayBuffers', async () => {
    const connectSocket = createWxSocketOverWs(WebSocket)
    const { task, log } = opened(connectSocket)
    const got: Array<string | ArrayBuffer> = []
    task.onMessage((r) => got.push(r.data))
    await waitFor(() => log.includes('open'), { what: 'open' })
    const [conn] = [...server.connections]
    conn!.send('{"type":"notice"}')
    conn!.send(new Uint8Array([1, 2, 3]), { binary: true })
    await waitFor(() => got.length === 2, { what: 'two frames' })
    expect(got[0]).toBe('{"type":"notice"}')
    expect(got[1]).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(got[1] as ArrayBuffer)]).toEqual([1, 2, 3])
  })

  it('close() as WeChat checks it: no options, a code outside 1000/3000–4999 or a reason over 123 bytes fail and are recorded', async () => {
    const connectSocket = createWxSocketOverWs(WebSocket)
    const { task, log } = opened(connectSocket)
    await waitFor(() => log.includes('open'), { what: 'open' })
    ;(task.close as (o?: unknown) => void)()
    const badCode = await new Promise<string>((resolve) => task.close({ code: 1001, reason: '', fail: (e) => resolve(e.errMsg) }))
    const longReason = await new Promise<string>((resolve) =>
      task.close({ code: 1000, reason: '长'.repeat(42), fail: (e) => resolve(e.errMsg) }),
    )
    expect([badCode, longReason]).toEqual(['closeSocket:fail invalid code 1001', 'closeSocket:fail reason too long'])
    expect(connectSocket.violations).toEqual([
      'close() called without an options object',
      'close() with code 1001',
      'close() with a 126-byte reason',
    ])
    expect(log).toEqual(['open'])
    const ok = await new Promise<unknown>((resolve) => task.close({ code: 4001, reason: 'bye', success: resolve }))
    expect(ok).toEqual({ errMsg: 'closeSocket:ok' })
    await waitFor(() => log.length === 2, { what: 'the close' })
    expect(log).toEqual(['open', 'close 4001'])
  })

  it('a failed connection reports onError then onClose, as WeChat does', async () => {
    const url = server.url
    await server.close()
    const task = createWxSocketOverWs(WebSocket)({ url })
    const log: string[] = []
    task.onError(() => log.push('error'))
    task.onClose(() => log.push('close'))
    await waitFor(() => log.length === 2, { what: 'error and close' })
    expect(log).toEqual(['error', 'close'])
  })
})
