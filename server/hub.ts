import type { Connection } from './connection'
import type { Delivery, Presence } from './conversations'
import type { User } from './types'

/** The open connections by user, and which agents are online (an agent with at least one socket). */
export class Hub implements Presence {
  private readonly byUser = new Map<string, Set<Connection>>()
  private readonly all = new Set<Connection>()
  private readonly agents = new Map<string, User>()

  /** Adds the connection; true when it is the user's first. */
  add(conn: Connection): boolean {
    this.all.add(conn)
    let set = this.byUser.get(conn.user.id)
    const first = set === undefined
    if (!set) {
      set = new Set()
      this.byUser.set(conn.user.id, set)
    }
    set.add(conn)
    if (first && conn.user.role === 'agent') this.agents.set(conn.user.id, conn.user)
    return first
  }

  /** Removes the connection; true when it was the user's last. */
  remove(conn: Connection): boolean {
    if (!this.all.delete(conn)) return false
    const set = this.byUser.get(conn.user.id)
    set?.delete(conn)
    if (set && set.size > 0) return false
    this.byUser.delete(conn.user.id)
    this.agents.delete(conn.user.id)
    return true
  }

  /** Agents with a socket on this server, in the order they came online. */
  localAgentIds(): string[] {
    return [...this.agents.keys()]
  }

  /** Presence of one server alone: its own agents. */
  onlineAgentIds(): Promise<string[]> {
    return Promise.resolve(this.localAgentIds())
  }

  connections(): Connection[] {
    return [...this.all]
  }

  get size(): number {
    return this.all.size
  }

  /** Sends each delivery's frame to its connections, each connection once (encoded once per frame). */
  deliver(deliveries: readonly Delivery[], sender?: Connection): void {
    for (const d of deliveries) {
      const targets = new Set<Connection>()
      for (const userId of d.users) for (const c of this.byUser.get(userId) ?? []) targets.add(c)
      if (d.agents) for (const agentId of this.agents.keys()) for (const c of this.byUser.get(agentId) ?? []) targets.add(c)
      if (d.skipSender && sender) targets.delete(sender)
      if (targets.size === 0) continue
      const data = JSON.stringify(d.frame)
      for (const c of targets) c.write(data)
    }
  }
}
