import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Frame } from '../protocol'
import { waitFor } from './wait-for'

/** A frame the mock server received (always an object with a string `type`). */
export type ReceivedFrame = Frame & Record<string, unknown>

/** One server-side connection, as `ws` gives it (structural, so `ws` stays a dev dependency of yours). */
export interface MockConnection {
  send(data: string | ArrayBuffer | Uint8Array, options?: { binary?: boolean }): void
  close(code?: number, reason?: string): void
  terminate(): void
  pause(): void
  resume(): void
}

/**
 * What to answer a frame that has an id, before the default ack: an object to send instead of
 * the ack (say a `{type:'reply', id, data}`), `null` to send nothing (the frame is not
 * recorded either), `undefined` for the default handling.
 */
export type MockAnswer = (frame: ReceivedFrame) => object | null | undefined

export interface MockServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number
  /** Listening address. Default '127.0.0.1'. */
  host?: string
  /** Ack every frame with an id with `{type:'ack', id, seq}` (seq: the order of first receipt, from 1). Default true. */
  ack?: boolean
  /** Record (and number) each id once: a resent frame is acked again with its first seq, but not recorded twice in `frames`. Default true. */
  dedup?: boolean
  /** Answers of your own (replies, errors, silence); see MockAnswer. */
  answer?: MockAnswer
}

/** Defaults of startMockServer's options. */
export const MOCK_SERVER_DEFAULTS = { port: 0, host: '127.0.0.1', ack: true, dedup: true } as const

type WsServer = {
  handleUpgrade(req: unknown, socket: unknown, head: unknown, cb: (ws: WsConnection) => void): void
  close(): void
}
type WsConnection = MockConnection & {
  on(event: 'message', fn: (raw: Uint8Array, isBinary: boolean) => void): void
  on(event: 'close' | 'error', fn: () => void): void
}

/**
 * A real `ws` server that speaks ChatSocket's base protocol (docs/protocol.md §1): `ping` is
 * answered with `pong`, a frame with an id with an ack. It records what it got, pushes frames,
 * and breaks links the ways networks do. Start it with `startMockServer()`.
 */
export class MockServer {
  /** Every frame received except pings, in arrival order; with `dedup`, a resent id only the first time. */
  readonly frames: ReceivedFrame[] = []
  /** Every frame received except pings, duplicates included. */
  readonly received: ReceivedFrame[] = []
  /** Open connections. */
  readonly connections = new Set<MockConnection>()
  /** Every WebSocket handshake: its url (path and query) and headers. */
  readonly handshakes: Array<{ url: string; headers: IncomingHttpHeaders }> = []
  /**
   * Chance in [0, 1] that, after recording a frame, the server drops the link instead of
   * acking it: the worst moment to lose a link, so the client must resend and dedup must hold.
   */
  dropBeforeAck = 0
  /** The random source of `dropBeforeAck`. */
  random: () => number = Math.random
  port: number
  readonly options: Required<Omit<MockServerOptions, 'answer'>> & Pick<MockServerOptions, 'answer'>
  private readonly seqById = new Map<string, number>()
  private seq = 0
  private answering = true
  private http: Server | null = null
  private wss: WsServer | null = null
  private readonly sockets = new Set<Socket>()

