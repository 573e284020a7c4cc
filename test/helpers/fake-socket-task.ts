import type { ConnectSocket, ConnectSocketOptions, Frame, SocketTaskLike } from '../../src/types'

type Listener<T> = (res: T) => void

/** A SocketTask under the test's control: it opens, receives and closes when told to. */
export class FakeSocketTask implements SocketTaskLike {
  readonly sent: Array<string | ArrayBuffer> = []
  closedWith: { code?: number; reason?: string } | null = null
  /** When set, send() calls `fail` instead of recording. */
  failSends = false
  private readonly listeners = {
    open: [] as Array<Listener<{ header?: Record<string, string> }>>,
    close: [] as Array<Listener<{ code: number; reason: string }>>,
    error: [] as Array<Listener<{ errMsg: string }>>,
    message: [] as Array<Listener<{ data: string | ArrayBuffer }>>,
  }

  constructor(readonly options: ConnectSocketOptions) {}

  /** Sent frames, decoded. */
  get frames(): Frame[] {
    return this.sent.map((d) => JSON.parse(typeof d === 'string' ? d : Buffer.from(d).toString('utf8')) as Frame)
  }

  send(o: { data: string | ArrayBuffer; success?: (res: unknown) => void; fail?: (err: { errMsg: string }) => void }): void {
    if (this.failSends) return o.fail?.({ errMsg: 'sendSocketMessage:fail' })
    this.sent.push(o.data)
    o.success?.({ errMsg: 'sendSocketMessage:ok' })
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

  open(): void {
    for (const fn of this.listeners.open) fn({})
  }
  receive(data: string | ArrayBuffer | object): void {
    const payload = typeof data === 'string' || data instanceof ArrayBuffer ? data : JSON.stringify(data)
    for (const fn of this.listeners.message) fn({ data: payload })
  }
  serverClose(code = 1006, reason = ''): void {
    for (const fn of this.listeners.close) fn({ code, reason })
  }
  error(errMsg = 'network error'): void {
    for (const fn of this.listeners.error) fn({ errMsg })
  }
  /** Acks every sent frame that carries an id. */
  ackAll(extra: object = {}): void {
    for (const f of this.frames) if (f.id) this.receive({ type: 'ack', id: f.id, ...extra })
  }
}

/** A connectSocket that hands out FakeSocketTasks and remembers them. */
export function fakeConnectSocket(): ConnectSocket & { tasks: FakeSocketTask[]; readonly last: FakeSocketTask } {
  const tasks: FakeSocketTask[] = []
  const fn = ((options: ConnectSocketOptions) => {
    const task = new FakeSocketTask(options)
    tasks.push(task)
    return task
  }) as unknown as ConnectSocket & { tasks: FakeSocketTask[]; readonly last: FakeSocketTask }
  fn.tasks = tasks
  Object.defineProperty(fn, 'last', {
    get: () => {
      const task = tasks[tasks.length - 1]
      if (!task) throw new Error('no task was created')
      return task
    },
  })
  return fn
}
