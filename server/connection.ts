import type { WebSocket } from 'ws'
import type { TokenBucket } from './rate-limit'
import type { OutFrame, User } from './types'

const OPEN = 1

/** One authenticated socket. */
export class Connection {
  /** Cleared by each liveness sweep, set by any pong or frame; a socket still clear at the next sweep is dead. */
  alive = true

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