  constructor(options: MockServerOptions = {}) {
    for (const key of ['ack', 'dedup'] as const) {
      if (options[key] !== undefined && typeof options[key] !== 'boolean') {
        throw new TypeError(`startMockServer: ${key} must be a boolean`)
      }
    }
    if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
      throw new RangeError(`startMockServer: port must be an integer in 0..65535, got ${String(options.port)}`)
    }
    if (options.answer !== undefined && typeof options.answer !== 'function')
      throw new TypeError('startMockServer: answer must be a function')
    this.options = { ...MOCK_SERVER_DEFAULTS, ...options }
    this.port = this.options.port
  }

  /** `ws://host:port/ws` (the server accepts any path). */
  get url(): string {
    return `ws://${this.options.host}:${this.port}/ws`
  }

  /** Listens (again, on the same port after `stop()`). */
  async listen(): Promise<void> {
    if (this.http) return
    // Required on first use (not imported), so the testing entry loads where `ws` is not installed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WebSocketServer } = require('ws') as { WebSocketServer: new (o: { noServer: true }) => WsServer }
    const http = createServer((_req, res) => res.writeHead(404).end())
    const wss = new WebSocketServer({ noServer: true })
    http.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    http.on('upgrade', (req, socket, head) => {
      this.handshakes.push({ url: req.url ?? '', headers: req.headers })
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws))
    })
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(this.port, this.options.host, () => resolve())
    })
    this.port = (http.address() as AddressInfo).port
    this.http = http
    this.wss = wss
  }

  /** Sends `frame` to every connected client. Returns how many it went to. */
  push(frame: object): number {
    const data = JSON.stringify(frame)
    for (const ws of this.connections) ws.send(data)
    return this.connections.size
  }

  /** Drops every connection at the TCP level, without a close frame (clients see 1006 and reconnect). */
  kill(): void {
    for (const ws of this.connections) ws.terminate()
  }

  /**
   * Half-open: connections stay up at the TCP level, but the server reads and answers nothing
   * (no pong, no ack) on them, nor on connections made later, until `resume()`.
   */
  stopAnswering(): void {
    this.answering = false
    for (const ws of this.connections) ws.pause()
  }

  /** Undoes `stopAnswering()`: what arrived meanwhile is read and answered now. */
  resume(): void {
    this.answering = true
    for (const ws of this.connections) ws.resume()
  }

  /** Stops listening and drops every connection; `listen()` starts again on the same port. */
  async stop(): Promise<void> {
    const { http, wss } = this
    this.http = null
    this.wss = null
    for (const ws of this.connections) ws.terminate()
    for (const s of this.sockets) s.destroy()
    this.connections.clear()
    wss?.close()
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()))
  }

  /** Stops for good (same as `stop()`; kept for symmetry with `startMockServer`). */
  close(): Promise<void> {
    return this.stop()
  }

  /** Resolves when `predicate()` holds (checked every 5 ms), rejects after `timeout` ms. */
  waitFor(predicate: () => boolean, timeout = 10_000, what = 'condition'): Promise<void> {
    return waitFor(predicate, { timeout, what })
  }

  private accept(ws: WsConnection): void {
    this.connections.add(ws)
    if (!this.answering) ws.pause()
    ws.on('close', () => this.connections.delete(ws))
    ws.on('error', () => undefined)
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return
      let frame: ReceivedFrame
      try {
        frame = JSON.parse(new TextDecoder().decode(raw)) as ReceivedFrame
      } catch {
        return
      }
      if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return
      this.handle(frame, ws)
    })
  }

  private handle(frame: ReceivedFrame, ws: WsConnection): void {
    if (frame.type === 'ping') return ws.send('{"type":"pong"}')
    const id = typeof frame.id === 'string' ? frame.id : undefined
    if (id !== undefined && this.options.answer) {
      const answer = this.options.answer(frame)
      if (answer === null) return
      if (answer !== undefined) return ws.send(JSON.stringify(answer))
    }
    this.received.push(frame)
    let seq = id === undefined ? undefined : this.seqById.get(id)
    if (seq === undefined || !this.options.dedup) this.frames.push(frame)
    if (id === undefined) return
    if (seq === undefined) {
      seq = ++this.seq
      this.seqById.set(id, seq)
    }
    if (this.dropBeforeAck > 0 && this.random() < this.dropBeforeAck) return ws.terminate()
    if (this.options.ack) ws.send(JSON.stringify({ type: 'ack', id, seq }))
  }
}

/**
 * A real `ws` server on 127.0.0.1 that speaks the ChatSocket wire protocol:
 * `const server = await startMockServer({ port: 0, ack: true, dedup: true })`, then
 * `new ChatSocket({ url: server.url, connectSocket: createWxSocketOverWs(WebSocket) })`.
 * Needs the `ws` package (a dev dependency of your tests).
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const server = new MockServer(options)
  await server.listen()
  return server
}
