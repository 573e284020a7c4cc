import WebSocket from 'ws'
import { ChatSocket, createNodeConnectSocket, createWebConnectSocket, type ChatSocketOptions, type SocketState } from '../../src'
import { AckServer } from '../helpers/ack-server'
import { createWxSocketShim, type WxSocketShim } from '../helpers/wx-socket'

let server: AckServer
let wx: WxSocketShim
const sockets: ChatSocket[] = []

beforeEach(async () => {
  server = await AckServer.start()
  wx = createWxSocketShim()
})

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  await server.stop()
  expect(wx.violations).toEqual([])
})

function open(options: Partial<ChatSocketOptions> = {}): ChatSocket {
  const socket = new ChatSocket({ url: server.url, connectSocket: wx, lifecycle: false, ...options })
  sockets.push(socket)
  return socket
}

function record(socket: ChatSocket) {
  const log = {
    states: [] as SocketState[],
    reconnecting: [] as Array<{ attempt: number; delay: number }>,
    closes: [] as Array<{ code: number; reason: string; at: number }>,
  }
  socket.on('state', (e) => log.states.push(e.to))
  socket.on('reconnecting', (e) => log.reconnecting.push(e))
  socket.on('close', (e) => log.closes.push({ code: e.code, reason: e.reason, at: Date.now() }))
  return log
}

const until = (p: () => boolean, what: string, ms = 10_000) => server.waitFor(p, ms, what)

