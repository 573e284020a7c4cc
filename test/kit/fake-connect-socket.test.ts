/** The testing kit's fake SocketTask driving a real ChatSocket on jest's fake timers. */
import { ChatSocket, type SocketError } from 'miniprogram-chat-socket'
import { createFakeConnectSocket } from 'miniprogram-chat-socket/testing'

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

/** Runs due timers and the microtasks they queue, without moving the clock. */
const flush = () => jest.advanceTimersByTimeAsync(0)

function open(fake = createFakeConnectSocket(), extra: object = {}) {
  const socket = new ChatSocket({ url: 'wss://x/ws', connectSocket: fake.connectSocket, lifecycle: false, ...extra })
  const errors: SocketError[] = []
  socket.on('error', (e) => errors.push(e))
  return { fake, socket, errors }
}

describe('createFakeConnectSocket', () => {
  it('has no task before ChatSocket connects; then the task carries the url and header ChatSocket asked for', async () => {
    const fake = createFakeConnectSocket()
    expect(() => fake.last()).toThrow('no task was created yet')
    open(fake, { header: { Authorization: 'Bearer t1' } })
    await flush()
    expect(fake.tasks).toHaveLength(1)
    expect(fake.last().url).toBe('wss://x/ws')
    expect(fake.last().header).toEqual({ Authorization: 'Bearer t1' })
  })

  it('opens on open(), records sent frames decoded (and raw as given), and receive() delivers objects and raw text', async () => {
    const { fake, socket, errors } = open()
    const messages: unknown[] = []
    socket.on('message', (m) => messages.push(m))
    await flush()
    const task = fake.last()
    task.open()
    expect(socket.state).toBe('open')
    const sent = socket.send({ type: 'message', text: 'hi' })
    expect(task.sent).toEqual([expect.objectContaining({ type: 'message', text: 'hi', id: expect.any(String) })])
    expect(typeof task.raw[0]).toBe('string')
    task.receive({ type: 'ack', id: task.sent[0]!.id })
    await expect(sent).resolves.toMatchObject({ type: 'ack' })
    task.receive({ type: 'notice', text: 'hello' })
    expect(messages).toEqual([{ type: 'notice', text: 'hello' }])
    task.receive('raw text')
    expect(errors.map((e) => e.code)).toEqual(['DECODE'])
  })

  it('autoAck answers frames with an id with an ack (seq from 1) and pings with pong, on a microtask', async () => {
    const { fake, socket } = open(createFakeConnectSocket({ autoAck: true }), { heartbeat: { interval: 1000, timeout: 500 } })
    await flush()
    fake.last().open()
    await expect(socket.send({ type: 'message', text: 'a' })).resolves.toMatchObject({ type: 'ack', seq: 1 })
    await expect(socket.send({ type: 'message', text: 'b' })).resolves.toMatchObject({ type: 'ack', seq: 2 })
    // A heartbeat ping gets its pong: the link survives interval + timeout, many times over.
    await jest.advanceTimersByTimeAsync(10_000)
    expect(fake.last().sent.filter((f) => f.type === 'ping').length).toBeGreaterThan(3)
    expect(fake.tasks).toHaveLength(1)
    expect(socket.state).toBe('open')
  })

  it('without autoAck the same heartbeat finds the link dead and closes the task with 4000', async () => {
    const { fake, socket } = open(createFakeConnectSocket(), { heartbeat: { interval: 1000, timeout: 500 } })
    await flush()
    fake.last().open()
    await jest.advanceTimersByTimeAsync(1600)
    expect(fake.tasks[0]!.closedWith).toEqual({ code: 4000, reason: 'heartbeat timeout' })
    expect(socket.state).toBe('reconnecting')
  })

  it('serverClose(code, reason) is a close event that reconnects on a new task', async () => {
    const { fake, socket } = open(createFakeConnectSocket(), { reconnect: { minDelay: 100, jitter: 0 } })
    const closes: unknown[] = []
    socket.on('close', (e) => closes.push(e))
    await flush()
    fake.last().open()
    fake.last().serverClose(1001, 'bye')
    expect(closes).toEqual([{ code: 1001, reason: 'bye', willReconnect: true }])
    await jest.advanceTimersByTimeAsync(100)
    expect(fake.tasks).toHaveLength(2)
  })

  it("fail(errMsg) is connectSocket's fail callback: CONNECT_FAILED naming it; error(errMsg) before open as well", async () => {
    const { fake, errors } = open(createFakeConnectSocket(), { reconnect: { minDelay: 100, jitter: 0 } })
    await flush()
    fake.last().fail('connectSocket:fail url not in domain list')
    expect(errors.map((e) => [e.code, e.message])).toEqual([['CONNECT_FAILED', expect.stringContaining('url not in domain list')]])
    await jest.advanceTimersByTimeAsync(100)
    fake.last().error('network down')
    expect(errors.map((e) => e.code)).toEqual(['CONNECT_FAILED', 'CONNECT_FAILED'])
  })

  it('failSends makes send() call fail: ChatSocket drops the link and sends again on the next one', async () => {
    const { fake, socket } = open(createFakeConnectSocket(), { reconnect: { minDelay: 100, jitter: 0 } })
    await flush()
    fake.last().open()
    fake.last().failSends = true
    const sent = socket.send({ type: 'message', text: 'x' })
    expect(fake.tasks[0]!.raw).toEqual([])
    await jest.advanceTimersByTimeAsync(100)
    expect(fake.tasks).toHaveLength(2)
    fake.last().autoAck = true
    fake.last().open()
    await expect(sent).resolves.toMatchObject({ type: 'ack' })
  })
})
