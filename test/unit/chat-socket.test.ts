import { ChatSocket, SocketError, type ChatSocketOptions, type SocketState } from '../../src'
import type * as timers from 'timers'
import { fakeConnectSocket } from '../helpers/fake-socket-task'

type Options = Partial<ChatSocketOptions>

/** A socket on a fake task, fake timers, jitter off unless asked, and a log of its events. */
async function setup(options: Options = {}) {
  const connectSocket = fakeConnectSocket()
  const socket = new ChatSocket({
    url: 'ws://chat.test/ws',
    connectSocket,
    lifecycle: false,
    reconnect: { jitter: 0, minUptime: 0 },
    ...options,
  })
  const states: SocketState[] = []
  const events: string[] = []
  socket.on('state', ({ to }) => states.push(to))
  socket.on('open', () => events.push('open'))
  socket.on('close', (e) => events.push(`close ${e.code} ${e.willReconnect}`))
  socket.on('reconnecting', (e) => events.push(`reconnecting ${e.attempt} ${e.delay}`))
  const errors: SocketError[] = []
  socket.on('error', (e) => errors.push(e))
  await Promise.resolve() // autoConnect runs on the next microtask
  return { socket, connectSocket, states, events, errors }
}

const flush = () => new Promise<void>((r) => jest.requireActual<typeof timers>('timers').setImmediate(r))

beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  jest.clearAllTimers()
  jest.useRealTimers()
})

describe('constructor', () => {
  it('sets defaults: connects on the next microtask, state connecting, url passed through', async () => {
    const { socket, connectSocket } = await setup()
    expect(socket.state).toBe('connecting')
    expect(socket.state).toBe('connecting')
    expect(connectSocket.tasks).toHaveLength(1)
    expect(connectSocket.last.options).toMatchObject({ url: 'ws://chat.test/ws', timeout: 10000 })
  })

  it('stays idle with autoConnect: false until connect()', async () => {
    const { socket, connectSocket } = await setup({ autoConnect: false })
    expect(socket.state).toBe('idle')
    expect(connectSocket.tasks).toHaveLength(0)
    void socket.connect()
    expect(connectSocket.tasks).toHaveLength(1)
  })

  it('passes header, protocols, tcpNoDelay and perMessageDeflate to connectSocket', async () => {
    const { connectSocket } = await setup({
      header: { Authorization: 'Bearer t' },
      protocols: ['chat'],
      tcpNoDelay: true,
      perMessageDeflate: true,
    })
    expect(connectSocket.last.options).toMatchObject({
      header: { Authorization: 'Bearer t' },
      protocols: ['chat'],
      tcpNoDelay: true,
      perMessageDeflate: true,
    })
  })
})

