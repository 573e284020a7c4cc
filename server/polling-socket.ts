import { EventEmitter } from 'node:events'
import type { WebSocket } from 'ws'
import { RECORD_SEPARATOR, type PollingClosed } from '../src/protocol'
import type { Clock } from './server-clock'

const OPEN = 1
const CLOSED = 3

/** How a poll is answered: the status and the body (a batch, or a JSON error for 4xx). */
export type PollAnswer = (status: number, body: string) => void

export interface PollSocketOptions {
  /** ms a poll is held when nothing is waiting. */
  hold: number
  /** ms without a held or arriving poll after which the session ends (1006). */
  idleTimeout: number
  /** Most bytes of frames waiting for the client; a client that falls further behind is cut (1006). */
  maxBuffered: number
  clock: Clock
}

/**
 * One polling client, shaped as the `ws` WebSocket the socket handler already drives (send,
 * close, terminate, ping, readyState, and the `message`, `close` and `pong` events), so a
 * polling client gets the same auth, limits, routing, dedup and shutdown as a socket: the
 * handler cannot tell them apart.
 *
 * Frames for the client wait in `out`, numbered from 1 in the order they were sent; a poll
 * says the last seq it received (`ack`), the frames up to it are dropped, the rest are sent
 * (again). So a poll answer lost on the way loses nothing: the next poll asks for it again.
 *
 * A WebSocket can take the session over (`upgrade`): every frame after the client's ack goes
 * out on it, in order, then every later one; its frames come in as this socket's.
 */
export class PollSocket extends EventEmitter {
  readonly OPEN = OPEN
  private state = OPEN
  /** Frames not yet acked by a poll; `out[0]` has seq `firstSeq`. */
  private out: string[] = []
  private firstSeq = 1
  private outBytes = 0
  private held: { answer: PollAnswer; timer: unknown } | null = null
  private flushQueued = false
  private idleTimer: unknown = null
  private closeInfo: { code: number; reason: string } | null = null
  private ws: WebSocket | null = null

  constructor(private readonly o: PollSocketOptions) {
    super()
    this.armIdle()
  }

  /** As ws's: OPEN until closed; after an upgrade, the WebSocket's. */
  get readyState(): number {
    return this.ws !== null ? this.ws.readyState : this.state
  }

  /** Bytes of frames waiting for the client. */
  get bufferedAmount(): number {
    return this.ws !== null ? this.ws.bufferedAmount : this.outBytes
  }

  /** A WebSocket has taken the session over. */
  get upgraded(): boolean {
    return this.ws !== null
  }

  /** The socket handler's write: queued for the next poll (or sent on the WebSocket after an upgrade). */
  send(data: string): void {
    if (this.ws !== null) return void this.ws.send(data)
    if (this.state !== OPEN) return
    this.out.push(data)
    this.outBytes += Buffer.byteLength(data)
    if (this.outBytes > this.o.maxBuffered) return this.end(1006, 'polling client too far behind')
    // Frames sent in the same turn (an ack and its deliveries) go out in one answer.
    if (this.held !== null && !this.flushQueued) {
      this.flushQueued = true
      queueMicrotask(() => {
        this.flushQueued = false
        this.flush()
      })
    }
  }

  /** A frame from the client (a POST's record): handled as a WebSocket message. */
  receive(record: string): void {
    if (this.state === OPEN && this.ws === null) this.emit('message', Buffer.from(record, 'utf8'), false)
  }

  /**
   * A poll that received every frame up to `ack`. Answers at once when later frames are
   * waiting, else holds it up to `hold` ms. A newer poll answers the held one empty.
   */
  poll(ack: number, answer: PollAnswer): void {
    this.release(ack)
    this.answerHeld()
    if (this.out.length > 0) {
      answer(200, this.batch())
      if (this.state === OPEN) this.armIdle()
      return
    }
    if (this.state !== OPEN) return answer(410, closedBody(this.closeInfo ?? { code: 1006, reason: '' }))
    this.clearIdle()
    const timer = this.o.clock.setTimeout(() => {
      if (this.held?.timer === timer) this.answerHeld()
    }, this.o.hold)
    this.held = { answer, timer }
  }

