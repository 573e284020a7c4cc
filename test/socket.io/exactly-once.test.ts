/**
 * Delivery under failure, against the real socket.io server on 127.0.0.1, on both client
 * platforms: 1,000 acked emits, pipelined, while the server kills links at random points and
 * restarts once. With the helper (`exactlyOnce()`): each event handled exactly once, in order.
 * Without it: none lost, first arrivals in order (repeats possible), handlers see only what
 * was emitted.
 */
import type { Server, Socket as ServerSocket } from 'socket.io'
import { exactlyOnce, type AnsweredKey, type ExactlyOnceMiddleware } from '../../src/socket.io-server'
import { io, type Socket } from '../../src/socket.io'
import { waitFor } from '../helpers/wait-for'
import { next, platforms, startSioServer, takeViolations, type SioServer } from './sio-server'

const N = 1000

/** mulberry32: reproducible kill points (the seed is printed when a test fails). */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Cuts a server socket's TCP connection without a close frame (frames in flight are lost both ways). */
function kill(socket: ServerSocket): void {
  ;(socket.conn as unknown as { transport: { socket: { terminate(): void } } }).transport.socket.terminate()
}

describe.each(platforms)('1,000 acked emits through kills and a restart, client on %s', (_name, makeConnect) => {
  let server: SioServer
  let client: Socket | undefined
  let handled: number[]
  let argsSeen: unknown[][]
  let live: ServerSocket[]

  const setup =
    (helper: ExactlyOnceMiddleware | null) =>
    (ioServer: Server): void => {
      const job = ioServer.of('/job')
      if (helper) job.use(helper)
      job.on('connection', (socket) => {
        live.push(socket)
        socket.on('disconnect', () => (live = live.filter((s) => s !== socket)))
        socket.on('n', (...args: unknown[]) => {
          const ack = args.pop() as (...a: unknown[]) => void
          argsSeen.push(args)
          handled.push(args[0] as number)
          ack({ n: args[0], ok: true })
          onHandled(handled.length)
        })
      })
    }

  beforeEach(() => {
    handled = []
    argsSeen = []
    live = []
  })

  afterEach(async () => {
    client?.disconnect()
    await server.stop()
    expect(takeViolations()).toEqual([])
  })

  /** Chaos inside the handler: after some events the server cuts every link, once it restarts. */
  let onHandled: (count: number) => void = () => undefined

  /** Emits N acked events at once while the server kills links at random points and restarts once. */
  async function run(seed: number): Promise<{ results: unknown[]; kills: number }> {
    const random = seeded(seed)
    const killAt = new Set(Array.from({ length: 6 }, () => 50 + Math.floor(random() * (N - 100))))
    const restartAt = 300 + Math.floor(random() * 400)
    client = io(`${server.url}/job`, {
      connectSocket: makeConnect(),
      reconnect: { minDelay: 5, maxDelay: 40 },
      queue: { maxSize: N, sendTimeout: 60_000 },
      lifecycle: false,
    })
    await next(client, 'connect')
    let kills = 0
    let restart: Promise<void> | undefined
    onHandled = (count) => {
      if (restart === undefined && count >= restartAt) {
        restart = server.restart()
      } else if (killAt.has(count)) {
        killAt.delete(count)
        kills++
        for (const s of live) kill(s)
      }
    }
    try {
      const results = await Promise.all(Array.from({ length: N }, (_, i) => client!.emitWithAck('n', i)))
      await restart
      return { results, kills }
    } finally {
      onHandled = () => undefined
    }
  }

  jest.setTimeout(60_000)

  test('with exactlyOnce(): each handled exactly once, in order, every ack the first one', async () => {
    // One store for both server lives: exactly-once across a restart needs answered keys that outlive the process.
    const store = new Map<string, AnsweredKey>()
    const helper = exactlyOnce({ store })
    server = await startSioServer(setup(helper))
    const seed = Date.now() % 100000
    const { results, kills } = await run(seed)
    expect({ seed, handled }).toEqual({ seed, handled: [...Array(N).keys()] })
    expect(results).toEqual(Array.from({ length: N }, (_, n) => ({ n, ok: true })))
    expect(argsSeen.every((a) => a.length === 1)).toBe(true) // the key never reaches a handler
    expect(kills).toBeGreaterThan(0)
    expect(client!.exactlyOnce).toBe(true)

    console.log(
      `exactly-once seed ${seed}: ${kills} kills, 1 restart, repeats answered from the store ${helper.stats.repeats}, joined ${helper.stats.joined}`,
    )
  })

  test('without the helper: none lost, first arrivals in order, handlers see exactly the arguments', async () => {
    server = await startSioServer(setup(null))
    const seed = Date.now() % 100000
    const { results, kills } = await run(seed)
    const first: number[] = []
    const seen = new Set<number>()
    for (const n of handled) {
      if (seen.has(n)) continue
      seen.add(n)
      first.push(n)
    }
    expect({ seed, first }).toEqual({ seed, first: [...Array(N).keys()] })
    expect(results).toHaveLength(N)
    expect(argsSeen.every((a) => a.length === 1 && typeof a[0] === 'number')).toBe(true)
    expect(kills).toBeGreaterThan(0)
    expect(client!.exactlyOnce).toBe(false)

    console.log(`at-least-once seed ${seed}: ${kills} kills, 1 restart, ${handled.length - N} repeats handled`)
  })
})