describe('connect', () => {
  it('resolves on open and emits state connecting → open', async () => {
    const { socket, connectSocket, states, events } = await setup({ autoConnect: false })
    const opened = socket.connect()
    connectSocket.last.open()
    await expect(opened).resolves.toBeUndefined()
    expect(states).toEqual(['connecting', 'open'])
    expect(events).toEqual(['open'])
    await expect(socket.connect()).resolves.toBeUndefined()
  })

  it('calls url and header functions on every connect, so tokens can be refreshed', async () => {
    let n = 0
    const { connectSocket } = await setup({
      url: () => `ws://chat.test/ws?token=t${++n}`,
      header: async () => ({ Authorization: `Bearer h${n}` }),
    })
    await flush()
    expect(connectSocket.last.options).toMatchObject({ url: 'ws://chat.test/ws?token=t1', header: { Authorization: 'Bearer h1' } })
    connectSocket.last.open()
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(1000)
    await flush()
    expect(connectSocket.tasks).toHaveLength(2)
    expect(connectSocket.last.options).toMatchObject({ url: 'ws://chat.test/ws?token=t2', header: { Authorization: 'Bearer h2' } })
  })

  it('reports CONNECT_FAILED and retries when the url function throws or rejects', async () => {
    let calls = 0
    const { socket, connectSocket, errors, events } = await setup({
      url: () => {
        calls++
        if (calls === 1) throw new Error('no token')
        if (calls === 2) return Promise.reject(new Error('login failed'))
        return 'ws://chat.test/ws'
      },
    })
    expect(errors.map((e) => e.code)).toEqual(['CONNECT_FAILED'])
    expect(socket.state).toBe('reconnecting')
    jest.advanceTimersByTime(1000)
    await flush()
    expect(errors.map((e) => e.code)).toEqual(['CONNECT_FAILED', 'CONNECT_FAILED'])
    jest.advanceTimersByTime(2000)
    expect(connectSocket.tasks).toHaveLength(1)
    expect(events).toEqual(['reconnecting 1 1000', 'reconnecting 2 2000'])
  })

  it('reports CONNECT_FAILED when connectSocket throws or calls fail, and when opening times out', async () => {
    let mode = 'throw'
    const inner = fakeConnectSocket()
    const { errors, socket } = await setup({
      timeout: 3000,
      connectSocket: (o) => {
        if (mode === 'throw') throw new Error('too many sockets')
        if (mode === 'fail') {
          o.fail?.({ errMsg: 'connectSocket:fail' })
          return inner(o)
        }
        return inner(o)
      },
    })
    expect(errors[0]?.message).toMatch(/connectSocket threw/)
    mode = 'fail'
    jest.advanceTimersByTime(1000)
    expect(errors[1]?.message).toMatch(/connectSocket:fail/)
    mode = 'hang'
    jest.advanceTimersByTime(2000)
    expect(inner.tasks).toHaveLength(2)
    jest.advanceTimersByTime(3000)
    expect(errors[2]?.message).toMatch(/connect timeout/)
    expect(inner.last.closedWith).toEqual({ code: 4000, reason: 'connect timeout' })
    expect(socket.state).toBe('reconnecting')
  })

  it('connect() during a backoff wait retries at once', async () => {
    const { socket, connectSocket } = await setup({ reconnect: { minDelay: 10_000, maxDelay: 10_000, jitter: 0 } })
    connectSocket.last.open()
    connectSocket.last.serverClose()
    expect(connectSocket.tasks).toHaveLength(1)
    const opened = socket.connect()
    expect(connectSocket.tasks).toHaveLength(2)
    connectSocket.last.open()
    await expect(opened).resolves.toBeUndefined()
  })
})

