import type { RequestFn, RequestOptions } from '../transports/polling-request'
import type { Link, LinkEvents, LinkTarget, Transport } from '../transports'
import { fromBase64, toBase64 } from './base64'

/** Engine.IO 4 joins the packets of one HTTP body with the record separator. */
const SEPARATOR = '\x1e'

/**
 * Engine.IO's own HTTP long-polling transport (`transport=polling`) through a request function
 * of `wx.request`'s shape: a GET for the handshake, then one held GET at a time for what the
 * server sends (its pings included) and one POST at a time for what the client sends, the
 * packets of a body joined by U+001E, binary ones as `b` + base64. It opens Links like the
 * WebSocket transport, so the Manager above it (handshake, heartbeat, namespaces) is the same.
 */
export class EnginePollingTransport implements Transport {
  readonly name = 'polling'

  constructor(
    private readonly request: RequestFn,
    private readonly timeout: number,
  ) {}

  connect(target: LinkTarget, events: LinkEvents): Link | null {
    return new PollingLink(this.request, pollingUrl(target.url), target.header, this.timeout, events)
  }
}

/** The polling URL of an Engine.IO WebSocket URL: http(s), `transport=polling`. */
export function pollingUrl(wsUrl: string): string {
  return wsUrl.replace(/^ws(s?):/i, 'http$1:').replace('transport=websocket', 'transport=polling')
}

class PollingLink implements Link {
  private sid: string | null = null
  private closed = false
  private opened = false
  private outbox: string[] = []
  private posting = false
  private poll: { abort(): void } | null = null
  private counter = 0

  constructor(
    private readonly request: RequestFn,
    private readonly url: string,
    private readonly header: Record<string, string> | undefined,
    private readonly timeout: number,
    private readonly events: LinkEvents,
  ) {
    this.get()
  }

  send(data: string | ArrayBuffer): void {
    if (this.closed) throw new Error('the polling link is closed')
    this.outbox.push(typeof data === 'string' ? data : `b${toBase64(data)}`)
    this.flush()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.poll?.abort()
    this.poll = null
    // Tell the server at once (its close packet) rather than letting the session time out.
    if (this.sid !== null)
      this.exchange(
        'POST',
        '1',
        this.timeout,
        () => undefined,
        () => undefined,
      )
  }

  private target(): string {
    // A cache buster per request, as engine.io-client does (some proxies cache GETs).
    const t = `t=${(++this.counter).toString(36)}${Date.now().toString(36)}`
    return `${this.url}&${t}${this.sid === null ? '' : `&sid=${encodeURIComponent(this.sid)}`}`
  }

  /** The handshake GET, then the held polls, one at a time. Polls wait up to pingInterval; no client timeout beyond it. */
  private get(): void {
    if (this.closed) return
    const handshake = this.sid === null
    this.poll = this.exchange(
      'GET',
      undefined,
      handshake ? this.timeout : undefined,
      (body) => {
        this.poll = null
        if (this.closed) return
        const packets = body.split(SEPARATOR)
        if (handshake) {
          const sid = sidOf(packets[0])
          if (sid === null) return this.fail('the handshake answer is not an Engine.IO open packet')
          this.sid = sid
          this.opened = true
          this.events.open()
        }
        for (const p of packets) {
          if (this.closed) return
          if (p.length === 0) continue
          this.events.message(p.startsWith('b') ? decodeBinary(p) : p)
        }
        this.get()
      },
      (reason) => this.fail(reason),
    )
  }

  private flush(): void {
    if (this.posting || this.closed || this.sid === null || this.outbox.length === 0) return
    const body = this.outbox.join(SEPARATOR)
    this.outbox = []
    this.posting = true
    this.exchange(
      'POST',
      body,
      this.timeout,
      () => {
        this.posting = false
        this.flush()
      },
      (reason) => {
        this.posting = false
        if (this.closed) return
        this.events.sendFailed(new Error(reason))
      },
    )
  }

  private fail(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.poll?.abort()
    this.poll = null
    if (this.opened) this.events.close(1006, reason)
    else this.events.failed(reason)
  }

  private exchange(
    method: RequestOptions['method'],
    data: string | undefined,
    timeout: number | undefined,
    ok: (body: string) => void,
    failed: (reason: string) => void,
  ): { abort(): void } | null {
    let settled = false
    const once =
      <A extends unknown[]>(fn: (...a: A) => void) =>
      (...a: A): void => {
        if (settled) return
        settled = true
        fn(...a)
      }
    const options: RequestOptions = {
      url: this.target(),
      method,
      dataType: 'text',
      responseType: 'text',
      header: { ...this.header, ...(data !== undefined && { 'content-type': 'text/plain;charset=UTF-8' }) },
      success: once((res: { statusCode: number; data: unknown }) => {
        const body = typeof res.data === 'string' ? res.data : ''
        if (res.statusCode !== 200) failed(`HTTP ${res.statusCode} ${body.slice(0, 120)}`)
        else ok(body)
      }),
      fail: once((err: { errMsg: string }) => failed(err?.errMsg ?? 'request failed')),
    }
    if (data !== undefined) options.data = data
    if (timeout !== undefined) options.timeout = timeout
    try {
      const task = this.request(options)
      return task ?? null
    } catch (error) {
      once(() => failed(`request threw: ${error instanceof Error ? error.message : String(error)}`))()
      return null
    }
  }
}

function sidOf(packet: string | undefined): string | null {
  if (!packet?.startsWith('0')) return null
  try {
    const open = JSON.parse(packet.slice(1)) as { sid?: unknown }
    return typeof open.sid === 'string' ? open.sid : null
  } catch {
    return null
  }
}

function decodeBinary(packet: string): ArrayBuffer | string {
  try {
    return fromBase64(packet.slice(1))
  } catch {
    return packet // the Manager reports what it cannot decode
  }
}
