/**
 * The two Redis connections of an instance (ioredis): `cmd` for commands and publishing, `sub`
 * for subscriptions (a subscribed connection can do nothing else). Neither queues commands while
 * Redis is away (`enableOfflineQueue: false`): a command fails at once, and the caller falls back
 * (deliveries to local sockets only, presence of this instance only) instead of waiting. Both
 * reconnect on their own, every 100 ms to 1 s; `up` says whether both are ready now.
 */
import { Redis } from 'ioredis'

export interface RedisLinkEvents {
  /** Both connections are ready (at start, and again after Redis came back). */
  up(): void
  /** A connection was lost; `reason` for the log. */
  down(reason: string): void
}

export class RedisLink {
  readonly cmd: Redis
  readonly sub: Redis
  private wasUp = false

  constructor(url: string, events: RedisLinkEvents) {
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
      lazyConnect: true,
    }
    this.cmd = new Redis(url, { ...options, connectionName: 'chat-cmd' })
    this.sub = new Redis(url, { ...options, connectionName: 'chat-sub' })
    const changed = (): void => {
      const now = this.up
      if (now && !this.wasUp) events.up()
      this.wasUp = now
    }
    for (const conn of [this.cmd, this.sub]) {
      conn.on('ready', changed)
      conn.on('close', () => {
        if (this.wasUp) events.down('connection closed')
        this.wasUp = false
      })
      // ioredis reports each failed attempt; the reconnects go on. Without a listener it would print them.
      conn.on('error', () => undefined)
    }
  }

  get up(): boolean {
    return this.cmd.status === 'ready' && this.sub.status === 'ready'
  }

  /** Connects both; rejects when Redis cannot be reached at start (the reconnects would go on, but a start should fail loudly). */
  async connect(): Promise<void> {
    await Promise.all([this.cmd.connect(), this.sub.connect()])
  }

  /** True when Redis answers a PING. Never throws. */
  async healthy(): Promise<boolean> {
    try {
      return (await this.cmd.ping()) === 'PONG'
    } catch {
      return false
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.cmd, this.sub].map((c) => c.quit().catch(() => c.disconnect())))
  }
}
