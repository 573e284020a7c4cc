/**
 * The Socket.IO client against the real `socket.io` server on 127.0.0.1, on both platforms:
 * Node's `ws` through the adapter and the WeChat-faithful `wx.connectSocket` shim.
 */
import type { Server, Socket as ServerSocket } from 'socket.io'
import { io, type Socket, type ConnectError } from '../../src/socket.io'
import { SocketError } from '../../src/errors'
import { waitFor } from '../helpers/wait-for'
import { countingClock, next, platforms, startSioServer, takeViolations, type SioServer } from './sio-server'

const fast = { reconnect: { minDelay: 10, maxDelay: 50 }, lifecycle: false } as const

describe.each(platforms)('socket.io client on %s', (_name, makeConnect) => {
  let server: SioServer
  let serverSockets: ServerSocket[]
  const clients: Socket[] = []
  const client = (path: string, options: Parameters<typeof io>[1] = {}, connectSocket = makeConnect()): Socket => {
    const s = io(`${server.url}${path}`, { connectSocket, ...fast, ...options })
    clients.push(s)
    return s
  }

  const setup = (ioServer: Server): void => {
    for (const nsp of ['/', '/info', '/job']) {
      ioServer.of(nsp).on('connection', (socket) => {
        serverSockets.push(socket)
        socket.on('order:get', (query: { id: number }, ack: (r: unknown) => void) => ack({ id: query.id, nsp, status: '已发货' }))
        socket.on('echo', (...args: unknown[]) => {
          const ack = args.pop() as (...a: unknown[]) => void
          ack(...args)
        })
        socket.on('never', () => undefined)
      })
    }
  }

  beforeEach(async () => {
    serverSockets = []
    server = await startSioServer(setup)
  })

  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect()
    await server.stop()
    expect(takeViolations()).toEqual([])
  })

  test('two namespaces of one host share one link, each gets its own connect and id', async () => {
    const connectSocket = makeConnect()
    const info = client('/info', {}, connectSocket)
    const job = client('/job', {}, connectSocket)
    expect(info.io).toBe(job.io)
    await Promise.all([next(info, 'connect'), next(job, 'connect')])
    expect(info.connected && job.connected).toBe(true)
    expect(info.id).toBeDefined()
    expect(info.id).not.toBe(job.id)
    expect(connectSocket.count()).toBe(1)
    expect(server.io.engine.clientsCount).toBe(1)
    const [a, b] = await Promise.all([info.emitWithAck('order:get', { id: 1 }), job.emitWithAck('order:get', { id: 2 })])
    expect(a).toEqual({ id: 1, nsp: '/info', status: '已发货' })
    expect(b).toEqual({ id: 2, nsp: '/job', status: '已发货' })
    // A second socket for a namespace that has one gets its own link, as socket.io-client does.
    const info2 = client('/info', {}, connectSocket)
    expect(info2.io).not.toBe(info.io)
  })

  test('forceNew and multiplex: false each dial their own link', async () => {
    const connectSocket = makeConnect()
    const a = client('/info', {}, connectSocket)
    const b = client('/job', { forceNew: true }, connectSocket)
    const c = client('/', { multiplex: false }, connectSocket)
    await Promise.all([next(a, 'connect'), next(b, 'connect'), next(c, 'connect')])
    expect(new Set([a.io, b.io, c.io]).size).toBe(3)
    expect(server.io.engine.clientsCount).toBe(3)
  })

  test('emits and acks both ways; the server handler sees exactly the arguments emitted', async () => {
    const info = client('/info')
    const seen: unknown[][] = []
    info.on('ask', (n: number, ack: (v: number) => void) => {
      seen.push([n])
      ack(n + 1)
    })
    await next(info, 'connect')
    expect(await info.emitWithAck('echo', 'a', { b: [1, 2] }, null)).toBe('a')
    const got = await new Promise<unknown[]>((resolve) => info.emit('echo', 1, '二', { three: 3 }, (...args: unknown[]) => resolve(args)))
    expect(got).toEqual([1, '二', { three: 3 }])
    const server1 = serverSockets.find((s) => s.nsp.name === '/info')!
    const onServer: unknown[][] = []
    server1.onAny((...args: unknown[]) => onServer.push(args.filter((a) => typeof a !== 'function')))
    await info.emitWithAck('echo', 'x')
    expect(onServer).toEqual([['echo', 'x']])
    expect(await server1.timeout(2000).emitWithAck('ask', 41)).toBe(42)
    const pushed = next<[string, number]>(info, 'push')
    server1.emit('push', 'hi', 7)
    expect(await pushed).toEqual(['hi', 7])
  })

  test('emits made before the connection are buffered and sent in order', async () => {
    const received: number[] = []
    server.io.of('/job').on('connection', (s) => s.on('n', (n: number) => received.push(n)))
    const job = client('/job', { autoConnect: false })
    for (let i = 0; i < 20; i++) job.emit('n', i)
    expect(job.pending).toBe(20)
    job.connect()
    await waitFor(() => received.length === 20, '20 buffered emits')
    expect(received).toEqual([...Array(20).keys()])
    expect(job.pending).toBe(0)
  })

  test('the buffer is bounded: past queue.maxSize emit throws QUEUE_FULL and emitWithAck rejects', async () => {
    const job = client('/job', { autoConnect: false, queue: { maxSize: 2 } })
    job.emit('n', 1)
    job.emit('n', 2)
    expect(() => job.emit('n', 3)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }))
    await expect(job.emitWithAck('n', 4)).rejects.toMatchObject({ code: 'QUEUE_FULL' })
  })

  test('auth refused by a server middleware gives connect_error with its message and data, and no retry', async () => {
    server.io.of('/info').use((socket, nextFn) => {
      if ((socket.handshake.auth as { token?: string }).token === 'good') return nextFn()
      const err = new Error('令牌无效') as Error & { data?: unknown }
      err.data = { code: 'BAD_TOKEN' }
      nextFn(err)
    })
    const bad = client('/info', { auth: { token: 'bad' } })
    const [err] = await next<[ConnectError]>(bad, 'connect_error')
    expect(err).toBeInstanceOf(SocketError)
    expect(err.code).toBe('SERVER')
    expect(err.message).toBe('令牌无效')
    expect(err.data).toEqual({ code: 'BAD_TOKEN' })
    expect(bad.active).toBe(false)
    expect(bad.connected).toBe(false)
    const good = client('/info', { auth: { token: 'good' }, forceNew: true })
    await next(good, 'connect')
  })

  test('an auth function is called before every (re)connect', async () => {
    let calls = 0
    const tokens: unknown[] = []
    server.io.of('/info').use((socket, nextFn) => {
      tokens.push((socket.handshake.auth as { token?: string }).token)
      nextFn()
    })
    const info = client('/info', { auth: (cb: (a: Record<string, unknown>) => void) => cb({ token: `t${++calls}` }) })
    await next(info, 'connect')
    serverSockets[0]!.conn.close() // the server drops the link
    const [reason] = await next<[string]>(info, 'disconnect')
    expect(reason).toBe('transport close')
    await next(info, 'connect')
    expect(tokens).toEqual(['t1', 't2'])
  })

  test('connect failures give connect_error (CONNECT_FAILED) and retries with backoff until the server is there', async () => {
    const port = server.port
    await server.stop()
    const info = client('/info')
    const [err] = await next<[SocketError]>(info, 'connect_error')
    expect(err.code).toBe('CONNECT_FAILED')
    const attempts: number[] = []
    info.io.on('reconnect_attempt', (n) => attempts.push(n))
    await waitFor(() => attempts.length >= 2, 'two reconnect attempts')
    await server.restart()
    expect(server.port).toBe(port)
    await next(info, 'connect')
  })

  test('timeout(ms).emitWithAck rejects with a SocketError TIMEOUT when no ack comes', async () => {
    const info = client('/info')
    await next(info, 'connect')
    await expect(info.timeout(50).emitWithAck('never', 1)).rejects.toMatchObject({ code: 'TIMEOUT', name: 'SocketError' })
    const viaCallback = await new Promise<unknown[]>((resolve) => info.timeout(50).emit('never', (...a: unknown[]) => resolve(a)))
    expect(viaCallback[0]).toMatchObject({ code: 'TIMEOUT' })
    const ok = await new Promise<unknown[]>((resolve) => info.timeout(2000).emit('echo', 5, (...a: unknown[]) => resolve(a)))
    expect(ok).toEqual([null, 5])
  })

  test('binary arguments go as socket.io attachments both ways', async () => {
    server.io.of('/info').on('connection', (s) => {
      s.on('upload', (file: { name: string; body: Buffer }, ack: (r: unknown) => void) =>
        ack({ size: file.body.length, first: file.body[0] }),
      )
      s.on('download', (ack: (b: Buffer) => void) => ack(Buffer.from([5, 6, 7])))
    })
    const info = client('/info')
    await next(info, 'connect')
    expect(await info.emitWithAck('upload', { name: 'a', body: new Uint8Array([9, 1, 2]).buffer })).toEqual({ size: 3, first: 9 })
    const back = await info.emitWithAck<ArrayBuffer>('download')
    expect(back).toBeInstanceOf(ArrayBuffer)
    expect([...new Uint8Array(back)]).toEqual([5, 6, 7])
  })

  test('malformed messages from the server are reported and do not break the link', async () => {
    const info = client('/info')
    await next(info, 'connect')
    const errors: SocketError[] = []
    info.io.on('error', (e) => errors.push(e))
    const conn = serverSockets[0]!.conn
    conn.write('not a socket.io packet')
    conn.write('2["connect"]')
    conn.write('3/info,')
    await waitFor(() => errors.length === 3, 'three decode errors')
    expect(errors.map((e) => e.code)).toEqual(['DECODE', 'DECODE', 'DECODE'])
    expect(await info.emitWithAck('echo', 'still here')).toBe('still here')
  })

  test('reserved names and unencodable arguments are refused at once', async () => {
    const info = client('/info', { autoConnect: false })
    expect(() => info.emit('connect')).toThrow(/reserved event name/)
    expect(() => info.emit('')).toThrow(TypeError)
    const circular: Record<string, unknown> = {}
    circular.self = circular
    expect(() => info.emit('x', circular)).toThrow(expect.objectContaining({ code: 'SEND_FAILED' }))
    await expect(info.emitWithAck('x', BigInt(10))).rejects.toMatchObject({ code: 'SEND_FAILED' })
    expect(info.pending).toBe(0)
  })

  test('the server disconnecting the namespace: disconnect "io server disconnect", no reconnect', async () => {
    const info = client('/info')
    await next(info, 'connect')
    serverSockets[0]!.disconnect()
    const [reason] = await next<[string]>(info, 'disconnect')
    expect(reason).toBe('io server disconnect')
    expect(info.active).toBe(false)
    info.connect()
    await next(info, 'connect')
  })

  test('disconnect() leaves no timers, closes the link, rejects what is pending; connect() joins again', async () => {
    const clock = countingClock()
    const info = client('/info', { clock })
    const job = client('/job', { clock })
    await Promise.all([next(info, 'connect'), next(job, 'connect')])
    const pending = info.emitWithAck('never')
    const reason = next<[string]>(info, 'disconnect')
    info.disconnect()
    expect(await reason).toEqual(['io client disconnect'])
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' })
    expect(info.io.state).toBe('open') // /job still uses the link
    job.disconnect()
    expect(info.io.state).toBe('idle')
    expect(clock.live.size).toBe(0)
    await waitFor(() => server.io.engine.clientsCount === 0, 'the server to see the link closed')
    info.connect()
    await next(info, 'connect')
    expect(await info.emitWithAck('echo', 'again')).toBe('again')
  })

  test('options are checked with errors naming the option', () => {
    expect(() => io('ftp://x')).toThrow(/not an http\(s\):\/\/ or ws\(s\):\/\/ URL/)
    expect(() => io(server.url, { connectSocket: makeConnect(), reconnectionDelay: 5 } as never)).toThrow(
      /options.reconnectionDelay is socket.io-client's; here it is reconnect.minDelay/,
    )
    expect(() => io(server.url, { connectSocket: makeConnect(), path: 'x' })).toThrow(/options.path/)
    expect(() => io(server.url, { connectSocket: makeConnect(), reconnect: { minDelay: -1 } })).toThrow(
      /io\(\): options.reconnect.minDelay/,
    )
    expect(() => io(server.url, { connectSocket: makeConnect(), auth: 3 as never })).toThrow(/options.auth/)
    expect(() => io(server.url, { connectSocket: makeConnect(), query: { a: {} as never } })).toThrow(/options.query.a/)
    // ChatSocket's pacing is not a namespace's: refused by name rather than ignored.
    expect(() => io(server.url, { connectSocket: makeConnect(), queue: { rate: 10 } as never })).toThrow(
      'io(): options.queue.rate is not an io() option: emits are not paced',
    )
  })
})
