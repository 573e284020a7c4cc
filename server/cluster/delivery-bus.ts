/**
 * Deliveries across instances over Redis pub/sub, the way socket.io's Redis adapter does it:
 * the instance that committed a write delivers to its own sockets and publishes the deliveries
 * once; every other instance delivers them to its own sockets. Pub/sub is at most once: what is
 * published while Redis is away is lost, but it is committed, and clients fill the gap with
 * `sync` (ConversationClient syncs on a seq gap and after each reconnect).
 */
import type { Delivery } from '../conversations'
import type { RedisLink } from './redis-link'

export const DELIVERY_CHANNEL = 'chat:deliveries'

interface Envelope {
  /** The publishing instance, which has delivered these itself. */
  from: string
  deliveries: Delivery[]
}

export class DeliveryBus {
  constructor(
    private readonly link: RedisLink,
    private readonly instanceId: string,
    private readonly deliverLocal: (deliveries: readonly Delivery[]) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  async start(): Promise<void> {
    this.link.sub.on('message', (channel: string, data: string) => {
      if (channel !== DELIVERY_CHANNEL) return
      let envelope: Envelope
      try {
        envelope = JSON.parse(data) as Envelope
      } catch (err) {
        return this.onError(err)
      }
      if (envelope.from === this.instanceId || !Array.isArray(envelope.deliveries)) return
      this.deliverLocal(envelope.deliveries)
    })
    await this.link.sub.subscribe(DELIVERY_CHANNEL)
  }

  /** Never waits and never throws: a delivery lost while Redis is away is filled by `sync`. */
  publish(deliveries: readonly Delivery[]): void {
    if (deliveries.length === 0) return
    if (!this.link.up) return
    const envelope: Envelope = { from: this.instanceId, deliveries: deliveries.map(({ skipSender: _skip, ...d }) => d) }
    this.link.cmd.publish(DELIVERY_CHANNEL, JSON.stringify(envelope)).catch(this.onError)
  }
}