describe('ChatSocket over a wx.connectSocket shim on a real ws server', () => {
  it('queues sends made before open and delivers them in order, each acked', async () => {
    const socket = open({ autoConnect: false })
    const sends = ['a', 'b', 'c'].map((text) => socket.send({ type: 'message', text }))
    expect(socket.state).toBe('idle')
    await socket.connect()
    const acks = await Promise.all(sends)
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3])
    expect(server.frames.map((f) => f.text)).toEqual(['a', 'b', 'c'])
    expect(acks.map((a) => a.id)).toEqual(server.frames.map((f) => f.id))
  })

  it('request resolves with the reply data, rejects with a reply error, and times out', async () => {
    const socket = open()
    await expect(socket.request<{ n: number }>({ type: 'echo', n: 5 })).resolves.toMatchObject({ type: 'echo', n: 5 })
    await expect(socket.request({ type: 'fail' })).rejects.toMatchObject({ code: 'SERVER', serverCode: 'NOPE', message: 'refused' })
    await expect(socket.request({ type: 'silent' }, { timeout: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(socket.state).toBe('open')
  })

  it('backs off against a stopped server, then starts again from attempt 1 after reopening', async () => {
    const socket = open({ reconnect: { minDelay: 20, maxDelay: 160, factor: 2, jitter: 0, minUptime: 50 } })
    const log = record(socket)
    await socket.connect()
    await server.stop()
    await until(() => log.reconnecting.length >= 6, 'six reconnect attempts')
    expect(log.reconnecting.slice(0, 6)).toEqual([
      { attempt: 1, delay: 20 },
      { attempt: 2, delay: 40 },
      { attempt: 3, delay: 80 },
      { attempt: 4, delay: 160 },
      { attempt: 5, delay: 160 },
      { attempt: 6, delay: 160 },
    ])
    expect(log.closes).toHaveLength(1)
    await server.listen()
    await until(() => socket.state === 'open', 'the reopened link')
    await new Promise((r) => setTimeout(r, 80)) // past minUptime
    const before = log.reconnecting.length
    server.kill()
    await until(() => log.reconnecting.length > before, 'a reconnect after the link stayed up')
    expect(log.reconnecting[before]).toEqual({ attempt: 1, delay: 20 })
    await until(() => socket.state === 'open', 'open again')
  })

  it('detects a half-open link (server stops answering, TCP stays) within interval + timeout', async () => {
    const interval = 300
    const timeout = 300
    const socket = open({ heartbeat: { interval, timeout }, reconnect: { minDelay: 50, jitter: 0 } })
    const log = record(socket)
    await socket.connect()
    const frozenAt = Date.now()
    server.stopAnswering()
    await until(() => log.closes.length === 1, 'the dead link to be noticed')
    const detectedAfter = (log.closes[0]?.at ?? 0) - frozenAt
    expect(log.closes[0]).toMatchObject({ code: 4000, reason: 'heartbeat timeout' })
    expect(detectedAfter).toBeGreaterThanOrEqual(timeout)
    // The bound is interval + timeout; the slack covers timer lag on a loaded machine, not speed.
    expect(detectedAfter).toBeLessThanOrEqual(interval + timeout + 1500)
    server.resume()
    await until(() => socket.state === 'open', 'a fresh link')
    await expect(socket.send({ type: 'message', text: 'after' })).resolves.toMatchObject({ type: 'ack' })
  })

  it('chaos: 1,200 messages while the server kills links at random: each stored once, in send order, every promise settled', async () => {
    let seed = 7
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    const socket = open({
      reconnect: { minDelay: 5, maxDelay: 40, jitter: 0.5, minUptime: 0 },
      queue: { maxSize: 2000, sendTimeout: 60_000 },
      random,
    })
    const log = record(socket)
    await socket.connect()
    server.random = random
    server.dropBeforeAck = 0.005
    let killing = true
    let kills = 0
    // Never twice without progress (a frame received since the last kill): on a loaded machine
    // a link may need longer than the kill interval to deliver anything, and the test must end.
    let receivedAtKill = -1
    const killer = (async () => {
      while (killing) {
        await new Promise((r) => setTimeout(r, 5 + Math.floor(random() * 40)))
        if (killing && server.connections.size > 0 && server.received.length > receivedAtKill) {
          kills++
          receivedAtKill = server.received.length
          server.kill()
        }
      }
    })()
    const total = 1200
    const results: Array<Promise<unknown>> = []
    for (let i = 0; i < total; i++) {
      results.push(socket.send({ type: 'message', n: i }))
      if (i % 25 === 24) await new Promise((r) => setTimeout(r, 1 + Math.floor(random() * 4)))
    }
    const settled = await Promise.allSettled(results)
    killing = false
    server.dropBeforeAck = 0
    await killer
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([])
    expect(kills + log.closes.length).toBeGreaterThan(5)
    expect(log.closes.length).toBeGreaterThan(5)
    expect(server.frames.map((f) => f.n)).toEqual(Array.from({ length: total }, (_, i) => i))
    expect(new Set(server.frames.map((f) => f.id)).size).toBe(total)
    // Resends happened (the server saw some ids twice) and dedup made them harmless.
    expect(server.received.length).toBeGreaterThan(total)
  }, 60_000)

  it('close() rejects pending and later sends with CLOSED and leaves no timers behind', async () => {
    // Every timer the socket sets goes through this clock, so "none left" is exact.
    const active = new Set<unknown>()
    const clock = {
      now: () => Date.now(),
      setTimeout: (fn: () => void, ms: number) => {
        const handle: NodeJS.Timeout = setTimeout(() => {
          active.delete(handle)
          fn()
        }, ms)
        active.add(handle)
        return handle
      },
      clearTimeout: (handle: unknown) => {
        active.delete(handle)
        clearTimeout(handle as NodeJS.Timeout)
      },
    }
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const baseline = timers()
    const socket = open({ clock, heartbeat: { interval: 1000, timeout: 1000 } })
    await socket.connect()
    const pending = [socket.send({ type: 'silent' }), socket.request({ type: 'silent' })]
    expect(active.size).toBe(3) // heartbeat, minUptime, one timer for both send deadlines
    expect(timers()).toBeGreaterThan(baseline)
    socket.close()
    for (const p of pending) await expect(p).rejects.toMatchObject({ code: 'CLOSED' })
    await expect(socket.send({ type: 'message' })).rejects.toMatchObject({ code: 'CLOSED' })
    expect(active.size).toBe(0)
    await until(
      () => server.connections.size === 0 && wx.tasks.every((t) => t.ws.readyState === WebSocket.CLOSED),
      'both ends to see the close',
    )
    expect(timers()).toBeLessThanOrEqual(baseline)
  })

  it('reconnects at once when the network comes back or the app shows, skipping a long backoff', async () => {
    const listeners = { show: [] as Array<() => void>, net: [] as Array<(r: { isConnected: boolean; networkType: string }) => void> }
    const host = {
      onAppShow: (fn: () => void) => void listeners.show.push(fn),
      offAppShow: () => undefined,
      onNetworkStatusChange: (fn: (r: { isConnected: boolean; networkType: string }) => void) => void listeners.net.push(fn),
      offNetworkStatusChange: () => undefined,
    }
    const socket = open({ lifecycle: host, reconnect: { minDelay: 60_000, maxDelay: 60_000, jitter: 0 } })
    const log = record(socket)
    await socket.connect()

    await server.stop()
    await until(() => socket.state === 'reconnecting', 'reconnecting')
    await server.listen()
    listeners.net.forEach((fn) => fn({ isConnected: false, networkType: 'none' }))
    listeners.net.forEach((fn) => fn({ isConnected: true, networkType: 'wifi' }))
    await until(() => socket.state === 'open', 'open after network back', 5000)

    await server.stop()
    await until(() => socket.state === 'reconnecting', 'reconnecting again')
    await server.listen()
    listeners.show.forEach((fn) => fn())
    await until(() => socket.state === 'open', 'open after app show', 5000)
    expect(log.reconnecting.map((r) => r.delay)).toEqual([60_000, 0, 60_000])
  })

  it('survives garbage frames from the server: DECODE errors, the link stays up', async () => {
    const socket = open()
    const errors: string[] = []
    socket.on('error', (e) => errors.push(e.code))
    await socket.connect()
    const [ws] = [...server.connections]
    for (const garbage of ['{oops', '42', '[]', '{"no":"type"}']) ws?.send(garbage)
    ws?.send(Buffer.from([1, 2, 3]), { binary: true })
    ws?.send(JSON.stringify({ type: 'ack', id: 'unknown-id' }))
    await expect(socket.send({ type: 'message', text: 'still fine' })).resolves.toMatchObject({ type: 'ack' })
    expect(errors).toEqual(['DECODE', 'DECODE', 'DECODE', 'DECODE', 'DECODE'])
    expect(socket.state).toBe('open')
  })

  it('refreshes the url on every reconnect (a new token each time)', async () => {
    let n = 0
    const socket = open({ url: () => `${server.url}?token=t${++n}`, reconnect: { minDelay: 10, jitter: 0 } })
    await socket.connect()
    server.kill()
    await until(() => server.handshakes.length === 2 && socket.state === 'open', 'the second handshake')
    expect(server.handshakes.map((h) => h.url)).toEqual(['/ws?token=t1', '/ws?token=t2'])
  })
})

describe('adapters on a real ws server', () => {
  it('the Node adapter sends handshake headers and carries acks', async () => {
    const socket = new ChatSocket({
      url: server.url,
      header: () => ({ Authorization: 'Bearer node-token' }),
      connectSocket: createNodeConnectSocket(WebSocket),
      lifecycle: false,
    })
    sockets.push(socket)
    await expect(socket.send({ type: 'message', text: 'hi' })).resolves.toMatchObject({ type: 'ack', seq: 1 })
    expect(server.handshakes[0]?.headers.authorization).toBe('Bearer node-token')
  })

  it('the web adapter runs on a WHATWG WebSocket (ws implements the interface)', async () => {
    const socket = new ChatSocket({
      url: server.url,
      connectSocket: createWebConnectSocket(WebSocket),
      lifecycle: false,
      reconnect: { minDelay: 10, jitter: 0 },
    })
    sockets.push(socket)
    await expect(socket.request({ type: 'echo', x: 1 })).resolves.toMatchObject({ x: 1 })
    server.kill()
    await expect(socket.send({ type: 'message', text: 'after reconnect' })).resolves.toMatchObject({ type: 'ack' })
  })
})
