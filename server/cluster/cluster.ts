/**
 * An instance's part in a cluster (REDIS_URL set): the Redis link, cross-instance deliveries
 * (DeliveryBus), cluster presence with its heartbeat (ClusterPresence). Redis going away is logged
 * and survived: local deliveries and local presence go on, committed writes are never lost, and
 * when Redis is back the instance registers again and deliveries resume.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { FastifyBaseLogger } from 'fastify'
import type { Hub } from '../hub'
import { ClusterPresence } from './cluster-presence'
import { DeliveryBus } from './delivery-bus'
import { RedisLink } from './redis-link'

export interface ClusterOptions {
  redisUrl: string
  /** ms before a silent instance leaves presence; it beats every third of it. */
  ttlMs: number
  hub: Hub
  log: FastifyBaseLogger
  /** Agents of a dead instance who are offline everywhere now (the socket layer gives them the grace period). */
  orphaned(agentIds: string[]): void
}

export class Cluster {
  readonly instanceId = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`
  readonly link: RedisLink
  readonly presence: ClusterPresence
  readonly bus: DeliveryBus
  private timer: NodeJS.Timeout | undefined
  private closed = false

  private constructor(private readonly options: ClusterOptions) {
    const { hub, log } = options
    const onError = (err: unknown): void => log.warn({ err, event: 'redis.error' }, 'redis command failed')
    this.link = new RedisLink(options.redisUrl, {
      up: () => {
        if (this.closed) return
        log.info({ event: 'redis.up', instance: this.instanceId }, 'redis reachable')
        void this.presence.register().catch(onError)
      },
      down: (reason) => {
        if (!this.closed) log.warn({ event: 'redis.down', reason }, 'redis unreachable: delivering to local sockets only')
      },
    })
    this.presence = new ClusterPresence({
      link: this.link,
      instanceId: this.instanceId,
      ttlMs: options.ttlMs,
      localAgents: () => hub.localAgents(),
      orphaned: (ids) => options.orphaned(ids),
      onError,
    })
    this.bus = new DeliveryBus(this.link, this.instanceId, (deliveries) => hub.deliver(deliveries, undefined, false), onError)
  }

  /** Connects (rejecting when Redis cannot be reached at start), joins presence, starts the heartbeat. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options)
    try {
      await cluster.link.connect()
      await cluster.bus.start()
      await cluster.presence.register()
    } catch (err) {
      await cluster.link.close()
      throw new Error(`REDIS_URL: cannot reach Redis: ${(err as Error).message}`)
    }
    const { hub, log } = options
    hub.relay = (deliveries) => cluster.bus.publish(deliveries)
    hub.onAgent = (id, online, since) => (online ? cluster.presence.agentUp(id, since) : cluster.presence.agentDown(id))
    cluster.timer = setInterval(
      () => {
        cluster.presence.beat().catch((err: unknown) => log.warn({ err, event: 'redis.error' }, 'presence heartbeat failed'))
      },
      Math.max(100, Math.floor(options.ttlMs / 3)),
    )
    cluster.timer.unref()
    log.info({ event: 'cluster.joined', instance: cluster.instanceId, presenceTtlMs: options.ttlMs }, 'joined the cluster')
    return cluster
  }

  get redisUp(): boolean {
    return this.link.up
  }

  /**
   * Shutdown begins: this instance leaves presence at once (its heartbeat key goes), but its agent
   * list stays for a survivor to find, as after a crash: the agents who do not reconnect to
   * another instance are then told offline and get their grace period there.
   */
  async leave(): Promise<void> {
    if (this.closed) return
    clearInterval(this.timer)
    this.options.hub.onAgent = undefined
    await this.presence.leave().catch(() => undefined)
  }

  /** Closes the connections (after `leave` and the sockets). */
  async close(): Promise<void> {
    if (this.closed) return
    await this.leave()
    this.closed = true
    this.options.hub.relay = undefined
    await this.link.close()
  }
}