  /** The client gave up on a held poll (the connection closed): nothing is answered to it. */
  unhold(answer: PollAnswer): void {
    if (this.held?.answer !== answer) return
    this.o.clock.clearTimeout(this.held.timer)
    this.held = null
    if (this.state === OPEN && this.ws === null) this.armIdle()
  }

  /** Takes the session over with `ws`: the frames after `ack`, then every later one, go out on it. */
  upgrade(ws: WebSocket, ack: number): void {
    this.release(ack)
    this.answerHeld()
    this.clearIdle()
    this.ws = ws
    for (const data of this.out) ws.send(data)
    this.out = []
    this.outBytes = 0
    ws.on('message', (data: Buffer, isBinary: boolean) => this.emit('message', data, isBinary))
    ws.on('pong', () => this.emit('pong'))
    ws.on('close', (code: number, reason: Buffer) => this.closed(code, reason.toString()))
  }

  /** The client ended the session (DELETE), with its close code. */
  clientClosed(code: number, reason: string): void {
    this.end(code, reason)
  }

  /** ws's `close`: the server ends the link with `code`. The frames still waiting are delivered first. */
  close(code = 1000, reason = ''): void {
    if (this.ws !== null) return this.ws.close(code, reason)
    this.end(code, reason)
  }

  /** ws's `terminate`: cut, no close code (1006). */
  terminate(): void {
    if (this.ws !== null) return this.ws.terminate()
    this.out = []
    this.outBytes = 0
    this.end(1006, '')
  }

  /** ws's protocol ping. A polling client is alive until its session expires (`idleTimeout`), so it always answers. */
  ping(): void {
    if (this.ws !== null) return this.ws.ping()
    queueMicrotask(() => this.state === OPEN && this.emit('pong'))
  }

  /** How the session ended, or null while open. */
  get closedWith(): { code: number; reason: string } | null {
    return this.closeInfo
  }

  private end(code: number, reason: string): void {
    if (this.state !== OPEN) return
    this.state = CLOSED
    this.closeInfo = { code, reason }
    this.clearIdle()
    // A held poll gets what is still waiting, else the close.
    if (this.held !== null) {
      const { answer, timer } = this.held
      this.held = null
      this.o.clock.clearTimeout(timer)
      if (this.out.length > 0) answer(200, this.batch())
      else answer(410, closedBody(this.closeInfo))
    }
    queueMicrotask(() => this.emit('close', code, Buffer.from(reason)))
  }

  private closed(code: number, reason: string): void {
    this.state = CLOSED
    this.closeInfo = { code, reason }
    this.emit('close', code, Buffer.from(reason))
  }

  /** Drops the frames the client has received (seq ≤ ack). */
  private release(ack: number): void {
    const n = Math.min(Math.max(0, ack - this.firstSeq + 1), this.out.length)
    if (n === 0) return
    for (const data of this.out.slice(0, n)) this.outBytes -= Buffer.byteLength(data)
    this.out.splice(0, n)
    this.firstSeq += n
  }

  /** The waiting frames, after their first seq. They stay in `out` until a poll acks them. */
  private batch(): string {
    return String(this.firstSeq) + RECORD_SEPARATOR + this.out.join(RECORD_SEPARATOR)
  }

  private flush(): void {
    if (this.held === null || this.out.length === 0) return
    const { answer, timer } = this.held
    this.held = null
    this.o.clock.clearTimeout(timer)
    answer(200, this.batch())
    this.armIdle()
  }

  /** Answers the held poll with what is waiting (often nothing: just the next seq). */
  private answerHeld(): void {
    if (this.held === null) return
    const { answer, timer } = this.held
    this.held = null
    this.o.clock.clearTimeout(timer)
    answer(200, this.out.length > 0 ? this.batch() : String(this.firstSeq + this.out.length))
    if (this.state === OPEN && this.ws === null) this.armIdle()
  }

  private armIdle(): void {
    this.clearIdle()
    this.idleTimer = this.o.clock.setTimeout(() => {
      this.idleTimer = null
      if (this.held === null && this.ws === null) this.end(1006, 'polling session expired')
    }, this.o.idleTimeout)
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.o.clock.clearTimeout(this.idleTimer)
    this.idleTimer = null
  }
}

function closedBody(close: { code: number; reason: string }): string {
  const body: PollingClosed = { error: { code: 'CLOSED', message: 'the polling session has ended' }, close }
  return JSON.stringify(body)
}
