import { randomBytes } from 'node:crypto'
import { ChatError } from './errors'
import type { MessageAck, MessageFrame } from '../src/protocol'
import type { ChatStore, ConversationRow } from './store/sqlite'
import type { AgentPresence, ChatMessage, Conversation, ConversationEvent, OutFrame, Sender, User } from './types'

/** Who is online: the socket layer knows, routing asks. */
export interface Presence {
  /** Ids of agents with at least one open socket, in the order they came online. */
  onlineAgentIds(): string[]
}

/**
 * A frame to push after the request is answered: to every connection of `users`, to every
 * online agent when `agents`, each connection once, never to the requesting connection when `skipSender`.
 */
export interface Delivery {
  frame: OutFrame
  users: string[]
  agents?: boolean
  skipSender?: boolean
}

export type { MessageAck }

export interface Outcome<T> {
  data: T
  deliveries: Delivery[]
}

export const SYSTEM_SENDER: Sender = { id: 'system', role: 'system', name: '系统' }

/** The system notices the customer sees, stored as `system` messages. */
export const NOTICES = {
  queued: '当前暂无在线客服，您已进入排队，请稍候',
  assigned: (agentName: string) => `客服 ${agentName} 为您服务`,
  transferred: (agentName: string) => `已为您转接至客服 ${agentName}`,
  closed: '会话已结束',
} as const

export interface ConversationsOptions {
  now?: () => number
  newId?: (prefix: string) => string
}