describe('send', () => {
  it('queues while not open and sends in order on open', async () => {
    const { socket, connectSocket } = await setup()
    const a = socket.send({ type: 'message', text: 'a' })
    const b = socket.send({ type: 'message', text: 'b' })
    expect(connectSocket.last.raw).toHaveLength(0)
    expect(socket.pending).toBe(2)
    connectSocket.last.open()
    expect(connectSocket.last.sent.map((f) => f.text)).toEqual(['a', 'b'])
    connectSocket.last.ackAll({ seq: 1 })
    await expect(a).resolves.toMatchObject({ type: 'ack', seq: 1 })
    await expect(b).resolves.toMatchObject({ type: 'ack' })
    expect(socket.pending).toBe(0)
  })

  it('assigns a unique id unless the message has one, and keeps a given id', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    void socket.send({ type: 'x' })
    void socket.send({ type: 'x' })
    void socket.send({ type: 'x', id: 'mine' })
    const ids = connectSocket.last.sent.map((f) => f.id)
    expect(new Set(ids).size).toBe(3)
    expect(ids[2]).toBe('mine')
    expect(typeof ids[0]).toBe('string')
  })

  it('resolves with the ack frame, including extra fields', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    const p = socket.send({ type: 'message', id: 'm1' })
    connectSocket.last.receive({ type: 'ack', id: 'm1', seq: 7, ts: 123 })
    await expect(p).resolves.toEqual({ type: 'ack', id: 'm1', seq: 7, ts: 123 })
  })

  it('rejects with SERVER, carrying the server code, on a reply error', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    const p = socket.send({ type: 'message', id: 'm1' })
    connectSocket.last.receive({ type: 'reply', id: 'm1', error: { code: 'FORBIDDEN', message: 'not yours' } })
    await expect(p).rejects.toMatchObject({ code: 'SERVER', serverCode: 'FORBIDDEN', message: 'not yours', id: 'm1' })
  })

  it('rejects with QUEUE_FULL at once when maxSize sends are waiting, and loses none of them', async () => {
    const { socket, connectSocket } = await setup({ queue: { maxSize: 2 } })
    const a = socket.send({ type: 'x' })
    const b = socket.send({ type: 'x' })
    await expect(socket.send({ type: 'x' })).rejects.toMatchObject({ code: 'QUEUE_FULL' })
    connectSocket.last.open()
    connectSocket.last.ackAll()
    await expect(Promise.all([a, b])).resolves.toHaveLength(2)
  })

  it('rejects with TIMEOUT when no ack comes within sendTimeout, or the per-send timeout', async () => {
    const { socket, connectSocket } = await setup({ queue: { sendTimeout: 5000 } })
    connectSocket.last.open()
    const a = socket.send({ type: 'x' })
    const b = socket.send({ type: 'x' }, { timeout: 100 })
    jest.advanceTimersByTime(100)
    await expect(b).rejects.toMatchObject({ code: 'TIMEOUT' })
    jest.advanceTimersByTime(4900)
    await expect(a).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(socket.pending).toBe(0)
    expect(jest.getTimerCount()).toBeGreaterThan(0) // heartbeat only
  })

  it('with ack: false resolves when the task has sent it', async () => {
    const { socket, connectSocket } = await setup({ ack: false })
    const p = socket.send({ type: 'x' })
    connectSocket.last.open()
    await expect(p).resolves.toBeUndefined()
    expect(socket.pending).toBe(0)
  })

  it('with { ack: false } per send resolves without an ack while others wait for theirs', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    await expect(socket.send({ type: 'typing' }, { ack: false })).resolves.toBeUndefined()
    const acked = socket.send({ type: 'message' })
    expect(socket.pending).toBe(1)
    connectSocket.last.ackAll()
    await acked
  })

  it('rejects misuse with a TypeError or RangeError', async () => {
    const { socket } = await setup()
    await expect(socket.send(null as unknown as { type: string })).rejects.toThrow(TypeError)
    await expect(socket.send({ text: 'no type' } as unknown as { type: string })).rejects.toThrow(TypeError)
    await expect(socket.send({ type: 'x', id: '' })).rejects.toThrow(TypeError)
    await expect(socket.send({ type: 'x' }, { timeout: -1 })).rejects.toThrow(RangeError)
  })

  it('rejects SEND_FAILED for a message that cannot be encoded, and for a duplicate pending id', async () => {
    const { socket } = await setup()
    const circular: { type: string; self?: unknown } = { type: 'x' }
    circular.self = circular
    await expect(socket.send(circular)).rejects.toMatchObject({ code: 'SEND_FAILED' })
    void socket.send({ type: 'x', id: 'same' }).catch(() => undefined)
    await expect(socket.send({ type: 'x', id: 'same' })).rejects.toMatchObject({ code: 'SEND_FAILED' })
  })

  it('resends unacked messages after a reconnect with the same ids, in order, before newer ones', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    const first = [1, 2, 3].map((n) => socket.send({ type: 'message', n }))
    const firstTask = connectSocket.last
    firstTask.receive({ type: 'ack', id: firstTask.sent[0]?.id })
    firstTask.serverClose(1006)
    const later = socket.send({ type: 'message', n: 4 })
    jest.advanceTimersByTime(1000)
    connectSocket.last.open()
    const resent = connectSocket.last.sent
    expect(resent.map((f) => f.n)).toEqual([2, 3, 4])
    expect(resent.slice(0, 2).map((f) => f.id)).toEqual(firstTask.sent.slice(1).map((f) => f.id))
    connectSocket.last.ackAll()
    await Promise.all([...first, later])
  })

  it('drops the link and replays in order when the task fails a send', async () => {
    const { socket, connectSocket, errors } = await setup()
    connectSocket.last.open()
    const a = socket.send({ type: 'message', n: 1 })
    connectSocket.last.failSends = true
    const b = socket.send({ type: 'message', n: 2 })
    expect(errors.map((e) => e.code)).toEqual(['SEND_FAILED'])
    expect(socket.state).toBe('reconnecting')
    expect(connectSocket.tasks[0]?.closedWith?.code).toBe(4000)
    jest.advanceTimersByTime(1000)
    connectSocket.last.open()
    expect(connectSocket.last.sent.map((f) => f.n)).toEqual([1, 2])
    connectSocket.last.ackAll()
    await Promise.all([a, b])
  })
})

