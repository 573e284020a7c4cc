/**
 * Issue 9, defect 13: with `queue.rate`/`queue.burst`, ChatSocket paces what it writes on a
 * link (a replay after a reconnect above all) so a server's per-connection rate limit never
 * refuses part of it. Fake timers and a fake SocketTask; test/integration/replay-rate.test.ts
 * replays 300 sends through the real server.
 */
import { ChatSocket, type ChatSocketOptions } from '../../src'
import { fakeConnectSocket, type FakeSocketTask } from '../helpers/fake-socket-task'

beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  jest.clearAllTimers()
  jest.useRealTimers()
})

async function setup(options: Partial<ChatSocketOptions> = {}) {
  const connectSocket = fakeConnectSocket()
  const socket = new ChatSocket({
    url: 'ws://chat.test/ws',
    connectSocket,
    lifecycle: false,
    heartbeat: false,
    reconnect: { jitter: 0, minUptime: 0, minDelay: 100 },
    queue: { rate: 10, burst: 4 },
    ...options,
  })
  await Promise.resolve() // autoConnect runs on the next microtask
  return { socket, connectSocket }
}

const texts = (task: FakeSocketTask) => task.sent.map((f) => f.text)
const queueOf = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m${from + i}`)

describe('queue.rate and queue.burst', () => {
  it('writes a replay as the burst at once, then one frame per 1/rate s, in send order', async () => {
    const { socket, connectSocket } = await setup()
    const sends = queueOf(10).map((text) => socket.send({ type: 'message', text }))
    connectSocket.last.open()
    expect(texts(connectSocket.last)).toEqual(queueOf(4))
    jest.advanceTimersByTime(99)
    expect(texts(connectSocket.last)).toHaveLength(4)
    jest.advanceTimersByTime(1)
    expect(texts(connectSocket.last)).toEqual(queueOf(5))
    jest.advanceTimersByTime(500)
    expect(texts(connectSocket.last)).toEqual(queueOf(10))
    connectSocket.last.ackAll({ seq: 1 })
    await Promise.all(sends)
    expect(jest.getTimerCount()).toBe(0)
  })

  it('queues a send made during the replay behind it, and writes it at once when the bucket has room', async () => {
    const { socket, connectSocket } = await setup()
    for (const text of queueOf(6)) void socket.send({ type: 'message', text })
    connectSocket.last.open()
    void socket.send({ type: 'message', text: 'late' })
    expect(texts(connectSocket.last)).toEqual(queueOf(4))
    jest.advanceTimersByTime(300)
    expect(texts(connectSocket.last)).toEqual([...queueOf(6), 'late'])
    // Idle for a second: the bucket is full again and a new send goes out without waiting.
    jest.advanceTimersByTime(1000)
    void socket.send({ type: 'message', text: 'now' })
    expect(texts(connectSocket.last).at(-1)).toBe('now')
  })

  it('never charges sendTimeout while a send waits its turn: a replay longer than sendTimeout does not time out', async () => {
    const { socket, connectSocket } = await setup({ queue: { rate: 1, burst: 1, sendTimeout: 1000 } })
    const sends = queueOf(5).map((text) => socket.send({ type: 'message', text }))
    connectSocket.last.open()
    // The server answers each frame as it arrives; the fifth is written 4 s after the link opened.
    for (let i = 0; i < 5; i++) {
      connectSocket.last.ackAll({ seq: i + 1 })
      jest.advanceTimersByTime(1000)
    }
    await expect(Promise.all(sends)).resolves.toHaveLength(5)
  })

  it('still times out a written send that gets no answer within sendTimeout of its write', async () => {
    const { socket, connectSocket } = await setup({ queue: { rate: 1, burst: 1, sendTimeout: 1000 } })
    const first = socket.send({ type: 'message', text: 'a' })
    const second = socket.send({ type: 'message', text: 'b' })
    connectSocket.last.open()
    jest.advanceTimersByTime(1000)
    await expect(first).rejects.toMatchObject({ code: 'TIMEOUT' })
    // `b` was written at 1 s: its own sendTimeout ends at 2 s.
    expect(texts(connectSocket.last)).toEqual(['a', 'b'])
    jest.advanceTimersByTime(999)
    connectSocket.last.receive({ type: 'ack', id: connectSocket.last.sent[1]!.id, seq: 1 })
    await expect(second).resolves.toMatchObject({ seq: 1 })
  })

  it('does not pace pings: a heartbeat goes out while the queue waits for tokens', async () => {
    const { socket, connectSocket } = await setup({ heartbeat: { interval: 50, timeout: 10_000 } })
    for (const text of queueOf(8)) void socket.send({ type: 'message', text })
    connectSocket.last.open()
    jest.advanceTimersByTime(50)
    const types = connectSocket.last.sent.map((f) => f.type)
    expect(types.filter((t) => t === 'ping')).toHaveLength(1)
    expect(types.filter((t) => t === 'message')).toHaveLength(4)
  })

  it('starts every link with a full burst and replays, in order, what the dropped link had not answered', async () => {
    const { socket, connectSocket } = await setup()
    for (const text of queueOf(8)) void socket.send({ type: 'message', text })
    connectSocket.last.open()
    jest.advanceTimersByTime(100)
    const first = connectSocket.last
    expect(texts(first)).toEqual(queueOf(5))
    first.serverClose(1006)
    jest.advanceTimersByTime(1000) // past the 100 ms reconnect delay; nothing is written without a link
    expect(texts(first)).toHaveLength(5)
    const second = connectSocket.last
    expect(second).not.toBe(first)
    second.open()
    expect(texts(second)).toEqual(queueOf(4))
    jest.advanceTimersByTime(400)
    expect(texts(second)).toEqual(queueOf(8))
    expect(socket.pending).toBe(8)
  })

  it('leaves no timer after close() in the middle of a paced replay, and rejects what was left', async () => {
    const { socket, connectSocket } = await setup()
    const sends = queueOf(8).map((text) => socket.send({ type: 'message', text }))
    connectSocket.last.open()
    socket.close()
    expect(jest.getTimerCount()).toBe(0)
    const results = await Promise.allSettled(sends)
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'CLOSED')).toBe(true)
  })

  it('refuses bad values at construction, naming the option', () => {
    const make = (queue: object) => () => new ChatSocket({ url: 'ws://x', connectSocket: fakeConnectSocket(), queue, lifecycle: false })
    expect(make({ rate: 0 })).toThrow('options.queue.rate must be a number > 0 or Infinity, got 0')
    expect(make({ rate: 'fast' })).toThrow('options.queue.rate must be a number, got fast')
    expect(make({ burst: 0.5 })).toThrow('options.queue.burst must be an integer >= 1, got 0.5')
    expect(make({ rate: Infinity })).not.toThrow()
  })

  it('is off by default: a replay goes out in one go', async () => {
    const { socket, connectSocket } = await setup({ queue: {} })
    for (const text of queueOf(100)) void socket.send({ type: 'message', text })
    connectSocket.last.open()
    expect(texts(connectSocket.last)).toEqual(queueOf(100))
  })
})
