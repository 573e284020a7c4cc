import type { ConnectSocket, ConnectSocketOptions, Frame, SocketTaskLike } from '../types'

type Listener<T> = (res: T) => void

/** UTF-8 text of what a task sent (text frames as they are, ArrayBuffers decoded). */
function text(data: string | ArrayBuffer): string {
  return typeof data === 'string' ? data : new TextDecoder().decode(data)
}

/**
 * A SocketTask under the test's control, for unit tests with fake timers: nothing happens
 * until the test says so (`open()`, `receive()`, `serverClose()`, `error()`, `fail()`).
 * Listeners run synchronously; `autoAck` answers on a microtask (a resolved Promise, which
 * jest's fake timers leave alone), so `await socket.send(…)` settles without advancing timers.
 */
export class FakeSocketTask implements SocketTaskLike {
  /** The options ChatSocket passed to connectSocket. */
  readonly options: ConnectSocketOptions
  /** Every payload sent, as given to `send()` (string or ArrayBuffer). */
  readonly raw: Array<string | ArrayBuffer> = []
  /** What `close()` was called with, null while it was not. */
  closedWith: { code?: number; reason?: string } | null = null
  /** When set, `send()` calls its `fail` callback instead of recording. */
  failSends = false
  /**
   * Answer like a server would: every sent frame with an `id` gets `{type:'ack', id, seq}`
   * (seq counting from 1 per task) and every `ping` a `pong`.
   */
  autoAck = false
  private seq = 0
  private readonly listeners = {
    open: [] as Array<Listener<{ header?: Record<string, string> }>>,
    close: [] as Array<Listener<{ code: number; reason: string }>>,
    error: [] as Array<Listener<{ errMsg: string }>>,
    message: [] as Array<Listener<{ data: string | ArrayBuffer }>>,
  }

  constructor(options: ConnectSocketOptions) {
    this.options = options
  }

  /** The url ChatSocket asked for. */
  get url(): string {
    return this.options.url
  }

  /** The handshake headers ChatSocket asked for. */
  get header(): Record<string, string> | undefined {
    return this.options.header
  }

  /** The frames sent, decoded as JSON, in order. */
  get sent(): Frame[] {
    return this.raw.map((d) => JSON.parse(text(d)) as Frame)
  }

  send(o: { data: string | ArrayBuffer; success?: (res: unknown) => void; fail?: (err: { errMsg: string }) => void }): void {
    if (this.failSends) return o.fail?.({ errMsg: 'sendSocketMessage:fail' })
    this.raw.push(o.data)
    o.success?.({ errMsg: 'sendSocketMessage:ok' })
    if (this.autoAck) this.answer(o.data)
  }

  close(o: { code?: number; reason?: string }): void {
    this.closedWith = { code: o.code, reason: o.reason }
  }

  onOpen(fn: Listener<{ header?: Record<string, string> }>): void {
    this.listeners.open.push(fn)
  }
  onClose(fn: Listener<{ code: number; reason: string }>): void {
    this.listeners.close.push(fn)
  }
  onError(fn: Listener<{ errMsg: string }>): void {
    this.listeners.error.push(fn)
  }
  onMessage(fn: Listener<{ data: string | ArrayBuffer }>): void {
    this.listeners.message.push(fn)
  }

  /** The link opens (`onOpen` listeners). */
  open(header: Record<string, string> = {}): void {
    for (const fn of this.listeners.open) fn({ header })
  }
  /** One incoming frame: a string or ArrayBuffer as is, an object as JSON text. */
  receive(data: string | ArrayBuffer | object): void {
    const payload = typeof data === 'string' || data instanceof ArrayBuffer ? data : JSON.stringify(data)
    for (const fn of this.listeners.message) fn({ data: payload })
  }
  /** The server or the network closes the link (`onClose` listeners). 1006: no close frame. */
  serverClose(code = 1006, reason = ''): void {
    for (const fn of this.listeners.close) fn({ code, reason })
  }
  /** The platform reports an error on the task (`onError` listeners), as WeChat does before a close. */
  error(errMsg = 'network error'): void {
    for (const fn of this.listeners.error) fn({ errMsg })
  }
  /** The connectSocket call itself fails (its `fail` callback), as when the domain is not allowed or 5 sockets are open. */
  fail(errMsg = 'connectSocket:fail'): void {
    this.options.fail?.({ errMsg })
  }
  /** Acks every frame with an id sent so far (again, if already acked). */
  ackAll(extra: object = {}): void {
    for (const f of this.sent) if (f.id) this.receive({ type: 'ack', id: f.id, ...extra })
  }

  private answer(data: string | ArrayBuffer): void {
    let frame: Frame
    try {
      frame = JSON.parse(text(data)) as Frame
    } catch {
      return
    }
    const reply = frame.type === 'ping' ? { type: 'pong' } : frame.id ? { type: 'ack', id: frame.id, seq: ++this.seq } : null
    if (reply) void Promise.resolve().then(() => this.receive(reply))
  }
}

/** What `createFakeConnectSocket()` gives: the connectSocket to pass to ChatSocket and the tasks it made. */
export interface FakeConnectSocket {
  readonly connectSocket: ConnectSocket
  /** Every task created, oldest first. */
  readonly tasks: FakeSocketTask[]
  /** The most recent task; throws when none was created yet. */
  last(): FakeSocketTask
  /** `autoAck` for every task created from now on. */
  autoAck: boolean
}

/**
 * A `connectSocket` that hands out FakeSocketTasks:
 * `const fake = createFakeConnectSocket(); new ChatSocket({ url, connectSocket: fake.connectSocket }); fake.last().open()`.
 */
export function createFakeConnectSocket(options: { autoAck?: boolean } = {}): FakeConnectSocket {
  const tasks: FakeSocketTask[] = []
  const fake: FakeConnectSocket = {
    tasks,
    autoAck: options.autoAck ?? false,
    connectSocket: (o) => {
      const task = new FakeSocketTask(o)
      task.autoAck = fake.autoAck
      tasks.push(task)
      return task
    },
    last() {
      const task = tasks[tasks.length - 1]
      if (!task) throw new Error('createFakeConnectSocket: no task was created yet (has ChatSocket connected?)')
      return task
    },
  }
  return fake
}