describe('send holds the message, not its bytes', () => {
  it('leaves the caller’s message untouched when it adds the id (a reused object gets a fresh id each send)', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    const typing = { type: 'typing', conversationId: 'c1' }
    void socket.send(typing)
    void socket.send(typing)
    expect(typing).toEqual({ type: 'typing', conversationId: 'c1' })
    const ids = connectSocket.last.sent.map((f) => f.id)
    expect(ids[0]).not.toBe(ids[1])
  })

  it('encodes the held message again on replay: the same id, the fields as they are then', async () => {
    const encoded: string[] = []
    const codec = {
      encode: (frame: object) => {
        const data = JSON.stringify(frame)
        encoded.push(data)
        return data
      },
      decode: (data: string | ArrayBuffer) => JSON.parse(data as string) as { type: string },
    }
    const { socket, connectSocket } = await setup({ codec })
    connectSocket.last.open()
    const msg = { type: 'message', id: 'm1', text: 'first' }
    const sent = socket.send(msg)
    expect(encoded).toHaveLength(1)
    msg.text = 'changed'
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(1000)
    connectSocket.last.open()
    expect(encoded).toHaveLength(2)
    expect(connectSocket.last.sent).toEqual([{ type: 'message', id: 'm1', text: 'changed' }])
    connectSocket.last.ackAll()
    await sent
  })

  it('rejects a replayed send with SEND_FAILED when it no longer encodes, and replays the others', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    const bad: { type: string; id: string; self?: unknown } = { type: 'message', id: 'bad' }
    const a = socket.send(bad)
    const b = socket.send({ type: 'message', id: 'good' })
    bad.self = bad
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(1000)
    connectSocket.last.open()
    await expect(a).rejects.toMatchObject({ code: 'SEND_FAILED', id: 'bad' })
    expect(connectSocket.last.sent.map((f) => f.id)).toEqual(['good'])
    expect(socket.state).toBe('open')
    connectSocket.last.ackAll()
    await b
  })
})

describe('post', () => {
  it('while open, writes the message at once as it is (no id, nothing pending) and returns true', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    expect(socket.post({ type: 'typing', conversationId: 'c1' })).toBe(true)
    expect(connectSocket.last.sent).toEqual([{ type: 'typing', conversationId: 'c1' }])
    expect(socket.pending).toBe(0)
  })

  it('while not open, sends nothing, keeps nothing and returns false; also after close()', async () => {
    const { socket, connectSocket } = await setup()
    expect(socket.post({ type: 'typing' })).toBe(false)
    connectSocket.last.open()
    expect(connectSocket.last.raw).toHaveLength(0)
    connectSocket.last.serverClose(1006)
    expect(socket.post({ type: 'typing' })).toBe(false)
    socket.close()
    expect(socket.post({ type: 'typing' })).toBe(false)
    expect(connectSocket.tasks.flatMap((t) => t.raw)).toHaveLength(0)
  })

  it('goes out after the sends made before it (they were replayed before the link counted as open)', async () => {
    const { socket, connectSocket } = await setup()
    void socket.send({ type: 'message', n: 1 })
    socket.on('open', () => socket.post({ type: 'typing' }))
    connectSocket.last.open()
    expect(connectSocket.last.sent.map((f) => f.type)).toEqual(['message', 'typing'])
  })

  it('throws TypeError for a message without a string type, SEND_FAILED for one that cannot be encoded', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    expect(() => socket.post({ text: 'no type' } as unknown as { type: string })).toThrow(TypeError)
    const circular: { type: string; self?: unknown } = { type: 'x' }
    circular.self = circular
    expect(() => socket.post(circular)).toThrow(expect.objectContaining({ code: 'SEND_FAILED' }) as Error)
    expect(socket.state).toBe('open')
  })

  it('returns false and drops the link when the task throws, like any failed send', async () => {
    const { socket, connectSocket, errors } = await setup()
    connectSocket.last.open()
    connectSocket.last.send = () => {
      throw new Error('boom')
    }
    expect(socket.post({ type: 'typing' })).toBe(false)
    expect(errors.map((e) => e.code)).toEqual(['SEND_FAILED'])
    expect(socket.state).toBe('reconnecting')
  })
})

