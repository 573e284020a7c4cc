import { RECORD_SEPARATOR, decodeBatch, encodeBatch, type PollingClosed, type PollingHandshake } from '../protocol/polling'
import type { RequestFn, RequestTaskLike } from './polling-request'
import type { Link, LinkEvents, LinkTarget, Transport } from './transport'

/** The `pollingUrl` option: a URL, or a function of the socket URL of this attempt. */
export type PollingUrl = string | ((socketUrl: string) => string)

/** Most frames, and most characters, in one POST. */
const MAX_BATCH_FRAMES = 64
const MAX_BATCH_CHARS = 256 * 1024
/** ms a poll may take beyond the server's hold before it counts as failed. */
const POLL_MARGIN = 10_000

/** The socket URL as HTTP: `ws:` → `http:`, `wss:` → `https:`, same host, path and query. */
export function pollingUrlOf(socketUrl: string): string {
  return socketUrl.replace(/^ws(s?):/i, 'http$1:')
}

/** `url` with `name=value` added to its query. */
export function addQuery(url: string, name: string, value: string | number): string {
  const hash = url.indexOf('#')
  const base = hash === -1 ? url : url.slice(0, hash)
  return `${base}${base.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(String(value))}`
}

/**
 * HTTP long-polling through `request` (wx.request's shape): one session per link, one held
 * GET at a time, sends batched in POSTs, one POST in flight at a time so frames arrive in
 * order (docs/protocol.md, "Long-polling"). Text frames only.
 */
export class PollingTransport implements Transport {
  readonly name = 'polling'

  constructor(
    private readonly request: RequestFn,
    private readonly pollingUrl: PollingUrl | undefined,
    private readonly timeout: number,
  ) {}

  connect(target: LinkTarget, events: LinkEvents): PollingLink | null {
    let url: string
    try {
      const given = this.pollingUrl
      url = given === undefined ? pollingUrlOf(target.url) : typeof given === 'function' ? given(target.url) : given
      if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new TypeError(`pollingUrl gave ${String(url)}, not an http(s) URL`)
    } catch (error) {
      events.failed(`pollingUrl: ${error instanceof Error ? error.message : String(error)}`, error)
      return null
    }
    const link = new PollingLink(this.request, url, target.header, events, this.timeout)
    link.start()
    return link
  }
}

interface Pending {
  data: string
  sent: (() => void) | undefined
}

/** What a link hands over when a WebSocket takes its session over (`detach`). */
export interface Detached {
  /** The seq of the last frame received by polling: the `ack` of the upgrade frame. */
  lastSeq: number
  /** Frames written to this link and not posted yet, in order. */
  unsent: Array<{ data: string; sent: (() => void) | undefined }>
  /** False when the POST in flight failed: what it carried may not have arrived. */
  ok: boolean
}

/** One polling session. Every event goes to `events` until it is closed or detached; nothing after. */
export class PollingLink implements Link {
  private sid: string | null = null
  private hold = 0
  /** The seq of the last frame received. */
  private lastSeq = 0
  /** Closed or detached: no more requests, no more events. */
  private stopped = false
  private closeArgs: { code: number; reason: string } | null = null
  private pollTask: RequestTaskLike | null = null
  private batch: Pending[] = []
  private posting = false
  private flushQueued = false
  private detaching: ((d: Detached) => void) | null = null
  private detached = false

  constructor(
    private readonly request: RequestFn,
    private readonly url: string,
    private readonly header: Record<string, string> | undefined,
    private readonly events: LinkEvents,
    private readonly timeout: number,
  ) {}

  /** The session id once the handshake is done (a WebSocket upgrade names it). */
  get session(): string | null {
    return this.sid
  }

