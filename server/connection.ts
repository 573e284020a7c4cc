import type { WebSocket } from 'ws'
import type { TokenBucket } from './rate-limit'
import { Serial } from './serial'
import type { OutFrame, User } from './types'

const OPEN = 1

/** One authenticated socket. */
export class Connection {
  /** Cleared by each liveness sweep, set by any pong or frame; a socket still clear at the next sweep is dead. */
  alive = true
  /** The socket's frames are handled one at a time, in the order they arrived: a later frame never overtakes an earlier one. */
  readonly work = new Serial()

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly user: User,
    readonly limiter: TokenBucket,
  ) {}

  send(frame: OutFrame): void {
    if (this.ws.readyState === OPEN) this.ws.send(JSON.stringify(frame))
  }
}