describe('request', () => {
  it('resolves with the reply data', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    const p = socket.request<{ n: number }>({ type: 'sync', afterSeq: 0 })
    const id = connectSocket.last.sent[0]?.id
    connectSocket.last.receive({ type: 'reply', id, data: { n: 3 } })
    await expect(p).resolves.toEqual({ n: 3 })
  })

  it('rejects with the reply error and TIMEOUT', async () => {
    const { socket, connectSocket } = await setup()
    connectSocket.last.open()
    const failed = socket.request({ type: 'history', id: 'h1' })
    connectSocket.last.receive({ type: 'reply', id: 'h1', error: { code: 'NOT_FOUND', message: 'no such conversation' } })
    await expect(failed).rejects.toMatchObject({ code: 'SERVER', serverCode: 'NOT_FOUND' })
    const slow = socket.request({ type: 'history' }, { timeout: 50 })
    jest.advanceTimersByTime(50)
    await expect(slow).rejects.toBeInstanceOf(SocketError)
    await expect(slow).rejects.toMatchObject({ code: 'TIMEOUT' })
  })
})

describe('incoming frames', () => {
  it('emits other frames as message and swallows pong', async () => {
    const { socket, connectSocket } = await setup()
    const messages: unknown[] = []
    socket.on('message', (m) => messages.push(m))
    connectSocket.last.open()
    connectSocket.last.receive({ type: 'pong' })
    connectSocket.last.receive({ type: 'message', message: { text: 'hi' } })
    expect(messages).toEqual([{ type: 'message', message: { text: 'hi' } }])
  })

  it('emits DECODE for garbage, never throws, never closes the link', async () => {
    const { socket, connectSocket, errors } = await setup()
    connectSocket.last.open()
    for (const garbage of ['{not json', '42', 'null', '[1,2]', '{"type":7}', '"text"', new ArrayBuffer(8)]) {
      expect(() => connectSocket.last.receive(garbage)).not.toThrow()
    }
    expect(errors).toHaveLength(7)
    expect(errors.every((e) => e.code === 'DECODE')).toBe(true)
    expect(socket.state).toBe('open')
    expect(connectSocket.last.closedWith).toBeNull()
  })

  it('ignores acks and replies for unknown ids', async () => {
    const { socket, connectSocket, errors } = await setup()
    connectSocket.last.open()
    connectSocket.last.receive({ type: 'ack', id: 'nobody' })
    connectSocket.last.receive({ type: 'reply', id: 'nobody', data: 1 })
    expect(errors).toHaveLength(0)
    expect(socket.state).toBe('open')
  })

  it('ignores callbacks from a stale task (SocketTask has no off*)', async () => {
    const { socket, connectSocket, events } = await setup()
    const messages: unknown[] = []
    socket.on('message', (m) => messages.push(m))
    const old = connectSocket.last
    old.open()
    old.serverClose(1006)
    jest.advanceTimersByTime(1000)
    connectSocket.last.open()
    old.receive({ type: 'message' })
    old.serverClose(1006)
    old.error()
    old.open()
    expect(messages).toHaveLength(0)
    expect(socket.state).toBe('open')
    expect(events.filter((e) => e.startsWith('close'))).toHaveLength(1)
  })
})

