/**
 * The link's timing on fake timers and a fake SocketTask: the Engine.IO handshake, the
 * server-driven heartbeat (answer pings; no ping within pingInterval + pingTimeout drops the
 * link), the connect timeout, and a ping deadline that passed while the app was hidden.
 */
import { io, type Socket } from '../../src/socket.io'
import type { LifecycleHost } from '../../src/types'
import { fakeConnectSocket } from '../helpers/fake-socket-task'

const OPEN = '0' + JSON.stringify({ sid: 'e1', upgrades: [], pingInterval: 1000, pingTimeout: 500, maxPayload: 1e6 })

beforeEach(() => jest.useFakeTimers())
afterEach(() => jest.useRealTimers())

function setup(extra: Record<string, unknown> = {}) {
  const connectSocket = fakeConnectSocket()
  const log: string[] = []
  const socket: Socket = io('https://chat.test/info?app=1', {
    connectSocket,
    lifecycle: false,
    reconnect: { minDelay: 100, maxDelay: 100, jitter: 0 },
    query: { v: '2' },
    ...extra,
  })
  socket.on('connect', () => log.push('connect'))
  socket.on('disconnect', (reason: string) => log.push(`disconnect ${reason}`))
  socket.on('connect_error', (err: { code: string }) => log.push(`connect_error ${err.code}`))
  /** Opens the current task and completes both handshakes. */
  const handshake = (): void => {
    const task = connectSocket.last
    task.open()
    task.receive(OPEN)
    task.receive('40/info,{"sid":"s1"}')
  }
  return { connectSocket, socket, log, handshake }
}

test('dials the Engine.IO WebSocket URL with the path, both queries and the helper flag; CONNECT after the open packet', () => {
  const { connectSocket, socket, log } = setup({ path: '/chat' })
  expect(connectSocket.last.url).toBe('wss://chat.test/chat/?EIO=4&transport=websocket&app=1&v=2&mcs=1')
  connectSocket.last.open()
  expect(connectSocket.last.raw).toEqual([]) // nothing before Engine.IO's open packet
  connectSocket.last.receive(OPEN)
  expect(connectSocket.last.raw).toEqual(['40/info,'])
  connectSocket.last.receive('40/info,{"sid":"s1"}')
  expect(log).toEqual(['connect'])
  expect(socket.id).toBe('s1')
})

test('answers every ping with a pong and stays up while pings come', () => {
  const { connectSocket, socket, log, handshake } = setup()
  handshake()
  for (let i = 0; i < 5; i++) {
    jest.advanceTimersByTime(1400)
    connectSocket.last.receive('2')
  }
  expect(connectSocket.last.raw.filter((r) => r === '3')).toHaveLength(5)
  expect(socket.connected).toBe(true)
  expect(log).toEqual(['connect'])
})

test('no ping within pingInterval + pingTimeout: the link is dropped (4000), disconnect "ping timeout", and it reconnects', () => {
  const { connectSocket, socket, log, handshake } = setup()
  handshake()
  jest.advanceTimersByTime(1499)
  expect(socket.connected).toBe(true)
  jest.advanceTimersByTime(1)
  expect(log).toEqual(['connect', 'disconnect ping timeout'])
  expect(connectSocket.last.closedWith).toMatchObject({ code: 4000 })
  jest.advanceTimersByTime(100)
  expect(connectSocket.tasks).toHaveLength(2)
  handshake()
  expect(log).toEqual(['connect', 'disconnect ping timeout', 'connect'])
})

test('no open packet within `timeout`: connect_error CONNECT_FAILED, then a retry after the backoff', () => {
  const { connectSocket, log } = setup({ timeout: 300 })
  connectSocket.last.open()
  jest.advanceTimersByTime(300)
  expect(log).toEqual(['connect_error CONNECT_FAILED'])
  expect(connectSocket.tasks).toHaveLength(1)
  jest.advanceTimersByTime(100)
  expect(connectSocket.tasks).toHaveLength(2)
})

test("the server's close packet ends the link: disconnect 'transport close'", () => {
  const { connectSocket, log, handshake } = setup()
  handshake()
  connectSocket.last.receive('1')
  expect(log).toEqual(['connect', 'disconnect transport close'])
})

test('a ping deadline that passed while the app was hidden (timers paused) counts when it is shown', () => {
  const shows: Array<() => void> = []
  const lifecycle: LifecycleHost = { onAppShow: (fn) => shows.push(fn), offAppShow: () => undefined }
  const { log, handshake } = setup({ lifecycle })
  handshake()
  // Hidden: WeChat pauses timers, the wall clock goes on.
  jest.setSystemTime(Date.now() + 60_000)
  shows.forEach((fn) => fn())
  expect(log).toEqual(['connect', 'disconnect ping timeout'])
})

test('emits wait for the namespace CONNECT, not just the link, and go out in order', () => {
  const { connectSocket, socket } = setup({ autoConnect: false })
  socket.emit('a', 1)
  void socket.emitWithAck('b', 2)
  socket.connect()
  connectSocket.last.open()
  connectSocket.last.receive(OPEN)
  expect(connectSocket.last.raw).toEqual(['40/info,'])
  connectSocket.last.receive('40/info,{"sid":"s1"}')
  expect(connectSocket.last.raw).toEqual(['40/info,', '42/info,["a",1]', '42/info,0["b",2]'])
})

test('the hello of the helper before CONNECT makes acked emits carry their key; without it they do not', () => {
  const { connectSocket, socket } = setup({ autoConnect: false, generateId: () => 'k1' })
  socket.connect()
  connectSocket.last.open()
  connectSocket.last.receive(OPEN)
  connectSocket.last.receive('42/info,["mcs:exactly-once",1]')
  connectSocket.last.receive('40/info,{"sid":"s1"}')
  expect(socket.exactlyOnce).toBe(true)
  void socket.emitWithAck('b', 2)
  expect(connectSocket.last.raw.at(-1)).toBe('42/info,0["b",2,{"mcs:key":"k1"}]')
  // The link drops; the server of the next link has no helper: the resend goes without its key.
  connectSocket.last.serverClose()
  jest.advanceTimersByTime(100)
  connectSocket.last.open()
  connectSocket.last.receive(OPEN)
  connectSocket.last.receive('40/info,{"sid":"s2"}')
  expect(socket.exactlyOnce).toBe(false)
  expect(connectSocket.last.raw.at(-1)).toBe('42/info,0["b",2]')
})
