/**
 * ChatSocket's send timing (sendTimeout counts only open-link time; offlineTimeout the time
 * without one) and the `persist` outbox, on fake tasks and fake timers. The real-server
 * version (the app killed and started again) is test/simulate/outbox.test.ts.
 */
import { ChatSocket, type ChatSocketOptions, type SocketError } from '../../src'
import type * as timers from 'timers'
import { fakeConnectSocket } from '../helpers/fake-socket-task'
import { memoryStorage, type MemoryStorage } from '../helpers/memory-storage'

const KEY = 'chat-socket.outbox'
/** The outbox writes one tick after a change (a 0 ms timer, which Node, and jest's fake timers, run after 1 ms). */
const tick = () => jest.advanceTimersByTime(1)
const flush = () => new Promise<void>((r) => jest.requireActual<typeof timers>('timers').setImmediate(r))

function make(options: Partial<ChatSocketOptions> = {}) {
  const connectSocket = fakeConnectSocket()
  const socket = new ChatSocket({
    url: 'ws://chat.test/ws',
    connectSocket,
    lifecycle: false,
    reconnect: { jitter: 0, minUptime: 0, minDelay: 1000, maxDelay: 1000 },
    ...options,
  })
  const errors: SocketError[] = []
  socket.on('error', (e) => errors.push(e))
  return { socket, connectSocket, errors }
}

/** The ids the outbox index lists. */
function stored(storage: MemoryStorage): string[] {
  const raw = storage.map.get(KEY)
  return raw === undefined ? [] : (JSON.parse(raw) as { ids: string[] }).ids
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  jest.clearAllTimers()
  jest.useRealTimers()
})

describe('send timing', () => {
  it('keeps a send queued while offline pending past sendTimeout, and sends it when the link comes', async () => {
    const { socket, connectSocket } = make({ queue: { sendTimeout: 1000 } })
    await Promise.resolve()
    connectSocket.last.error('no network') // the first connect fails: offline
    const sent = socket.send({ type: 'message', text: 'in the lift' })
    let settled = false
    sent.then(
      () => (settled = true),
      () => (settled = true),
    )
    // 60 s without a link: retries keep failing, the send keeps waiting.
    for (let t = 0; t < 60; t++) {
      jest.advanceTimersByTime(1000)
      if (connectSocket.last.raw.length === 0 && t < 59) connectSocket.last.error('no network')
    }
    await flush()
    expect(settled).toBe(false)
    expect(socket.pending).toBe(1)
    connectSocket.last.open()
    expect(connectSocket.last.sent).toEqual([expect.objectContaining({ type: 'message', text: 'in the lift' })])
    connectSocket.last.ackAll()
    await expect(sent).resolves.toMatchObject({ type: 'ack' })
  })

  it('charges sendTimeout only while the link is open, across a drop and a reconnect', async () => {
    const { socket, connectSocket } = make({ queue: { sendTimeout: 1000 } })
    await Promise.resolve()
    connectSocket.last.open()
    const sent = socket.send({ type: 'x' })
    jest.advanceTimersByTime(700) // 700 ms of open link without an answer
    connectSocket.last.serverClose(1006)
    jest.advanceTimersByTime(999) // offline: not charged
    connectSocket.last.error('down')
    jest.advanceTimersByTime(1000)
    connectSocket.last.open()
    jest.advanceTimersByTime(299)
    await flush()
    expect(socket.pending).toBe(1)
    jest.advanceTimersByTime(1)
    await expect(sent).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('sendTimeout') })
  })

  it('rejects a send that found no link within offlineTimeout, naming it', async () => {
    const { socket, connectSocket } = make({ queue: { sendTimeout: 1000, offlineTimeout: 5000 }, reconnect: false })
    await Promise.resolve()
    const sent = socket.send({ type: 'x' })
    jest.advanceTimersByTime(4999)
    expect(socket.pending).toBe(1)
    jest.advanceTimersByTime(1)
    await expect(sent).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('offlineTimeout') })
    expect(connectSocket.tasks).toHaveLength(1)
  })
})