describe('reconnect', () => {
  it('backs off minDelay·factor^(n−1) up to maxDelay, and emits reconnecting with the delay used', async () => {
    const { connectSocket, events } = await setup({ reconnect: { minDelay: 100, maxDelay: 1000, jitter: 0 } })
    for (let i = 0; i < 6; i++) {
      connectSocket.last.serverClose(1006)
      jest.advanceTimersByTime(1000)
    }
    expect(events.filter((e) => e.startsWith('reconnecting'))).toEqual([
      'reconnecting 1 100',
      'reconnecting 2 200',
      'reconnecting 3 400',
      'reconnecting 4 800',
      'reconnecting 5 1000',
      'reconnecting 6 1000',
    ])
  })

  it('uses the injected random source for jitter', async () => {
    const { events, connectSocket } = await setup({ random: () => 0, reconnect: { minDelay: 1000, jitter: 0.5 } })
    connectSocket.last.serverClose(1006)
    expect(events).toContain('reconnecting 1 500')
  })

  it('starts again from attempt 1 only after the link stayed up for minUptime', async () => {
    const { connectSocket, events } = await setup({ reconnect: { minDelay: 100, maxDelay: 10_000, jitter: 0, minUptime: 5000 } })
    const cycle = (uptime: number) => {
      connectSocket.last.open()
      jest.advanceTimersByTime(uptime)
      connectSocket.last.serverClose(1006)
      jest.advanceTimersByTime(10_000)
    }
    cycle(10) // flapping: keeps backing off
    cycle(10)
    cycle(5000) // stayed up: resets
    expect(events.filter((e) => e.startsWith('reconnecting'))).toEqual(['reconnecting 1 100', 'reconnecting 2 200', 'reconnecting 1 100'])
  })

  it('closes and rejects pending sends with CLOSED when maxAttempts is exhausted', async () => {
    const { socket, connectSocket, states, events } = await setup({ reconnect: { maxAttempts: 2, minDelay: 10, jitter: 0 } })
    connectSocket.last.open()
    const p = socket.send({ type: 'x' })
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(10)
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(20)
    connectSocket.last.serverClose(1006)
    await expect(p).rejects.toMatchObject({ code: 'CLOSED' })
    expect(socket.state).toBe('closed')
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'closed'])
    expect(events).toContain('close 1006 true')
    expect(connectSocket.tasks).toHaveLength(3)
    await expect(socket.send({ type: 'x' })).rejects.toMatchObject({ code: 'CLOSED' })
    expect(jest.getTimerCount()).toBe(0)
  })

  it('with reconnect: false, closes for good when the link drops', async () => {
    const { socket, connectSocket, events } = await setup({ reconnect: false })
    connectSocket.last.open()
    const p = socket.send({ type: 'x' })
    connectSocket.last.serverClose(1001, 'going away')
    expect(events).toContain('close 1001 false')
    await expect(p).rejects.toMatchObject({ code: 'CLOSED' })
    expect(socket.state).toBe('closed')
  })
})

describe('heartbeat', () => {
  it('pings after interval of silence and reconnects when nothing answers within timeout', async () => {
    const { socket, connectSocket, events } = await setup({ heartbeat: { interval: 1000, timeout: 500 } })
    connectSocket.last.open()
    jest.advanceTimersByTime(1000)
    expect(connectSocket.last.sent).toEqual([{ type: 'ping' }])
    jest.advanceTimersByTime(500)
    expect(events).toContain('close 4000 true')
    expect(connectSocket.tasks[0]?.closedWith).toEqual({ code: 4000, reason: 'heartbeat timeout' })
    expect(socket.state).toBe('reconnecting')
  })

  it('keeps the link while frames arrive', async () => {
    const { socket, connectSocket } = await setup({ heartbeat: { interval: 1000, timeout: 500 } })
    connectSocket.last.open()
    for (let i = 0; i < 20; i++) {
      jest.advanceTimersByTime(1000)
      connectSocket.last.receive({ type: 'pong' })
    }
    expect(socket.state).toBe('open')
  })

  it('is off with heartbeat: false', async () => {
    const { socket, connectSocket } = await setup({ heartbeat: false })
    connectSocket.last.open()
    jest.advanceTimersByTime(1_000_000)
    expect(connectSocket.last.raw).toHaveLength(0)
    expect(socket.state).toBe('open')
  })
})

