/** Taro and uni-app through createMiniProgramConnectSocket, on fakes of their documented connectSocket (fakes.ts). */
import { ChatSocket, createMiniProgramConnectSocket, type MiniProgramApi, type SocketError } from '../../src'
import { FakeSocketTask } from '../../src/testing'
import { taroApi, uniApi } from './fakes'

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())
const flush = () => jest.advanceTimersByTimeAsync(0)

function socketOn(api: { connectSocket: unknown }, extra: object = {}) {
  const socket = new ChatSocket({
    url: 'wss://x/ws',
    connectSocket: createMiniProgramConnectSocket(api as MiniProgramApi),
    lifecycle: false,
    reconnect: { minDelay: 100, jitter: 0 },
    ...extra,
  })
  const errors: SocketError[] = []
  socket.on('error', (e) => errors.push(e))
  return { socket, errors }
}

describe('Taro: connectSocket returns a Promise of the SocketTask', () => {
  it('connects, sends and gets the ack on the task the Promise gives', async () => {
    const Taro = taroApi()
    const { socket, errors } = socketOn(Taro)
    await flush()
    const task = Taro.tasks[0]!
    task.autoAck = true
    task.open()
    expect(socket.state).toBe('open')
    await expect(socket.send({ type: 'message', text: 'hi' })).resolves.toMatchObject({ type: 'ack' })
    expect(errors).toEqual([])
  })

  it('a rejected Promise is CONNECT_FAILED with its errMsg, and the socket tries again', async () => {
    const Taro = taroApi({ reject: 'connectSocket:fail url not in domain list' })
    const { socket, errors } = socketOn(Taro)
    await flush()
    expect(errors.map((e) => e.code)).toEqual(['CONNECT_FAILED'])
    expect(errors[0]!.message).toContain('url not in domain list')
    expect(socket.state).toBe('reconnecting')
    await jest.advanceTimersByTimeAsync(100)
    expect(errors.length).toBe(2)
  })

  it('a Promise of something that is no task is CONNECT_FAILED, not a TypeError', async () => {
    const { errors } = socketOn(taroApi({ resolveWith: { nope: true } }))
    await flush()
    expect(errors.map((e) => [e.code, e.message])).toEqual([['CONNECT_FAILED', 'connect failed: connectSocket returned no SocketTask']])
  })

  it('close() before the task arrives closes it when it does', async () => {
    let resolve: (t: FakeSocketTask) => void = () => undefined
    let task: FakeSocketTask | null = null
    const Taro = {
      connectSocket: (o: ConstructorParameters<typeof FakeSocketTask>[0]) =>
        new Promise<FakeSocketTask>((r) => {
          task = new FakeSocketTask(o)
          resolve = r
        }),
    }
    const { socket } = socketOn(Taro)
    await flush()
    socket.close()
    resolve(task!)
    await flush()
    expect(task!.closedWith).toEqual({ code: 1000, reason: '' })
  })
})

describe('uni-app: connectSocket returns a SocketTask only when a callback is passed', () => {
  it('the fake returns a Promise without callbacks (as documented), so the test is real', () => {
    expect(uniApi().connectSocket({ url: 'wss://x/ws' })).toBeInstanceOf(Promise)
  })

  it('ChatSocket always passes fail, so it gets the task, opens and sends', async () => {
    const uni = uniApi()
    const { socket, errors } = socketOn(uni)
    await flush()
    const task = uni.tasks[0]!
    expect(typeof task.options.fail).toBe('function')
    task.autoAck = true
    task.open()
    await expect(socket.send({ type: 'message', text: 'hi' })).resolves.toMatchObject({ type: 'ack' })
    expect(errors).toEqual([])
  })
})