  start(): void {
    this.httpCall(
      'POST',
      this.url,
      undefined,
      this.timeout,
      (status, body) => {
        if (this.closeArgs !== null) {
          // Closed during the handshake: end the session it opened.
          const sid = status === 200 ? handshakeOf(body)?.sid : undefined
          if (sid !== undefined) this.sendClose(sid)
          return
        }
        if (this.stopped) return
        const handshake = status === 200 ? handshakeOf(body) : null
        if (handshake === null) {
          this.stopped = true
          return this.events.failed(status === 200 ? 'polling handshake: not a session' : `polling handshake answered HTTP ${status}`, body)
        }
        this.sid = handshake.sid
        this.hold = handshake.hold
        this.events.open()
        if (!this.stopped) this.poll()
        if (!this.stopped) this.flush()
      },
      (err) => {
        if (this.stopped) return
        this.stopped = true
        this.events.failed(err.errMsg, err)
      },
    )
  }

  send(data: string | ArrayBuffer, sent?: () => void): void {
    if (this.stopped && this.detaching === null) return
    if (typeof data !== 'string' || data.includes(RECORD_SEPARATOR)) {
      return this.events.sendFailed(new TypeError('polling carries text frames without U+001E only'))
    }
    this.batch.push({ data, sent })
    if (this.flushQueued || this.posting || this.sid === null || this.detaching !== null) return
    // Frames written in the same turn go in one POST.
    this.flushQueued = true
    void Promise.resolve().then(() => {
      this.flushQueued = false
      this.flush()
    })
  }

  close(code: number, reason: string): void {
    if (this.closeArgs !== null) return
    this.closeArgs = { code, reason }
    this.stopped = true
    this.detaching = null
    this.abortPoll()
    // A detached link's session is the WebSocket's now.
    if (this.sid !== null && !this.detached) this.sendClose(this.sid)
  }

  /**
   * For an upgrade: stops polling (the held poll is aborted; what it would have brought comes
   * again on the WebSocket after `lastSeq`) and, once no POST is in flight, hands over what
   * was not posted. After it, the link reports nothing and its session is left to the WebSocket.
   */
  detach(done: (d: Detached) => void): void {
    if (this.stopped) return
    this.stopped = true
    this.detached = true
    this.detaching = done
    this.abortPoll()
    if (!this.posting) this.handOver(true)
  }

  private handOver(ok: boolean): void {
    const done = this.detaching
    if (done === null) return
    this.detaching = null
    const unsent = this.batch
    this.batch = []
    done({ lastSeq: this.lastSeq, unsent, ok })
  }

  private poll(): void {
    const sid = this.sid
    if (sid === null || this.stopped) return
    const url = addQuery(addQuery(this.url, 'sid', sid), 'ack', this.lastSeq)
    this.pollTask = this.httpCall(
      'GET',
      url,
      undefined,
      this.hold + POLL_MARGIN,
      (status, body) => {
        this.pollTask = null
        if (this.stopped) return
        if (status !== 200) return this.ended(status, body)
        const records = decodeBatch(typeof body === 'string' ? body : '')
        const first = Number(records[0])
        if (!Number.isSafeInteger(first) || first < 1) return this.broken(`poll answered a batch without a seq`)
        let seq = first - 1
        for (const record of records.slice(1)) {
          // Sent again (this poll's ack had not reached the server): skipped.
          if (++seq <= this.lastSeq) continue
          this.lastSeq = seq
          this.events.message(record)
          if (this.stopped) return
        }
        this.poll()
      },
      (err) => {
        this.pollTask = null
        if (!this.stopped) this.broken(err.errMsg, err)
      },
    )
  }