describe('exactlyOnce() helper', () => {
  let server: SioServer
  afterEach(async () => server.stop())

  test('a socket.io-client beside it is not touched: no hello, its acks work as usual', async () => {
    const { io: ioClient } = await import('socket.io-client')
    const helper = exactlyOnce()
    server = await startSioServer((s) => {
      s.of('/info').use(helper)
      s.of('/info').on('connection', (socket) => socket.on('echo', (v: unknown, ack: (x: unknown) => void) => ack(v)))
    })
    const web = ioClient(`${server.url}/info`, { transports: ['websocket'] })
    const events: string[] = []
    web.onAny((e: string) => events.push(e))
    await new Promise<void>((resolve) => web.once('connect', () => resolve()))
    expect(await web.emitWithAck('echo', '网页')).toBe('网页')
    expect(events).toEqual([])
    expect(helper.stats).toEqual({ handled: 0, repeats: 0, joined: 0 })
    web.disconnect()
  })

  test('a repeat that arrives while the first is still being handled is answered when the first acks, and handled once', async () => {
    const helper = exactlyOnce()
    let release: (() => void) | undefined
    let calls = 0
    server = await startSioServer((s) => {
      s.of('/job').use(helper)
      s.of('/job').on('connection', (socket) =>
        socket.on('slow', (v: number, ack: (x: unknown) => void) => {
          calls++
          release = () => ack(v * 2)
        }),
      )
    })
    const connectSocket = platforms[0]![1]()
    const job = io(`${server.url}/job`, { connectSocket, reconnect: { minDelay: 5, maxDelay: 10 }, lifecycle: false })
    await next(job, 'connect')
    const answer = job.emitWithAck('slow', 21)
    await waitFor(() => release !== undefined, 'the handler to start')
    const first = server.io.of('/job').sockets.values().next().value!.conn
    first.close() // the link drops while the handler works; the client resends with the same key
    await waitFor(() => helper.stats.joined === 1, 'the resend to join the first')
    release!()
    expect(await answer).toBe(42)
    expect(calls).toBe(1)
    job.disconnect()
  })

  test('answered keys expire by count and age', () => {
    let t = 0
    const store = new Map<string, AnsweredKey>()
    const helper = exactlyOnce({ store, maxKeys: 3, ttl: 100, now: () => t })
    let filter: ((p: unknown[], n: () => void) => void) | undefined
    helper({ handshake: { query: {} }, connected: true, emit: () => undefined, use: (fn) => (filter = fn) }, () => undefined)
    /** One keyed packet through the helper, answered by its handler at once. */
    const handle = (key: string): boolean => {
      const packet: unknown[] = ['e', { 'mcs:key': key }, () => undefined]
      let passed = false
      filter!(packet, () => (passed = true))
      if (passed) (packet[packet.length - 1] as (v: string) => void)('ok')
      return passed
    }
    for (const k of ['a', 'b', 'c', 'd']) {
      expect(handle(k)).toBe(true)
      t += 10
    }
    expect([...store.keys()]).toEqual(['b', 'c', 'd'])
    expect(handle('c')).toBe(false) // a repeat, answered from the store
    t += 200
    expect(handle('e')).toBe(true)
    expect([...store.keys()]).toEqual(['e'])
    expect(handle('b')).toBe(true) // forgotten: handled again (ttl must outlast the client's retries)
    expect(helper.stats).toEqual({ handled: 6, repeats: 1, joined: 0 })
  })

  test('bad options are refused naming the option', () => {
    expect(() => exactlyOnce({ maxKeys: 0 })).toThrow(/options.maxKeys/)
    expect(() => exactlyOnce({ ttl: -1 })).toThrow(/options.ttl/)
    expect(() => exactlyOnce({ store: {} as never })).toThrow(/options.store must have a get function/)
  })
})
