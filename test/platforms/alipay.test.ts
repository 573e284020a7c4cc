/** Alipay's my.connectSocket through createAlipayConnectSocket, on a fake of its documented behaviour (fakes.ts). */
import { ChatSocket, createAlipayConnectSocket, type AlipayApi, type SocketError } from '../../src'
import type { FakeSocketTask } from '../../src/testing'
import { alipayApi } from './fakes'

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())
const flush = () => jest.advanceTimersByTimeAsync(0)

/** Calls a fake task's listeners with a payload of Alipay's shape (the kit's helpers send WeChat's). */
function raw(task: FakeSocketTask, event: 'close' | 'error', res: object): void {
  ;(task as unknown as { listeners: Record<string, Array<(r: unknown) => void>> }).listeners[event]!.forEach((fn) => fn(res))
}

function socketOn(my: AlipayApi) {
  const socket = new ChatSocket({
    url: 'wss://x/ws',
    header: { a: 'b' },
    tcpNoDelay: true,
    connectSocket: createAlipayConnectSocket(my),
    lifecycle: false,
  })
  const errors: SocketError[] = []
  socket.on('error', (e) => errors.push(e))
  return { socket, errors }
}

describe('createAlipayConnectSocket', () => {
  it('asks for multiple: true (a SocketTask per connect), passes url and header, leaves out what Alipay lacks', async () => {
    const my = alipayApi()
    const { socket } = socketOn(my)
    await flush()
    expect(my.calls[0]).toMatchObject({ url: 'wss://x/ws', header: { a: 'b' }, multiple: true })
    expect(my.calls[0]).not.toHaveProperty('tcpNoDelay')
    my.tasks[0]!.autoAck = true
    my.tasks[0]!.open()
    await expect(socket.send({ type: 'message', text: 'hi' })).resolves.toMatchObject({ type: 'ack' })
  })

  it("turns Alipay's { error, errorMessage } into the CONNECT_FAILED message", async () => {
    const { errors } = socketOn(alipayApi({ failWith: { error: 3, errorMessage: '该 appId,socketTaskId 对应的 websocket 已存在' } }))
    await flush()
    expect(errors[0]?.code).toBe('CONNECT_FAILED')
    expect(errors[0]?.message).toContain('connectSocket:fail 3 该 appId,socketTaskId 对应的 websocket 已存在')
  })

  it('a base library without SocketTask (the old global API only) fails the connect and says why', async () => {
    const { errors } = socketOn(alipayApi({ oldBaseLibrary: true }))
    await flush()
    expect(errors[0]?.code).toBe('CONNECT_FAILED')
    expect(errors[0]?.message).toContain('this base library has only the global socket API')
  })

  it('a close without code or reason reads as 1006, and an error without errMsg gets one', async () => {
    const my = alipayApi()
    const { socket, errors } = socketOn(my)
    const closes: unknown[] = []
    socket.on('close', (e) => closes.push(e))
    await flush()
    const task = my.tasks[0]!
    task.open()
    raw(task, 'close', {})
    expect(closes).toEqual([{ code: 1006, reason: '', willReconnect: true }])
    await jest.advanceTimersByTimeAsync(1000)
    raw(my.tasks[1]!, 'error', { error: 12, errorMessage: 'network' })
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('SocketTask:fail 12 network')])
  })

  it('needs an object with connectSocket', () => {
    expect(() => createAlipayConnectSocket({} as AlipayApi)).toThrow('createAlipayConnectSocket(my): my must have a connectSocket function')
  })
})