  private flush(): void {
    const sid = this.sid
    if (sid === null || this.posting || this.batch.length === 0 || (this.stopped && this.detaching === null)) return
    if (this.detaching !== null) return this.handOver(true)
    let chars = 0
    let n = 0
    for (const p of this.batch) {
      if (n === MAX_BATCH_FRAMES || (n > 0 && chars + p.data.length > MAX_BATCH_CHARS)) break
      chars += p.data.length + 1
      n++
    }
    const posted = this.batch.splice(0, n)
    this.posting = true
    this.httpCall(
      'POST',
      addQuery(this.url, 'sid', sid),
      encodeBatch(posted.map((p) => p.data)),
      this.timeout,
      (status, body) => {
        this.posting = false
        if (this.detaching !== null) return this.handOver(status === 204 || status === 200)
        if (this.stopped) return
        if (status === 410 || status === 404 || status === 409 || status === 413) return this.ended(status, body)
        if (status !== 204 && status !== 200) return this.events.sendFailed({ errMsg: `polling POST answered HTTP ${status}` })
        for (const p of posted) p.sent?.()
        this.flush()
      },
      (err) => {
        this.posting = false
        if (this.detaching !== null) return this.handOver(false)
        if (!this.stopped) this.events.sendFailed(err)
      },
    )
  }

  /** The session is over (410 with the server's close code; 404 expired or unknown; 409 taken over). */
  private ended(status: number, body: unknown): void {
    this.stopped = true
    this.abortPoll()
    const close = status === 410 || status === 413 ? closeOf(body) : null
    if (close !== null) return this.events.close(close.code, close.reason)
    if (status === 404 || status === 409)
      return this.events.close(1006, status === 404 ? 'polling session expired' : 'polling session taken over')
    this.events.error(`poll answered HTTP ${status}`, body)
  }

  /** The network failed a poll, or it answered nonsense: the link is broken. */
  private broken(message: string, cause?: unknown): void {
    this.stopped = true
    this.abortPoll()
    this.events.error(message, cause)
  }

  private abortPoll(): void {
    const task = this.pollTask
    this.pollTask = null
    try {
      task?.abort()
    } catch {
      // An abort of a settled request may throw on some platforms; it is over either way.
    }
  }

  private sendClose(sid: string): void {
    const args = this.closeArgs ?? { code: 1000, reason: '' }
    const url = addQuery(addQuery(addQuery(this.url, 'sid', sid), 'code', args.code), 'reason', args.reason)
    this.httpCall(
      'DELETE',
      url,
      undefined,
      this.timeout,
      () => undefined,
      () => undefined,
    )
  }

  private httpCall(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    data: string | undefined,
    timeout: number,
    success: (status: number, body: unknown) => void,
    fail: (err: { errMsg: string }) => void,
  ): RequestTaskLike | null {
    let settled = false
    const once =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        if (settled) return
        settled = true
        fn(...args)
      }
    const header: Record<string, string> = { ...this.header }
    if (data !== undefined) header['content-type'] = 'text/plain;charset=UTF-8'
    try {
      return (
        this.request({
          url,
          method,
          ...(data !== undefined && { data }),
          header,
          timeout,
          dataType: 'text',
          responseType: 'text',
          success: once((res) => success(res.statusCode, res.data)),
          fail: once((err) => fail(err ?? { errMsg: 'request:fail' })),
        }) ?? null
      )
    } catch (error) {
      once(fail)({ errMsg: `request threw: ${error instanceof Error ? error.message : String(error)}` })
      return null
    }
  }
}

function parsed(body: unknown): unknown {
  if (typeof body !== 'string') return body
  try {
    return JSON.parse(body) as unknown
  } catch {
    return null
  }
}

function handshakeOf(body: unknown): PollingHandshake | null {
  const h = parsed(body) as Partial<PollingHandshake> | null
  if (typeof h !== 'object' || h === null || typeof h.sid !== 'string' || h.sid === '') return null
  return { sid: h.sid, hold: typeof h.hold === 'number' && h.hold > 0 ? h.hold : 25_000, idleTimeout: Number(h.idleTimeout) }
}

function closeOf(body: unknown): { code: number; reason: string } | null {
  const b = parsed(body) as Partial<PollingClosed> | null
  const close = typeof b === 'object' && b !== null ? b.close : undefined
  if (typeof close !== 'object' || close === null || typeof close.code !== 'number') return null
  return { code: close.code, reason: typeof close.reason === 'string' ? close.reason : '' }
}
