import type { WebSocket } from 'ws'
import type { AgentCredential } from './accounts'
import type { TokenBucket } from '../src/token-bucket'
import { Serial } from './serial'
import type { OutFrame, User } from './types'

const OPEN = 1

/** One authenticated socket. */
export class Connection {
  /** Cleared by each liveness sweep, set only by a pong: a client that sends but never reads stays clear and is dropped. */
  alive = true
  /** Set when the socket closed or is being closed for reading too slowly: nothing more is sent, frames still queued are skipped. */
  closed = false
  /** The socket's frames are handled one at a time, in the order they arrived: a later frame never overtakes an earlier one. */
  readonly work = new Serial()
  /** An agent token's password digest (the liveness sweep checks it is still the agent's); null for customers and polling sessions. */
  credential: AgentCredential | null = null

  /**
   * @param maxBuffered bytes that may wait unsent (`ws.bufferedAmount`) when a frame is sent;
   *   over it `onOverflow` runs once and nothing more is sent (what a socket holds stays under
   *   `maxBuffered` plus one frame).
   */
  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly user: User,
    readonly limiter: TokenBucket,
    private readonly maxBuffered = Infinity,
    private readonly onOverflow: (conn: Connection) => void = () => undefined,
  ) {}

  send(frame: OutFrame): void {
    this.write(JSON.stringify(frame))
  }

  /** Sends an encoded frame unless the socket is gone or holds too much unsent already. */
  write(data: string): void {
    if (this.closed || this.ws.readyState !== OPEN) return
    if (this.ws.bufferedAmount > this.maxBuffered) {
      this.closed = true
      this.onOverflow(this)
      return
    }
    this.ws.send(data)
  }
}
