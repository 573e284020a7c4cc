import WebSocket from 'ws'

export interface Frame {
  type: string
  id?: string
  [key: string]: any
}

const WAIT_MS = 10_000

/**
 * A raw `ws` client that records every frame and lets a test wait for the one it expects
 * (never for a fixed time).
 */
export class TestClient {
  readonly frames: Frame[] = []
  readonly ws: WebSocket
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = []
  private counter = 0
  /** Ids are unique across clients, as ChatSocket's are (a message id is deduplicated per conversation). */
  private readonly prefix = Math.random().toString(36).slice(2, 8)
  readonly closed: Promise<{ code: number; reason: string }>

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return
      const frame = JSON.parse(data.toString()) as Frame
      this.frames.push(frame)
      for (const w of [...this.waiters]) {
        if (w.match(frame)) {
          this.waiters.splice(this.waiters.indexOf(w), 1)
          w.resolve(frame)
        }
      }
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  /** Opens a socket with the token as a Bearer header (or as ?token= with `query`). Rejects with the HTTP status on failure. */
  static connect(
    wsUrl: string,
    token: string | undefined,
    opts: { query?: boolean; wsOptions?: WebSocket.ClientOptions } = {},
  ): Promise<TestClient> {
    const url = token && opts.query ? `${wsUrl}?token=${encodeURIComponent(token)}` : wsUrl
    const headers = token && !opts.query ? { authorization: `Bearer ${token}` } : undefined
    const ws = new WebSocket(url, { ...opts.wsOptions, ...(headers ? { headers } : {}) })
    const client = new TestClient(ws)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client))
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })))
      })
      ws.once('error', reject)
    })
  }

  send(frame: Frame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Sends a frame with a fresh id and resolves with the frame answering it (ack or reply). */
  async call(frame: Omit<Frame, 'id'> & { id?: string }): Promise<Frame> {
    const id = frame.id ?? `${this.prefix}-${++this.counter}`
    const answer = this.waitFor((f) => (f.type === 'ack' || f.type === 'reply') && f.id === id, `answer to ${id}`)
    this.send({ ...frame, id } as Frame)
    return answer
  }

  /** Like call(), resolving with the reply's data and rejecting with its error code. */
  async request<T = any>(frame: Omit<Frame, 'id'>): Promise<T> {
    const answer = await this.call(frame)
    if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code })
    return answer.data as T
  }

  /** How many frames have arrived so far: pass it as `since` to wait for something an earlier action caused. */
  mark(): number {
    return this.frames.length
  }

  /** The first frame at index ≥ `since` (default: from now on) that matches; waits for it if it has not arrived yet. */
  waitFor(match: (f: Frame) => boolean, what = 'a matching frame', since = this.frames.length): Promise<Frame> {
    const found = this.frames.slice(since).find(match)
    if (found) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        reject(new Error(`timed out waiting for ${what}; last frames ${JSON.stringify(this.frames.slice(-5))}`))
      }, WAIT_MS)
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer)
          resolve(f)
        },
      }
      this.waiters.push(waiter)
    })
  }

  /** Waits for a `conversation` push with this event (and conversation id, when given). */
  event(event: string, conversationId?: string, since = this.frames.length): Promise<Frame> {
    return this.waitFor(
      (f) => f.type === 'conversation' && f.event === event && (conversationId === undefined || f.conversation.id === conversationId),
      `conversation event ${event}`,
      since,
    )
  }

  /** Waits for a pushed message matching `match`. */
  message(match: (m: any) => boolean, what = 'a pushed message', since = this.frames.length): Promise<any> {
    return this.waitFor((f) => f.type === 'message' && f.message !== undefined && match(f.message), what, since).then((f) => f.message)
  }

  /** Messages pushed to this client so far, by conversation. */
  pushedMessages(conversationId?: string): any[] {
    return this.frames
      .filter((f) => f.type === 'message' && f.message && (conversationId === undefined || f.message.conversationId === conversationId))
      .map((f) => f.message)
  }

  /** A ping round trip: every frame sent before it has been handled when the pong arrives. */
  async roundTrip(): Promise<void> {
    const pong = this.waitFor((f) => f.type === 'pong', 'pong')
    this.send({ type: 'ping' })
    await pong
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000)
    return this.closed
  }
}

/** The clients a test connects, to close together after it: `afterEach(() => clients.closeAll())`. */
export interface TrackedClients {
  /** TestClient.connect, remembering the client for closeAll(). */
  connect(...args: Parameters<typeof TestClient.connect>): Promise<TestClient>
  /** Closes every client connected since the last closeAll(). */
  closeAll(): Promise<void>
}

export function trackClients(): TrackedClients {
  const open: TestClient[] = []
  return {
    async connect(...args) {
      const client = await TestClient.connect(...args)
      open.push(client)
      return client
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((c) => c.close()))
    },
  }
}
