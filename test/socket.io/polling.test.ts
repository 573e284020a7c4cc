/**
 * Engine.IO's polling transport under io(), against the real socket.io server on 127.0.0.1:
 * WebSocket upgrades refused (a loopback server answering 403 to every upgrade stands in for
 * the proxy), the client falls back to long-polling at once (after `fallbackAfter` failed
 * attempts when upgrades are dropped without an answer, as ChatSocket does) and works there: acks both ways, binary, a killed session and a restart, exactly-once with the helper.
 */
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Socket as ServerSocket } from 'socket.io'
import { createFetchRequest } from '../../src/transports/polling-request'
import { io, type Socket } from '../../src/socket.io'
import { exactlyOnce } from '../../src/socket.io-server'
import type { SocketError } from '../../src/errors'
import { createWxSocketShim } from '../helpers/wx-socket'
import { countingClock, next, startSioServer, type SioServer } from './sio-server'

let server: SioServer
let refuser: HttpServer
let refuserPort: number
/** How the refusing server meets an upgrade: a 403 (a proxy's refusal) or a dropped connection. */
let upgradeAnswer: 'refuse' | 'drop'
let live: ServerSocket[]
let handled: number[]
let helper: ReturnType<typeof exactlyOnce>
/** Chaos inside the handler, so it lands mid-batch. */
let onHandled: (n: number) => void = () => undefined
const clients: Socket[] = []

beforeEach(async () => {
  live = []
  handled = []
  onHandled = () => undefined
  upgradeAnswer = 'refuse'
  helper = exactlyOnce()
  server = await startSioServer(
    (s) => {
      const nsp = s.of('/info')
      nsp.use(helper)
      nsp.on('connection', (socket) => {
        live.push(socket)
        socket.on('n', (n: number, ack: (v: unknown) => void) => {
          handled.push(n)
          ack(n)
          onHandled(n)
        })
        socket.on('bin', (b: Buffer, ack: (v: unknown) => void) => ack(Buffer.from([...b].reverse())))
        socket.on('ask', async (ack: (v: unknown) => void) => ack(await socket.timeout(5000).emitWithAck('question', '几点了')))
      })
    },
    { transports: ['polling', 'websocket'] },
  )
  // Refuses every WebSocket upgrade, as a proxy that blocks WebSocket would.
  refuser = createServer((_req, res) => res.writeHead(403).end())
  refuser.on('upgrade', (_req, socket) =>
    upgradeAnswer === 'refuse' ? socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n') : socket.destroy(),
  )
  await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve))
  refuserPort = (refuser.address() as AddressInfo).port
})

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
  await server.stop()
  await new Promise<void>((resolve) => refuser.close(() => resolve()))
})

/** A wx.connectSocket whose WebSocket goes to the refusing server, like one behind a proxy that drops upgrades. */
function blockedConnectSocket(): ReturnType<typeof createWxSocketShim> {
  const shim = createWxSocketShim()
  return Object.assign((o: Parameters<typeof shim>[0]) => shim({ ...o, url: o.url.replace(`:${server.port}/`, `:${refuserPort}/`) }), {
    tasks: shim.tasks,
    violations: shim.violations,
  })
}

/** io() to /info with WebSocket blocked (as `upgradeAnswer` says) and polling allowed; resolves once connected. */
async function connectBlocked(fallbackAfter: number): Promise<{ info: Socket; transports: string[]; errors: SocketError[] }> {
  const transports: string[] = []
  const errors: SocketError[] = []
  const info = io(`${server.url}/info`, {
    connectSocket: blockedConnectSocket(),
    transports: ['websocket', 'polling'],
    fallbackAfter,
    request: createFetchRequest(),
    reconnect: { minDelay: 5, maxDelay: 20 },
    lifecycle: false,
  })
  clients.push(info)
  info.io.on('transport', (t) => transports.push(t))
  info.on('connect_error', (e: SocketError) => errors.push(e))
  await next(info, 'connect')
  return { info, transports, errors }
}

test('WebSocket refused with 403: one connect_error, then polling at once; acks both ways, binary, a server push', async () => {
  const { info, transports, errors } = await connectBlocked(3)
  expect(errors.map((e) => e.code)).toEqual(['CONNECT_FAILED'])
  expect(transports).toEqual(['polling'])
  expect(info.io.transport).toBe('polling')
  expect(live[0]!.conn.transport.name).toBe('polling')
  expect(await Promise.all([1, 2, 3].map((n) => info.emitWithAck('n', n)))).toEqual([1, 2, 3])
  info.on('question', (q: string, ack: (a: string) => void) => ack(`${q}? 十点`))
  expect(await info.emitWithAck('ask')).toBe('几点了? 十点')
  const back = await info.emitWithAck<ArrayBuffer>('bin', new Uint8Array([1, 2, 250]).buffer)
  expect([...new Uint8Array(back)]).toEqual([250, 2, 1])
  expect(info.exactlyOnce).toBe(true)
})

test('WebSocket upgrades dropped without an answer: connect_error fallbackAfter times, then polling', async () => {
  upgradeAnswer = 'drop'
  const { info, transports, errors } = await connectBlocked(2)
  expect(errors.map((e) => e.code)).toEqual(['CONNECT_FAILED', 'CONNECT_FAILED'])
  expect(transports).toEqual(['polling'])
  expect(await info.emitWithAck('n', 7)).toBe(7)
})

test("transports: ['polling'] through a killed session and a server restart: 300 acked emits handled exactly once, in order", async () => {
  const clock = countingClock()
  const info = io(`${server.url}/info`, {
    transports: ['polling'],
    request: createFetchRequest(),
    reconnect: { minDelay: 5, maxDelay: 20 },
    lifecycle: false,
    clock,
  })
  clients.push(info)
  await next(info, 'connect')
  let restart: Promise<void> | undefined
  let killed = 0
  let reconnects = 0
  info.io.on('reconnect', () => reconnects++)
  onHandled = (n) => {
    // The session dies with the acks of this batch still to be written; later the server restarts.
    if (n === 100 && killed++ === 0) for (const s of live.splice(0)) s.conn.close()
    if (n === 200 && restart === undefined) restart = server.restart()
  }
  const results = await Promise.all(Array.from({ length: 300 }, (_, n) => info.emitWithAck('n', n)))
  await restart
  expect(results).toEqual([...Array(300).keys()])
  expect(killed).toBe(1)
  expect(restart).toBeDefined()
  expect(reconnects).toBeGreaterThanOrEqual(1)
  // Acks were lost with the links: repeats came and were answered from the helper, not handled again.
  expect(helper.stats.repeats + helper.stats.joined).toBeGreaterThan(0)
  // One helper for both server lives (its answered keys survive the restart): each handled once, in order.
  expect(handled).toEqual([...Array(300).keys()])
  info.disconnect()
  expect(clock.live.size).toBe(0)
})

test('bad transports and a missing request are refused naming the option', () => {
  expect(() => io(server.url, { transports: [] })).toThrow(/options.transports/)
  expect(() => io(server.url, { transports: ['websocket', 'flash' as never] })).toThrow(/options.transports/)
  expect(() => io(server.url, { transports: ['polling'] })).toThrow(/options.request is required/)
  expect(() => io(server.url, { transports: ['polling'], request: createFetchRequest(), fallbackAfter: 0 })).toThrow(
    /options.fallbackAfter/,
  )
})