describe('lifecycle', () => {
  function host() {
    const h = {
      hide: [] as Array<() => void>,
      show: [] as Array<() => void>,
      net: [] as Array<(r: { isConnected: boolean; networkType: string }) => void>,
      networkType: 'wifi',
      onAppHide: (fn: () => void) => void h.hide.push(fn),
      offAppHide: (fn: () => void) => void h.hide.splice(h.hide.indexOf(fn), 1),
      onAppShow: (fn: () => void) => void h.show.push(fn),
      offAppShow: (fn: () => void) => void h.show.splice(h.show.indexOf(fn), 1),
      onNetworkStatusChange: (fn: (r: { isConnected: boolean; networkType: string }) => void) => void h.net.push(fn),
      offNetworkStatusChange: (fn: (r: { isConnected: boolean; networkType: string }) => void) => void h.net.splice(h.net.indexOf(fn), 1),
      getNetworkType: (o: { success?: (r: { networkType: string }) => void }) => o.success?.({ networkType: h.networkType }),
      network: (isConnected: boolean) => h.net.forEach((fn) => fn({ isConnected, networkType: isConnected ? 'wifi' : 'none' })),
    }
    return h
  }

  it('reconnects at once when the network comes back, skipping the backoff wait', async () => {
    const h = host()
    const { connectSocket, events } = await setup({ lifecycle: h, reconnect: { minDelay: 60_000, maxDelay: 60_000, jitter: 0 } })
    connectSocket.last.open()
    connectSocket.last.serverClose(1006)
    expect(connectSocket.tasks).toHaveLength(1)
    h.network(true)
    expect(connectSocket.tasks).toHaveLength(1) // was never offline: nothing to wake
    h.network(false)
    h.network(true)
    expect(connectSocket.tasks).toHaveLength(2)
    expect(events.filter((e) => e.startsWith('reconnecting'))).toEqual(['reconnecting 1 60000', 'reconnecting 1 0'])
  })

  it('spends no attempts while the network type is none', async () => {
    const h = host()
    h.networkType = 'none'
    const { socket, connectSocket } = await setup({ lifecycle: h, reconnect: { minDelay: 10, maxAttempts: 3, jitter: 0 } })
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(1_000_000)
    expect(connectSocket.tasks).toHaveLength(1)
    expect(socket.state).toBe('reconnecting')
    h.network(true)
    expect(connectSocket.tasks).toHaveLength(2)
  })

  it('reconnects at once on app show, and probes an open link', async () => {
    const h = host()
    const { connectSocket } = await setup({ lifecycle: h, reconnect: { minDelay: 60_000, maxDelay: 60_000, jitter: 0 } })
    connectSocket.last.open()
    h.hide.forEach((fn) => fn())
    h.show.forEach((fn) => fn())
    expect(connectSocket.last.sent).toEqual([{ type: 'ping' }])
    connectSocket.last.serverClose(1006)
    h.show.forEach((fn) => fn())
    expect(connectSocket.tasks).toHaveLength(2)
  })

  it('does not count time in the background as silence', async () => {
    const h = host()
    const { socket, connectSocket } = await setup({ lifecycle: h, heartbeat: { interval: 1000, timeout: 500 } })
    connectSocket.last.open()
    h.hide.forEach((fn) => fn())
    jest.advanceTimersByTime(60_000)
    expect(connectSocket.last.raw).toHaveLength(0)
    h.show.forEach((fn) => fn())
    connectSocket.last.receive({ type: 'pong' })
    jest.advanceTimersByTime(900)
    expect(socket.state).toBe('open')
  })

  it('removes its listeners on close()', async () => {
    const h = host()
    const { socket } = await setup({ lifecycle: h })
    expect([h.hide.length, h.show.length, h.net.length]).toEqual([1, 1, 1])
    socket.close()
    expect([h.hide.length, h.show.length, h.net.length]).toEqual([0, 0, 0])
  })
})

