import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

export interface StoredFrame {
  type: string
  id: string
  [key: string]: unknown
}

/**
 * A real `ws` server on 127.0.0.1 speaking ChatSocket's base protocol: `ping` → `pong`;
 * a frame with an id is stored once per id (deduplicated, first-receipt order) and acked
 * with its `seq`; `{type:'echo'}` is answered with a reply carrying it back; `{type:'fail'}`
 * with a reply error; `{type:'silent'}` with nothing. It can kill links, freeze them
 * (half-open: TCP stays, nothing is read or answered), stop and restart on the same port.
 */
export class AckServer {
  /** Every frame with an id, duplicates included. */
  readonly received: StoredFrame[] = []
  /** First receipt of each id, in order. */
  readonly stored: StoredFrame[] = []
  readonly connections = new Set<WebSocket>()
  /** How many upgrade requests arrived (handshakes), and their headers and urls. */
  readonly handshakes: Array<{ url: string; headers: Record<string, string | string[] | undefined> }> = []
  private readonly seqById = new Map<string, number>()
  private http: Server | null = null
  private wss: WebSocketServer | null = null
  private readonly sockets = new Set<Socket>()
  port = 0
  /**
   * Chance in [0, 1] that, after storing a frame, the server drops the link instead of acking:
   * the worst moment to lose a link (stored, ack lost), so the client must resend and the
   * server must deduplicate.
   */
  dropBeforeAck = 0
  random: () => number = Math.random
  /** Called for every decoded frame before the default handling; return true to take it over. */
  onFrame: ((frame: StoredFrame, ws: WebSocket) => boolean) | null = null

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`
  }

  static async start(): Promise<AckServer> {
    const server = new AckServer()
    await server.listen()
    return server
  }

  /** Listens on the previous port after stop(), or on port 0 the first time. */
  async listen(): Promise<void> {
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
      http.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (http.address() as AddressInfo).port
    this.http = http
    this.wss = wss
  }

  private accept(ws: WebSocket): void {
    this.connections.add(ws)
    ws.on('close', () => this.connections.delete(ws))
    ws.on('error', () => undefined)
    ws.on('message', (raw: Buffer, isBinary) => {
      if (isBinary) return
      let frame: StoredFrame
      try {
        frame = JSON.parse(raw.toString()) as StoredFrame
      } catch {
        return
      }
      if (this.onFrame?.(frame, ws)) return
      if (frame.type === 'ping') return ws.send('{"type":"pong"}')
      if (typeof frame.id !== 'string') return
      if (frame.type === 'silent') return
      if (frame.type === 'echo') return ws.send(JSON.stringify({ type: 'reply', id: frame.id, data: frame }))
      if (frame.type === 'fail') {
        return ws.send(JSON.stringify({ type: 'reply', id: frame.id, error: { code: 'NOPE', message: 'refused' } }))
      }
      this.received.push(frame)
      let seq = this.seqById.get(frame.id)
      if (seq === undefined) {
        this.stored.push(frame)
        seq = this.stored.length
        this.seqById.set(frame.id, seq)
      }
      if (this.dropBeforeAck > 0 && this.random() < this.dropBeforeAck) return void ws.terminate()
      ws.send(JSON.stringify({ type: 'ack', id: frame.id, seq }))
    })
  }

  /** Drops every link at the TCP level, without a close handshake. */
  killAll(): void {
    for (const ws of this.connections) ws.terminate()
  }

  /** Half-open: the links stay up at the TCP level, but the server neither reads nor answers. */
  freeze(): void {
    for (const ws of this.connections) {
      ws.removeAllListeners('message')
      ws.pause()
    }
    this.connections.clear()
  }

  /** Stops listening and drops every link; listen() again reuses the port. */
  async stop(): Promise<void> {
    const { http, wss } = this
    this.http = null
    this.wss = null
    for (const ws of wss?.clients ?? []) ws.terminate()
    for (const s of this.sockets) s.destroy()
    this.connections.clear()
    wss?.close()
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()))
  }

  /** Resolves when `predicate()` holds, polling on the event loop (no fixed sleeps). */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const started = Date.now()
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 5))
    }
  }
}
