/**
 * Which agents are online on any instance, in Redis, with a TTL heartbeat:
 * - `chat:instances` (a set) names every instance that joined;
 * - `chat:alive:<instance>` exists while the instance lives: it beats every `ttl / 3` ms, each
 *   beat setting the key again with a TTL of `ttl`, so an instance killed with -9 drops out of
 *   presence at most `ttl` ms after its last beat;
 * - `chat:agents:<instance>` (a sorted set) holds the agents with a socket there, scored by the
 *   time they came online (presence keeps that order).
 * A living instance that finds a dead one in `chat:instances` removes it (SREM: one instance
 * wins) and reports the dead one's agents who are not online elsewhere: they went offline
 * without anyone seeing their sockets close, and are owed the grace period.
 *
 * While Redis is away, presence falls back to this instance's own agents; when it is back, the
 * instance registers itself and its agents again (a restarted Redis has lost them).
 */
import type { Presence } from '../conversations'
import type { RedisLink } from './redis-link'

const INSTANCES = 'chat:instances'
const alive = (id: string): string => `chat:alive:${id}`
const agentsOf = (id: string): string => `chat:agents:${id}`
const graceKey = (agentId: string): string => `chat:grace:${agentId}`

export interface ClusterPresenceDeps {
  link: RedisLink
  instanceId: string
  ttlMs: number
  /** This instance's agents, in the order they came online, with the time each did. */
  localAgents(): Array<{ id: string; since: number }>
  /** Agents of a dead instance who are now offline everywhere. */
  orphaned(agentIds: string[]): void
  onError: (err: unknown) => void
}

export class ClusterPresence implements Presence {
  constructor(private readonly deps: ClusterPresenceDeps) {}

  /** Registers the instance and every local agent (at start, and after Redis came back). */
  async register(): Promise<void> {
    const { link, instanceId } = this.deps
    const tx = link.cmd.multi().sadd(INSTANCES, instanceId).set(alive(instanceId), String(Date.now()), 'PX', this.deps.ttlMs)
    tx.del(agentsOf(instanceId))
    for (const agent of this.deps.localAgents()) tx.zadd(agentsOf(instanceId), agent.since, agent.id)
    await tx.exec()
  }

  /** One heartbeat: this instance's key again, then dead instances pruned. */
  async beat(): Promise<void> {
    const { link, instanceId } = this.deps
    if (!link.up) return
    await link.cmd.multi().sadd(INSTANCES, instanceId).set(alive(instanceId), String(Date.now()), 'PX', this.deps.ttlMs).exec()
    await this.prune()
  }

  /** Best effort: a failed write is repaired by the next register (Redis back). */
  agentUp(agentId: string, since: number): void {
    if (!this.deps.link.up) return
    this.deps.link.cmd.zadd(agentsOf(this.deps.instanceId), since, agentId).catch(this.deps.onError)
  }

  agentDown(agentId: string): void {
    if (!this.deps.link.up) return
    this.deps.link.cmd.zrem(agentsOf(this.deps.instanceId), agentId).catch(this.deps.onError)
  }

  async onlineAgentIds(): Promise<string[]> {
    const local = (): string[] => this.deps.localAgents().map((a) => a.id)
    if (!this.deps.link.up) return local()
    try {
      return await this.clusterAgents()
    } catch (err) {
      this.deps.onError(err)
      return local()
    }
  }

  /** Whether the agent has a socket on an instance other than this one. */
  async onlineElsewhere(agentId: string): Promise<boolean> {
    if (!this.deps.link.up) return false
    try {
      return (await this.clusterAgents(this.deps.instanceId)).includes(agentId)
    } catch (err) {
      this.deps.onError(err)
      return false
    }
  }

  /**
   * Claims the end of the agent's grace period for this instance: true for the first instance to
   * ask within `windowMs`, false for the others (their timers for the same absence end then too).
   * Without Redis every instance decides alone (rerouting twice changes nothing the second time).
   */
  async claimGrace(agentId: string, windowMs: number): Promise<boolean> {
    if (!this.deps.link.up) return true
    try {
      const won = await this.deps.link.cmd.set(graceKey(agentId), this.deps.instanceId, 'PX', Math.max(1000, windowMs), 'NX')
      return won === 'OK'
    } catch (err) {
      this.deps.onError(err)
      return true
    }
  }

  /** Stops beating at once (graceful shutdown); the agent list stays for a survivor's prune, as after a crash. */
  async leave(): Promise<void> {
    const { link, instanceId } = this.deps
    if (!link.up) return
    await link.cmd.del(alive(instanceId))
  }

  private async clusterAgents(except?: string): Promise<string[]> {
    const cmd = this.deps.link.cmd
    const instances = (await cmd.smembers(INSTANCES)).filter((id) => id !== except)
    if (instances.length === 0) return []
    const pipe = cmd.pipeline()
    for (const id of instances) pipe.exists(alive(id)).zrange(agentsOf(id), '0', '-1', 'WITHSCORES')
    const results = (await pipe.exec()) ?? []
    const since = new Map<string, number>()
    for (let i = 0; i < instances.length; i++) {
      const [, exists] = results[2 * i] ?? []
      const [, members] = results[2 * i + 1] ?? []
      if (exists !== 1 || !Array.isArray(members)) continue
      for (let j = 0; j + 1 < members.length; j += 2) {
        const id = String(members[j])
        const score = Number(members[j + 1])
        const known = since.get(id)
        if (known === undefined || score < known) since.set(id, score)
      }
    }
    return [...since.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id)
  }

  /** Instances whose key expired: the first survivor to remove one reports its agents gone. */
  private async prune(): Promise<void> {
    const cmd = this.deps.link.cmd
    const instances = (await cmd.smembers(INSTANCES)).filter((id) => id !== this.deps.instanceId)
    for (const id of instances) {
      if ((await cmd.exists(alive(id))) === 1) continue
      if ((await cmd.srem(INSTANCES, id)) !== 1) continue
      const agents = await cmd.zrange(agentsOf(id), '0', '-1')
      await cmd.del(agentsOf(id))
      const online = new Set(await this.clusterAgents())
      const gone = agents.filter((a) => !online.has(a))
      if (gone.length > 0) this.deps.orphaned(gone)
    }
  }
}