describe('close', () => {
  it('rejects pending and later sends with CLOSED, closes the task with the code, and leaves no timers', async () => {
    const { socket, connectSocket, states, events } = await setup()
    connectSocket.last.open()
    const pending = socket.send({ type: 'x' })
    socket.close(4321, 'bye')
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' })
    await expect(socket.send({ type: 'x' })).rejects.toMatchObject({ code: 'CLOSED' })
    await expect(socket.request({ type: 'x' })).rejects.toMatchObject({ code: 'CLOSED' })
    await expect(socket.connect()).rejects.toMatchObject({ code: 'CLOSED' })
    expect(connectSocket.last.closedWith).toEqual({ code: 4321, reason: 'bye' })
    expect(states[states.length - 1]).toBe('closed')
    expect(events).toContain('close 4321 false')
    expect(jest.getTimerCount()).toBe(0)
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(100_000)
    expect(connectSocket.tasks).toHaveLength(1)
  })

  it('rejects a pending connect() and cancels a reconnect wait', async () => {
    const { socket, connectSocket } = await setup({ autoConnect: false })
    const opened = socket.connect()
    socket.close()
    await expect(opened).rejects.toMatchObject({ code: 'CLOSED' })
    expect(connectSocket.last.closedWith).toEqual({ code: 1000, reason: '' })
    expect(jest.getTimerCount()).toBe(0)
  })

  it('throws RangeError for a code or reason WeChat would refuse', async () => {
    const { socket } = await setup()
    expect(() => socket.close(1001)).toThrow(RangeError)
    expect(() => socket.close(2999)).toThrow(RangeError)
    expect(() => socket.close(5000)).toThrow(RangeError)
    expect(() => socket.close(1000, '很'.repeat(42))).toThrow(/123/)
    expect(socket.state).toBe('connecting')
    socket.close(1000, '很'.repeat(41))
    expect(socket.state).toBe('closed')
  })

  it('is idempotent', async () => {
    const { socket, states } = await setup()
    socket.close()
    socket.close()
    expect(states.filter((s) => s === 'closed')).toHaveLength(1)
  })
})

describe('events', () => {
  it('on() returns an unsubscribe function; off() removes a handler', async () => {
    const { socket, connectSocket } = await setup()
    const a = jest.fn()
    const b = jest.fn()
    const unsubscribe = socket.on('message', a)
    socket.on('message', b)
    connectSocket.last.open()
    connectSocket.last.receive({ type: 'x' })
    unsubscribe()
    socket.off('message', b)
    connectSocket.last.receive({ type: 'x' })
    expect(a).toHaveBeenCalledTimes(1)
    expect(b).toHaveBeenCalledTimes(1)
  })

  it('listenerCount() counts handlers per event and in all', async () => {
    const { socket } = await setup()
    const base = socket.listenerCount()
    const off = socket.on('message', () => undefined)
    socket.once('open', () => undefined)
    expect(socket.listenerCount('message')).toBe(1)
    expect(socket.listenerCount()).toBe(base + 2)
    off()
    expect(socket.listenerCount('message')).toBe(0)
  })

  it('once() fires once and can be unsubscribed by the original handler', async () => {
    const { socket, connectSocket } = await setup()
    const a = jest.fn()
    const b = jest.fn()
    socket.once('message', a)
    socket.once('message', b)
    socket.off('message', b)
    connectSocket.last.open()
    connectSocket.last.receive({ type: 'x' })
    connectSocket.last.receive({ type: 'x' })
    expect(a).toHaveBeenCalledTimes(1)
    expect(b).not.toHaveBeenCalled()
  })

  it('calls every handler even when one throws, and unsubscribing inside a handler is safe', async () => {
    const { socket, connectSocket } = await setup()
    const seen: string[] = []
    {
      const off = socket.on('message', () => {
        seen.push('first')
        off()
      })
      socket.on('message', () => {
        throw new Error('handler bug')
      })
      socket.on('message', () => seen.push('third'))
      connectSocket.last.open()
      connectSocket.last.receive({ type: 'x' })
      connectSocket.last.receive({ type: 'x' })
      expect(seen).toEqual(['first', 'third', 'third'])
      expect(socket.state).toBe('open')
      // The handler's exception is rethrown from a timer, outside the socket's callbacks.
      expect(() => jest.advanceTimersByTime(0)).toThrow('handler bug')
    }
  })

  it('sends made in an open handler go out after the replayed ones', async () => {
    const { socket, connectSocket } = await setup()
    void socket.send({ type: 'old' })
    socket.on('open', () => void socket.send({ type: 'new' }))
    connectSocket.last.open()
    expect(connectSocket.last.sent.map((f) => f.type)).toEqual(['old', 'new'])
  })
})