function defaultId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`
}

function senderOf(user: User): Sender {
  return { id: user.id, role: user.role, name: user.name, ...(user.avatar ? { avatar: user.avatar } : {}) }
}

/**
 * Conversations and messages: who may do what, routing to agents, seqs and notices.
 * Every method is synchronous and runs its writes in one transaction, so a result is
 * durable before the socket layer acks or pushes it.
 */
export class Conversations {
  private readonly now: () => number
  private readonly newId: (prefix: string) => string

  constructor(
    private readonly store: ChatStore,
    private readonly presence: Presence,
    options: ConversationsOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.newId = options.newId ?? defaultId
  }

  // ---- requests ----

  session(actor: User): Outcome<{ user: User; conversations: Conversation[]; queue?: Conversation[]; agents?: AgentPresence[] }> {
    if (actor.role === 'customer') {
      const active = this.store.activeConversationOf(actor.id)
      return { data: { user: actor, conversations: active ? [this.view(active.id)] : [] }, deliveries: [] }
    }
    return {
      data: {
        user: actor,
        conversations: this.store.conversationsOfAgent(actor.id).map((c) => this.view(c.id)),
        queue: this.store.queuedConversations().map((c) => this.view(c.id)),
        agents: this.onlineAgents(),
      },
      deliveries: [],
    }
  }

  /** The customer's open conversation, created and routed when there is none. */
  open(actor: User): Outcome<{ conversation: Conversation }> {
    if (actor.role !== 'customer') throw new ChatError('FORBIDDEN', 'only customers open conversations')
    const deliveries: Delivery[] = []
    const row = this.store.transaction(() => this.store.activeConversationOf(actor.id) ?? this.create(actor, deliveries))
    return { data: { conversation: this.view(row.id) }, deliveries }
  }

  sync(actor: User, conversationId: string, afterSeq: number, limit: number): Outcome<{ messages: ChatMessage[]; hasMore: boolean }> {
    this.readable(actor, conversationId)
    return { data: this.store.messagesAfter(conversationId, afterSeq, limit), deliveries: [] }
  }

  history(actor: User, conversationId: string, beforeSeq: number, limit: number): Outcome<{ messages: ChatMessage[]; hasMore: boolean }> {
    this.readable(actor, conversationId)
    return { data: this.store.messagesBefore(conversationId, beforeSeq === 0 ? Number.MAX_SAFE_INTEGER : beforeSeq, limit), deliveries: [] }
  }

  accept(actor: User, conversationId: string): Outcome<{ conversation: Conversation }> {
    this.requireAgent(actor, 'accept conversations')
    const deliveries: Delivery[] = []
    this.store.transaction(() => {
      const row = this.existing(conversationId)
      if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
      if (row.status === 'open' && row.agent_id === actor.id) return
      if (row.status !== 'queued' && row.agent_id !== actor.id) throw new ChatError('CONFLICT', 'another agent has this conversation')
      this.take(row, actor, deliveries)
    })
    return { data: { conversation: this.view(conversationId) }, deliveries }
  }

  transfer(actor: User, conversationId: string, toAgentId: string): Outcome<{ conversation: Conversation }> {
    this.requireAgent(actor, 'transfer conversations')
    const deliveries: Delivery[] = []
    this.store.transaction(() => {
      const row = this.existing(conversationId)
      if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
      if (row.agent_id !== actor.id) throw new ChatError('FORBIDDEN', "only the conversation's agent can transfer it")
      if (toAgentId === actor.id) throw new ChatError('BAD_REQUEST', 'cannot transfer a conversation to yourself')
      const target = this.store.user(toAgentId)
      if (target?.role !== 'agent') throw new ChatError('NOT_FOUND', `no agent ${toAgentId}`)
      if (!this.presence.onlineAgentIds().includes(target.id)) throw new ChatError('CONFLICT', `agent ${target.name} is offline`)
      this.store.updateConversation(row.id, 'assigned', target.id, this.now())
      const notice = this.notice(row.id, NOTICES.transferred(target.name))
      deliveries.push(
        {
          frame: this.event('transferred', row.id, { from: { id: actor.id, name: actor.name } }),
          users: [row.customer_id, actor.id, target.id],
        },
        this.messageDelivery(notice, [row.customer_id, actor.id, target.id]),
      )
    })
    return { data: { conversation: this.view(conversationId) }, deliveries }
  }

  close(actor: User, conversationId: string): Outcome<{ conversation: Conversation }> {
    const deliveries: Delivery[] = []
    this.store.transaction(() => {
      const row = this.existing(conversationId)
      if (actor.role === 'customer' && row.customer_id !== actor.id) throw new ChatError('FORBIDDEN', 'not your conversation')
      if (actor.role === 'agent' && row.agent_id !== actor.id && row.status !== 'queued') {
        throw new ChatError('FORBIDDEN', 'another agent has this conversation')
      }
      if (row.status === 'closed') return
      const notice = this.notice(row.id, NOTICES.closed)
      this.store.updateConversation(row.id, 'closed', row.agent_id, this.now())
      const users = this.sides(row)
      deliveries.push(
        { frame: this.event('closed', row.id, { by: senderOf(actor) }), users, agents: true },
        this.messageDelivery(notice, users),
      )
    })
    return { data: { conversation: this.view(conversationId) }, deliveries }
  }

  /**
   * Stores a text or image message and returns what to ack. An id already stored in the
   * conversation is acked with its original seq and ts, and neither stored nor delivered again.
   */
  message(actor: User, frame: MessageFrame, imageExists: (url: string) => boolean): Outcome<MessageAck> {
    const deliveries: Delivery[] = []
    const ack = this.store.transaction((): MessageAck => {
      let row: ConversationRow | undefined
      if (frame.conversationId !== undefined) {
        row = this.existing(frame.conversationId)
        if (actor.role === 'customer' && row.customer_id !== actor.id) throw new ChatError('FORBIDDEN', 'not your conversation')
        const dup = this.store.messageById(row.id, frame.id)
        if (dup) return this.duplicateAck(actor, dup)
      } else {
        if (actor.role !== 'customer') throw new ChatError('BAD_REQUEST', '"conversationId" is required')
        const dup = this.store.customerMessageById(actor.id, frame.id)
        if (dup) return this.duplicateAck(actor, dup)
        row = this.store.activeConversationOf(actor.id) ?? this.create(actor, deliveries)
      }
      if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
      if (actor.role === 'agent') {
        if (row.agent_id !== actor.id && row.status !== 'queued') throw new ChatError('FORBIDDEN', 'another agent has this conversation')
        if (row.status !== 'open') row = this.take(row, actor, deliveries)
      }
      if (frame.kind === 'image' && !imageExists(frame.image.url))
        throw new ChatError('NOT_FOUND', 'no such upload; POST /api/upload first')
      const message = this.store.appendMessage({
        conversationId: row.id,
        id: frame.id,
        ts: this.now(),
        from: senderOf(actor),
        kind: frame.kind,
        ...(frame.kind === 'text' ? { text: frame.text } : { image: frame.image }),
      })
      deliveries.push({ ...this.messageDelivery(message, this.sides(row)), skipSender: true })
      return { conversationId: row.id, seq: message.seq, ts: message.ts }
    })
    return { data: ack, deliveries }
  }

  /** Raises the actor's read mark; the other side hears of it. */
  read(actor: User, conversationId: string, seq: number): Outcome<{ conversationId: string; seq: number }> {
    const row = this.writable(actor, conversationId, 'mark it read')
    const mark = this.store.markRead(row.id, actor.role, seq)
    const frame: OutFrame = { type: 'read', conversationId: row.id, seq: mark, by: senderOf(actor) }
    return { data: { conversationId: row.id, seq: mark }, deliveries: [{ frame, users: this.sides(row), skipSender: true }] }
  }

  typing(actor: User, conversationId: string): Outcome<null> {
    const row = this.writable(actor, conversationId, 'type in it')
    if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
    const other = actor.role === 'customer' ? (row.agent_id === null ? [] : [row.agent_id]) : [row.customer_id]
    return { data: null, deliveries: [{ frame: { type: 'typing', conversationId: row.id, from: senderOf(actor) }, users: other }] }
  }

  // ---- presence ----

  /** Call when an agent's first socket opens: tells the agents, then hands out the queue, oldest first. */
  agentOnline(agent: User): Delivery[] {
    const deliveries: Delivery[] = [
      { frame: { type: 'presence', agent: { id: agent.id, name: agent.name, online: true } }, users: [], agents: true },
    ]
    this.store.transaction(() => {
      for (const row of this.store.queuedConversations()) {
        const to = this.pickAgent()
        if (to === null) break
        this.assign(row, to, deliveries)
      }
    })
    return deliveries
  }

  /** Call when an agent's last socket closes. Their conversations stay theirs for now (see `rerouteAssigned`). */
  agentOffline(agent: User): Delivery[] {
    return [{ frame: { type: 'presence', agent: { id: agent.id, name: agent.name, online: false } }, users: [], agents: true }]
  }

  /**
   * Call when an agent stayed offline through the grace period: each of their `assigned`
   * conversations (routed, not yet accepted), oldest first, goes to the online agent with the
   * fewest assigned + open, or back to the queue when no agent is online. Their `open`
   * conversations stay theirs. Changes nothing while the agent is online. Returns the
   * conversations it moved, as they are now.
   */
  rerouteAssigned(agent: User): Outcome<Conversation[]> {
    const deliveries: Delivery[] = []
    const moved = this.store.transaction(() => {
      if (this.presence.onlineAgentIds().includes(agent.id)) return []
      const ids: string[] = []
      for (const row of this.store.conversationsOfAgent(agent.id)) {
        if (row.status !== 'assigned') continue
        const to = this.pickAgent()
        if (to) this.assign(row, to, deliveries)
        else this.enqueue(row, deliveries)
        ids.push(row.id)
      }
      return ids
    })
    return { data: moved.map((id) => this.view(id)), deliveries }
  }

  /** Agents who hold `assigned` conversations but are not online (after a restart, everyone): each is owed a grace period. */
  absentAgentsWithAssigned(): User[] {
    const online = new Set(this.presence.onlineAgentIds())
    const agents: User[] = []
    for (const id of this.store.agentsWithAssigned()) {
      const user = online.has(id) ? undefined : this.store.user(id)
      if (user?.role === 'agent') agents.push(user)
    }
    return agents
  }

  onlineAgents(): AgentPresence[] {
    const agents: AgentPresence[] = []
    for (const id of this.presence.onlineAgentIds()) {
      const user = this.store.user(id)
      if (user) agents.push({ id: user.id, name: user.name, online: true })
    }
    return agents
  }

  // ---- internals ----

  private create(customer: User, deliveries: Delivery[]): ConversationRow {
    const agent = this.pickAgent()
    const id = this.newId('conv')
    const now = this.now()
    this.store.insertConversation({ id, customerId: customer.id, agentId: null, status: 'queued' }, now)
    const row = this.existing(id)
    if (agent) return this.assign(row, agent, deliveries)
    return this.enqueue(row, deliveries)
  }

  /** No agent for it: `queued`, with the queue notice to the customer. */
  private enqueue(row: ConversationRow, deliveries: Delivery[]): ConversationRow {
    if (row.status !== 'queued' || row.agent_id !== null) this.store.updateConversation(row.id, 'queued', null, this.now())
    const notice = this.notice(row.id, NOTICES.queued)
    deliveries.push(
      { frame: this.event('queued', row.id), users: [row.customer_id], agents: true },
      this.messageDelivery(notice, [row.customer_id]),
    )
    return this.existing(row.id)
  }

  /** The online agent with the fewest assigned + open conversations (the earliest online on a tie). */
  private pickAgent(): User | null {
    let best: { user: User; load: number } | null = null
    for (const id of this.presence.onlineAgentIds()) {
      const user = this.store.user(id)
      if (!user) continue
      const load = this.store.agentLoad(id)
      if (best === null || load < best.load) best = { user, load }
    }
    return best?.user ?? null
  }

  private assign(row: ConversationRow, agent: User, deliveries: Delivery[]): ConversationRow {
    this.store.updateConversation(row.id, 'assigned', agent.id, this.now())
    const notice = this.notice(row.id, NOTICES.assigned(agent.name))
    deliveries.push(
      { frame: this.event('assigned', row.id), users: [row.customer_id, agent.id], agents: true },
      this.messageDelivery(notice, [row.customer_id, agent.id]),
    )
    return this.existing(row.id)
  }

  /** The agent accepts: queued or assigned to them → open. A customer who waited in the queue is told who serves them. */
  private take(row: ConversationRow, agent: User, deliveries: Delivery[]): ConversationRow {
    this.store.updateConversation(row.id, 'open', agent.id, this.now())
    const events: Delivery[] = [{ frame: this.event('accepted', row.id), users: [row.customer_id, agent.id], agents: true }]
    if (row.agent_id !== agent.id)
      events.push(this.messageDelivery(this.notice(row.id, NOTICES.assigned(agent.name)), [row.customer_id, agent.id]))
    deliveries.push(...events)
    return this.existing(row.id)
  }

  private notice(conversationId: string, text: string): ChatMessage {
    return this.store.appendMessage({ conversationId, id: this.newId('sys'), ts: this.now(), from: SYSTEM_SENDER, kind: 'system', text })
  }

  private messageDelivery(message: ChatMessage, users: string[]): Delivery {
    return { frame: { type: 'message', message }, users }
  }

  private event(event: ConversationEvent, conversationId: string, extra: Record<string, unknown> = {}): OutFrame {
    return { type: 'conversation', event, conversation: this.view(conversationId), ...extra }
  }

  private duplicateAck(actor: User, message: ChatMessage): MessageAck {
    if (message.from.id !== actor.id) throw new ChatError('CONFLICT', 'this message id is already used by someone else in the conversation')
    return { conversationId: message.conversationId, seq: message.seq, ts: message.ts, duplicate: true }
  }

  /** The customer and the conversation's agent, if any. */
  private sides(row: ConversationRow): string[] {
    return row.agent_id === null ? [row.customer_id] : [row.customer_id, row.agent_id]
  }

  private view(id: string): Conversation {
    const conversation = this.store.conversation(id)
    if (!conversation) throw new ChatError('NOT_FOUND', `no conversation ${id}`)
    return conversation
  }

  private existing(id: string): ConversationRow {
    const row = this.store.conversationRow(id)
    if (!row) throw new ChatError('NOT_FOUND', `no conversation ${id}`)
    return row
  }

  private requireAgent(actor: User, what: string): void {
    if (actor.role !== 'agent') throw new ChatError('FORBIDDEN', `only agents can ${what}`)
  }

  /** Customers read their own conversations; agents read any. */
  private readable(actor: User, conversationId: string): ConversationRow {
    const row = this.existing(conversationId)
    if (actor.role === 'customer' && row.customer_id !== actor.id) throw new ChatError('FORBIDDEN', 'not your conversation')
    return row
  }

  /** Customers act on their own conversations; agents on the ones assigned to them. */
  private writable(actor: User, conversationId: string, what: string): ConversationRow {
    const row = this.existing(conversationId)
    const mine = actor.role === 'customer' ? row.customer_id === actor.id : row.agent_id === actor.id
    if (!mine) throw new ChatError('FORBIDDEN', `only the conversation's ${actor.role} can ${what}`)
    return row
  }
}