describe('persist', () => {
  it('writes an unanswered send once per tick, one small key per send plus the index, and removes it on the ack', async () => {
    const storage = memoryStorage()
    const { socket, connectSocket } = make({ persist: { storage } })
    await Promise.resolve()
    const queuedAt = Date.now()
    const a = socket.send({ type: 'message', id: 'm-1', text: '一' })
    const b = socket.send({ type: 'message', id: 'm-2', text: '二' })
    expect(storage.log).toEqual([]) // nothing on the send path itself
    tick()
    expect(storage.log).toEqual([`set ${KEY}/m-1`, `set ${KEY}/m-2`, `set ${KEY}`])
    expect(stored(storage)).toEqual(['m-1', 'm-2'])
    expect(JSON.parse(storage.map.get(`${KEY}/m-1`)!)).toEqual({ data: '{"type":"message","id":"m-1","text":"一"}', queuedAt })

    connectSocket.last.open()
    connectSocket.last.receive({ type: 'ack', id: 'm-1' })
    await a
    storage.log.length = 0
    tick()
    // The index first (it no longer lists m-1), then the entry: a kill in between leaves a consistent index.
    expect(storage.log).toEqual([`set ${KEY}`, `remove ${KEY}/m-1`])
    expect(stored(storage)).toEqual(['m-2'])
    connectSocket.last.receive({ type: 'ack', id: 'm-2' })
    await b
    tick()
    expect(stored(storage)).toEqual([])
    expect([...storage.map.keys()]).toEqual([KEY])
  })

  it('never writes a send acked within the tick, a request, an ack:false send or a persist:false send', async () => {
    const storage = memoryStorage()
    const { socket, connectSocket } = make({ persist: { storage } })
    await Promise.resolve()
    connectSocket.last.open()
    const quick = socket.send({ type: 'message', id: 'q' })
    connectSocket.last.receive({ type: 'ack', id: 'q' })
    await quick
    void socket.request({ type: 'session' }).catch(() => undefined)
    void socket.send({ type: 'typing' }, { ack: false })
    void socket.send({ type: 'read', seq: 3 }, { persist: false }).catch(() => undefined)
    tick()
    expect(storage.log.filter((line) => line !== `set ${KEY}`)).toEqual([])
    expect(stored(storage)).toEqual([])
  })

  it('restores a killed run’s sends at construction, sends them first with their original ids, and settles `restored`', async () => {
    const storage = memoryStorage()
    const first = make({ persist: { storage } })
    await Promise.resolve()
    void first.socket.send({ type: 'message', id: 'old-1', text: '断网时写的' }).catch(() => undefined)
    void first.socket.send({ type: 'message', id: 'old-2', text: '第二条' }).catch(() => undefined)
    tick()
    // The app is killed: no close(), nothing runs any more. A new run starts on the same storage.
    const second = make({ persist: { storage } })
    expect(second.socket.restored.map((r) => r.id)).toEqual(['old-1', 'old-2'])
    expect(second.socket.restored[0]!.frame).toEqual({ type: 'message', id: 'old-1', text: '断网时写的' })
    expect(second.socket.pending).toBe(2)
    const fresh = second.socket.send({ type: 'message', id: 'new-1', text: '新的' })
    await Promise.resolve()
    const task = second.connectSocket.last
    task.open()
    expect(task.sent.map((f) => f.id)).toEqual(['old-1', 'old-2', 'new-1'])
    task.receive({ type: 'ack', id: 'old-1', seq: 7 })
    task.receive({ type: 'reply', id: 'old-2', error: { code: 'CLOSED', message: 'the conversation is closed' } })
    task.receive({ type: 'ack', id: 'new-1' })
    await expect(second.socket.restored[0]!.result).resolves.toMatchObject({ id: 'old-1', seq: 7 })
    await expect(second.socket.restored[1]!.result).rejects.toMatchObject({ code: 'SERVER', serverCode: 'CLOSED' })
    await fresh
    tick()
    expect(stored(storage)).toEqual([])
    first.socket.close()
  })

  it('counts the time since a restored send was first queued against offlineTimeout', async () => {
    const storage = memoryStorage()
    const first = make({ persist: { storage } })
    await Promise.resolve()
    void first.socket.send({ type: 'message', id: 'stale' }).catch(() => undefined)
    tick()
    jest.setSystemTime(Date.now() + 25 * 3600_000) // the phone stayed off for a day
    const second = make({ persist: { storage } })
    tick()
    await expect(second.socket.restored[0]!.result).rejects.toMatchObject({ code: 'TIMEOUT' })
    tick()
    expect(stored(storage)).toEqual([])
  })

  it('keeps sends past maxEntries or maxBytes in memory only, reports it once, and never stores a later send without an earlier one', async () => {
    const storage = memoryStorage()
    const { socket, connectSocket, errors } = make({ persist: { storage, maxEntries: 2 } })
    await Promise.resolve()
    for (const id of ['a', 'b', 'c', 'd']) void socket.send({ type: 'message', id })
    tick()
    await flush()
    expect(stored(storage)).toEqual(['a', 'b'])
    expect(errors.map((e) => e.code)).toEqual(['STORAGE'])
    expect(errors[0]!.message).toContain('persist.maxEntries 2')
    // a is acked: there is room, but c is still only in memory, so d must not be stored either.
    connectSocket.last.open()
    connectSocket.last.receive({ type: 'ack', id: 'a' })
    void socket.send({ type: 'message', id: 'e' })
    tick()
    expect(stored(storage)).toEqual(['b'])
    expect(socket.pending).toBe(4)
    for (const id of ['b', 'c', 'd', 'e']) connectSocket.last.receive({ type: 'ack', id })
    tick()
    void socket.send({ type: 'message', id: 'f' })
    tick()
    expect(stored(storage)).toEqual(['f'])

    const bytes = make({ persist: { storage: memoryStorage(), maxBytes: 60 } })
    await Promise.resolve()
    void bytes.socket.send({ type: 'message', id: 'big', text: '很长的一条消息很长的一条消息很长的一条消息' })
    tick()
    await flush()
    expect(bytes.errors.map((e) => e.code)).toEqual(['STORAGE'])
  })

  it('goes on in memory when storage is full: a STORAGE error, the send still goes out and is acked', async () => {
    const storage = memoryStorage()
    storage.full = true
    const { socket, connectSocket, errors } = make({ persist: { storage } })
    await Promise.resolve()
    const sent = socket.send({ type: 'message', id: 'x' })
    const other = socket.send({ type: 'message', id: 'y' })
    tick()
    await flush()
    expect(errors).toEqual([expect.objectContaining({ code: 'STORAGE', message: expect.stringContaining('goes on in memory') })])
    connectSocket.last.open()
    connectSocket.last.ackAll()
    await expect(Promise.all([sent, other])).resolves.toHaveLength(2)
    storage.full = false
    void socket.send({ type: 'message', id: 'z' })
    tick()
    expect(stored(storage)).toEqual(['z'])
    expect(errors).toHaveLength(1)
  })

  it('ignores unreadable or foreign storage, and drops entries whose frame does not match', async () => {
    const storage = memoryStorage(
      new Map([
        [KEY, JSON.stringify({ v: 1, ids: ['ok', 'missing', 'bad-json', 'wrong-id', 7] })],
        [`${KEY}/ok`, JSON.stringify({ data: '{"type":"message","id":"ok"}', queuedAt: Date.now() })],
        [`${KEY}/bad-json`, JSON.stringify({ data: '{nope', queuedAt: Date.now() })],
        [`${KEY}/wrong-id`, JSON.stringify({ data: '{"type":"message","id":"other"}', queuedAt: Date.now() })],
      ]),
    )
    const { socket } = make({ persist: { storage } })
    expect(socket.restored.map((r) => r.id)).toEqual(['ok'])
    tick()
    expect(stored(storage)).toEqual(['ok'])
    expect(storage.map.has(`${KEY}/bad-json`)).toBe(false)
    expect(storage.map.has(`${KEY}/wrong-id`)).toBe(false)

    const foreign = memoryStorage(new Map([[KEY, '{"version":"something else"}']]))
    const other = make({ persist: { storage: foreign } })
    expect(other.socket.restored).toEqual([])
    await flush()
    expect(other.errors.map((e) => e.code)).toEqual(['STORAGE'])
  })

  it('close() rejects the pending sends with CLOSED and takes them out of storage', async () => {
    const storage = memoryStorage()
    const { socket } = make({ persist: { storage } })
    await Promise.resolve()
    const sent = socket.send({ type: 'message', id: 'bye' })
    tick()
    expect(stored(storage)).toEqual(['bye'])
    socket.close()
    await expect(sent).rejects.toMatchObject({ code: 'CLOSED' })
    expect(stored(storage)).toEqual([])
    expect(storage.map.has(`${KEY}/bye`)).toBe(false)
  })
})
