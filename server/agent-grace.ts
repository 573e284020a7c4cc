/**
 * Grace periods of agents who went offline, so that a page reload or a network blip does not
 * reshuffle their conversations: one timer per agent, started when their last socket closes,
 * cancelled when they come back, all cleared on shutdown. What happens at the end is the
 * caller's (routing); this only keeps time.
 */
import { serverClock, type Clock } from './server-clock'

export class AgentGrace {
  private readonly pending = new Map<string, unknown>()

  constructor(
    /** ms an agent may stay away. */
    private readonly delay: number,
    private readonly clock: Clock = serverClock,
  ) {}

  /** Starts the agent's grace period (from the start again when one is running); `expire` runs at its end unless cancelled. */
  start(agentId: string, expire: () => void): void {
    this.cancel(agentId)
    const handle = this.clock.setTimeout(() => {
      this.pending.delete(agentId)
      expire()
    }, this.delay)
    this.pending.set(agentId, handle)
  }

  /** The agent is back: stops their grace period. True when one was running. */
  cancel(agentId: string): boolean {
    if (!this.pending.has(agentId)) return false
    this.clock.clearTimeout(this.pending.get(agentId))
    this.pending.delete(agentId)
    return true
  }

  /** Stops every grace period (shutdown). */
  clear(): void {
    for (const handle of this.pending.values()) this.clock.clearTimeout(handle)
    this.pending.clear()
  }

  /** Agents whose grace period is running. */
  get size(): number {
    return this.pending.size
  }
}
