import type { Connection } from './connection'
import type { Delivery, Presence } from './conversations'
import type { User } from './types'

/**
 * The open connections by user, and which agents are online (an agent with at least one socket).
 * In a cluster, `relay` publishes each delivery to the other instances and `onAgent` tells the
 * cluster's presence (server/cluster/); alone, both are unset.
 */
export class Hub implements Presence {
  /** A user's one connection, or a Set once they have several (most users have one: no Set per socket). */
  private readonly byUser = new Map<string, Connection | Set<Connection>>()
  private readonly all = new Set<Connection>()
  /** Agents with a socket here, with the time they came online. */
  private readonly agents = new Map<string, { user: User; since: number }>()
  relay: ((deliveries: readonly Delivery[]) => void) | undefined
  onAgent: ((agentId: string, online: boolean, since: number) => void) | undefined

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds the connection; true when it is the user's first. */
  add(conn: Connection): boolean {
    this.all.add(conn)
    const held = this.byUser.get(conn.user.id)
    if (held === undefined) this.byUser.set(conn.user.id, conn)
    else if (held instanceof Set) held.add(conn)
    else if (held !== conn) this.byUser.set(conn.user.id, new Set([held, conn]))
    const first = held === undefined
    if (first && conn.user.role === 'agent') {
      const since = this.now()
      this.agents.set(conn.user.id, { user: conn.user, since })
      this.onAgent?.(conn.user.id, true, since)
    }
    return first
  }

  /** Removes the connection; true when it was the user's last. */
  remove(conn: Connection): boolean {
    if (!this.all.delete(conn)) return false
    const held = this.byUser.get(conn.user.id)
    if (held instanceof Set) {
      held.delete(conn)
      if (held.size > 1) return false
      // Back to one connection: held without a Set again.
      const [only] = held
      if (only) {
        this.byUser.set(conn.user.id, only)
        return false
      }
    }
    this.byUser.delete(conn.user.id)
    if (this.agents.delete(conn.user.id)) this.onAgent?.(conn.user.id, false, this.now())
    return true
  }

  /** Agents with a socket on this server, in the order they came online. */
  localAgentIds(): string[] {
    return [...this.agents.keys()]
  }

  /** The same, with the time each came online. */
  localAgents(): Array<{ id: string; since: number }> {
    return [...this.agents.entries()].map(([id, a]) => ({ id, since: a.since }))
  }

  /** Presence of one server alone: its own agents. */
  onlineAgentIds(): Promise<string[]> {
    return Promise.resolve(this.localAgentIds())
  }

  /** How many connections the user has open here. */
  countOf(userId: string): number {
    const held = this.byUser.get(userId)
    return held === undefined ? 0 : held instanceof Set ? held.size : 1
  }

  connections(): Connection[] {
    return [...this.all]
  }

  get size(): number {
    return this.all.size
  }

  /**
   * Sends each delivery's frame to its connections here, each connection once (encoded once per
   * frame), then to the other instances (`relay`) unless `relay` is false (deliveries that came from one).
   */
  deliver(deliveries: readonly Delivery[], sender?: Connection, relay = true): void {
    this.deliverHere(deliveries, sender)
    if (relay) this.relay?.(deliveries)
  }

  private deliverHere(deliveries: readonly Delivery[], sender?: Connection): void {
    for (const d of deliveries) {
      const targets = new Set<Connection>()
      for (const userId of d.users) this.collect(userId, targets)
      if (d.agents) for (const agentId of this.agents.keys()) this.collect(agentId, targets)
      if (d.skipSender && sender) targets.delete(sender)
      if (targets.size === 0) continue
      const data = JSON.stringify(d.frame)
      for (const c of targets) c.write(data)
    }
  }

  private collect(userId: string, into: Set<Connection>): void {
    const held = this.byUser.get(userId)
    if (held instanceof Set) for (const c of held) into.add(c)
    else if (held) into.add(held)
  }
}
