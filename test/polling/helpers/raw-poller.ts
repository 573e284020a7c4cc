/**
 * A raw polling client over fetch, speaking the endpoint directly (docs/protocol.md,
 * "Long-polling"): open, post frames, poll with an ack, close. For the server tests; the
 * library's own client is PollingTransport.
 */
import { decodeBatch, encodeBatch, type PollingHandshake } from '../../../src/protocol'

export interface Frame {
  type: string
  id?: string
  [key: string]: any
}

export interface PollResult {
  status: number
  /** Seq of the first frame (200 only). */
  seq: number
  frames: Frame[]
  /** The JSON body of a non-200 answer. */
  body: any
}

export class RawPoller {
  /** Seq of the last frame received. */
  ack = 0
  readonly frames: Frame[] = []
  private counter = 0
  private readonly prefix = Math.random().toString(36).slice(2, 8)

  private constructor(
    readonly url: string,
    private readonly token: string,
    readonly handshake: PollingHandshake,
  ) {}

  get sid(): string {
    return this.handshake.sid
  }

  static async open(url: string, token: string): Promise<RawPoller> {
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    if (res.status !== 200) throw Object.assign(new Error(`open answered ${res.status}`), { status: res.status, body: await res.text() })
    return new RawPoller(url, token, (await res.json()) as PollingHandshake)
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` }
  }

  /** POSTs frames (objects or raw records); resolves with the status. */
  async post(frames: Array<Frame | string>): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}?sid=${this.sid}`, {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'text/plain;charset=UTF-8' },
      body: encodeBatch(frames.map((f) => (typeof f === 'string' ? f : JSON.stringify(f)))),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : JSON.parse(text) }
  }

  /** One poll with `ack` (default the last seq received); frames after `this.ack` are recorded. */
  async poll(ack = this.ack, signal?: AbortSignal): Promise<PollResult> {
    const res = await fetch(`${this.url}?sid=${this.sid}&ack=${ack}`, { headers: this.headers(), ...(signal && { signal }) })
    const text = await res.text()
    if (res.status !== 200) return { status: res.status, seq: 0, frames: [], body: JSON.parse(text) }
    const [first, ...records] = decodeBatch(text)
    const seq = Number(first)
    const frames = records.map((r) => JSON.parse(r) as Frame)
    frames.forEach((f, i) => {
      if (seq + i > this.ack) {
        this.frames.push(f)
        this.ack = seq + i
      }
    })
    return { status: 200, seq, frames, body: null }
  }

  /** Polls until a frame matching `match` has arrived (each poll returns at once when frames wait). */
  async waitFor(match: (f: Frame) => boolean, what: string, since = 0): Promise<Frame> {
    const deadline = Date.now() + 10_000
    for (;;) {
      const found = this.frames.slice(since).find(match)
      if (found) return found
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.slice(-5))}`)
      const r = await this.poll()
      if (r.status !== 200) throw new Error(`poll answered ${r.status} ${JSON.stringify(r.body)} waiting for ${what}`)
    }
  }

  /** Sends a frame with a fresh id and polls until its answer arrives. */
  async call(frame: Frame): Promise<Frame> {
    const id = frame.id ?? `${this.prefix}-${++this.counter}`
    const since = this.frames.length
    const posted = await this.post([{ ...frame, id }])
    if (posted.status !== 204) throw new Error(`post answered ${posted.status} ${JSON.stringify(posted.body)}`)
    return this.waitFor((f) => (f.type === 'ack' || f.type === 'reply') && f.id === id, `answer to ${id}`, since)
  }

  async close(code = 1000): Promise<number> {
    const res = await fetch(`${this.url}?sid=${this.sid}&code=${code}`, { method: 'DELETE', headers: this.headers() })
    return res.status
  }
}
