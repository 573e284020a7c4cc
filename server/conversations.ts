import { randomBytes } from 'node:crypto'
import { ChatError } from './errors'
import { RECALL_WINDOW_MS, RECALLED_IN_SYNC_MAX } from '../src/protocol'
import type { AgentStatus, MessageAck, MessageFrame, Notice, RecallResult, SessionData } from '../src/protocol'
import type { ConversationRow, Store, StoreQueries } from './store/store'
import { sessionPage } from './session-page'
import { PAGE_LIMITS } from './frame-schemas'
import type { AgentPresence, ChatMessage, Conversation, ConversationEvent, OutFrame, Rating, Sender, User } from './types'

/** `session` without paging options (tests, the first page): the default page size. */
const FIRST_SESSION_PAGE = { limit: PAGE_LIMITS.session.default }

/** Who is online: the socket layer knows (with several instances, the cluster's presence), routing asks. */
export interface Presence {
  /** Ids of agents with at least one open socket, in the order they came online. */
  onlineAgentIds(): Promise<string[]>
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
  /**
   * An agent's status, read while routing (inside the transaction): only `online` agents get new
   * conversations. Default: everyone online.
   */
  statusOf?: (agentId: string) => AgentStatus | Promise<AgentStatus>
  /** Most assigned + open conversations routing gives one agent; 0 for no cap. Default 0. */
  maxPerAgent?: number
}

function defaultId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`
}

function senderOf(user: User): Sender {
  return { id: user.id, role: user.role, name: user.name, ...(user.avatar ? { avatar: user.avatar } : {}) }
}

type Tx = StoreQueries

/**
 * Conversations and messages: who may do what, routing to agents, seqs and notices.
 * Every write runs in one transaction (`store.transaction`) and a method resolves only after it
 * committed, so whatever the socket layer acks or pushes is durable. A transaction may run more
 * than once (PostgreSQL retries a lost race), so each builds its deliveries afresh. Rows that a
 * decision depends on are locked first (`lockConversation`, `lockCustomer`): with writers on
 * several instances, one accept wins, a duplicate id is seen, seqs stay gapless.
 */
export class Conversations {
  private readonly now: () => number
  private readonly newId: (prefix: string) => string
  private readonly statusOf: (agentId: string) => AgentStatus | Promise<AgentStatus>
  private readonly maxPerAgent: number

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    options: ConversationsOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.newId = options.newId ?? defaultId
    this.statusOf = options.statusOf ?? (() => 'online')
    this.maxPerAgent = options.maxPerAgent ?? 0
  }

  // ---- requests ----

  /** Who I am and my conversations; for an agent a page of them and of the queue (server/session-page.ts), and the online agents. */
  async session(actor: User, page: { limit: number; cursor?: string | undefined } = FIRST_SESSION_PAGE): Promise<Outcome<SessionData>> {
    const store = this.store
    if (actor.role === 'customer') {
      const active = await store.activeConversationOf(actor.id)
      return { data: { user: actor, conversations: active ? [await this.view(store, active.id)] : [] }, deliveries: [] }
    }
    const [mine, queued, agents] = await Promise.all([
      store.conversationsOfAgent(actor.id),
      store.queuedConversations(),
      this.onlineAgents(),
    ])
    const paged = sessionPage(mine, queued, page)
    return {
      data: {
        user: actor,
        conversations: await this.views(store, paged.mine),
        queue: await this.views(store, paged.queue),
        agents,
        hasMore: paged.cursor !== undefined,
        ...(paged.cursor !== undefined ? { cursor: paged.cursor } : {}),
      },
      deliveries: [],
    }
  }

  /** The customer's open conversation, created and routed when there is none. */
  async open(actor: User): Promise<Outcome<{ conversation: Conversation }>> {
    if (actor.role !== 'customer') throw new ChatError('FORBIDDEN', 'only customers open conversations')
    return this.store.transaction(async (tx) => {
      const deliveries: Delivery[] = []
      await tx.lockCustomer(actor.id)
      const row = (await tx.activeConversationOf(actor.id)) ?? (await this.create(tx, actor, deliveries))
      return { data: { conversation: await this.view(tx, row.id) }, deliveries }
    })
  }

  async sync(
    actor: User,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<Outcome<{ messages: ChatMessage[]; hasMore: boolean; recalled?: string[] }>> {
    await this.readable(actor, conversationId)
    const page = await this.store.messagesAfter(conversationId, afterSeq, limit)
    // What the client holds (seq <= afterSeq) may have been recalled while it was away.
    const recalled = afterSeq > 0 ? await this.store.recalledIds(conversationId, afterSeq, RECALLED_IN_SYNC_MAX) : []
    return { data: recalled.length > 0 ? { ...page, recalled } : page, deliveries: [] }
  }

  async history(
    actor: User,
    conversationId: string,
    beforeSeq: number,
    limit: number,
  ): Promise<Outcome<{ messages: ChatMessage[]; hasMore: boolean }>> {
    await this.readable(actor, conversationId)
    const before = beforeSeq === 0 ? Number.MAX_SAFE_INTEGER : beforeSeq
    return { data: await this.store.messagesBefore(conversationId, before, limit), deliveries: [] }
  }

  async accept(actor: User, conversationId: string): Promise<Outcome<{ conversation: Conversation }>> {
    this.requireAgent(actor, 'accept conversations')
    return this.store.transaction(async (tx) => {
      const deliveries: Delivery[] = []
      const row = await this.locked(tx, conversationId)
      if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
      const mineAlready = row.status === 'open' && row.agent_id === actor.id
      if (!mineAlready) {
        if (row.status !== 'queued' && row.agent_id !== actor.id) throw new ChatError('CONFLICT', 'another agent has this conversation')
        await this.take(tx, row, actor, deliveries)
      }
      return { data: { conversation: await this.view(tx, conversationId) }, deliveries }
    })
  }

  async transfer(actor: User, conversationId: string, toAgentId: string): Promise<Outcome<{ conversation: Conversation }>> {
    this.requireAgent(actor, 'transfer conversations')
    return this.store.transaction(async (tx) => {
      const row = await this.locked(tx, conversationId)
      if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
      if (row.agent_id !== actor.id) throw new ChatError('FORBIDDEN', "only the conversation's agent can transfer it")
      if (toAgentId === actor.id) throw new ChatError('BAD_REQUEST', 'cannot transfer a conversation to yourself')
      const target = await tx.user(toAgentId)
      if (target?.role !== 'agent') throw new ChatError('NOT_FOUND', `no agent ${toAgentId}`)
      if (!(await this.presence.onlineAgentIds()).includes(target.id)) throw new ChatError('CONFLICT', `agent ${target.name} is offline`)
      if (this.maxPerAgent > 0 && (await tx.agentLoad(target.id)) >= this.maxPerAgent) {
        throw new ChatError('CONFLICT', `agent ${target.name} already has ${this.maxPerAgent} conversations (MAX_CONVERSATIONS_PER_AGENT)`)
      }
      await tx.updateConversation(row.id, 'assigned', target.id, this.now())
      const notice = await this.notice(tx, row.id, NOTICES.transferred(target.name), {
        code: 'transferred',
        agent: { id: target.id, name: target.name },
        from: { id: actor.id, name: actor.name },
      })
      const deliveries: Delivery[] = [
        {
          frame: await this.event(tx, 'transferred', row.id, { from: { id: actor.id, name: actor.name } }),
          users: [row.customer_id, actor.id, target.id],
        },
        this.messageDelivery(notice, [row.customer_id, actor.id, target.id]),
      ]
      return { data: { conversation: await this.view(tx, conversationId) }, deliveries }
    })
  }

  async close(actor: User, conversationId: string): Promise<Outcome<{ conversation: Conversation }>> {
    return this.store.transaction(async (tx) => {
      const deliveries: Delivery[] = []
      const row = await this.locked(tx, conversationId)
      if (actor.role === 'customer' && row.customer_id !== actor.id) throw new ChatError('FORBIDDEN', 'not your conversation')
      if (actor.role === 'agent' && row.agent_id !== actor.id && row.status !== 'queued') {
        throw new ChatError('FORBIDDEN', 'another agent has this conversation')
      }
      if (row.status !== 'closed') {
        const notice = await this.notice(tx, row.id, NOTICES.closed, {
          code: 'closed',
          by: { id: actor.id, role: actor.role, name: actor.name },
        })
        await tx.updateConversation(row.id, 'closed', row.agent_id, this.now())
        const users = this.sides(row)
        deliveries.push(
          { frame: await this.event(tx, 'closed', row.id, { by: senderOf(actor) }), users, agents: true },
          this.messageDelivery(notice, users),
        )
      }
      return { data: { conversation: await this.view(tx, conversationId) }, deliveries }
    })
  }

  /**
   * Stores a text or image message and returns what to ack. An id already stored in the
   * conversation is acked with its original seq and ts, and neither stored nor delivered again.
   */
  async message(actor: User, frame: MessageFrame, imageExists: (url: string) => boolean): Promise<Outcome<MessageAck>> {
    return this.store.transaction(async (tx): Promise<Outcome<MessageAck>> => {
      const deliveries: Delivery[] = []
      let row: ConversationRow
      if (frame.conversationId !== undefined) {
        row = await this.locked(tx, frame.conversationId)
        if (actor.role === 'customer' && row.customer_id !== actor.id) throw new ChatError('FORBIDDEN', 'not your conversation')
        const dup = await tx.messageById(row.id, frame.id)
        if (dup) return { data: this.duplicateAck(actor, dup), deliveries }
      } else {
        if (actor.role !== 'customer') throw new ChatError('BAD_REQUEST', '"conversationId" is required')
        await tx.lockCustomer(actor.id)
        const dup = await tx.customerMessageById(actor.id, frame.id)
        if (dup) return { data: this.duplicateAck(actor, dup), deliveries }
        const active = await tx.activeConversationOf(actor.id)
        row = active ? await this.locked(tx, active.id) : await this.create(tx, actor, deliveries)
        // Someone else's id in that conversation (a notice's, the agent's): CONFLICT, not a UNIQUE error.
        const taken = await tx.messageById(row.id, frame.id)
        if (taken) return { data: this.duplicateAck(actor, taken), deliveries }
      }
      if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
      if (actor.role === 'agent') {
        if (row.agent_id !== actor.id && row.status !== 'queued') throw new ChatError('FORBIDDEN', 'another agent has this conversation')
        if (row.status !== 'open') row = await this.take(tx, row, actor, deliveries)
      }
      if (frame.kind === 'image' && !imageExists(frame.image.url))
        throw new ChatError('NOT_FOUND', 'no such upload; POST /api/upload first')
      const message = await tx.appendMessage({
        conversationId: row.id,
        id: frame.id,
        ts: this.now(),
        from: senderOf(actor),
        kind: frame.kind,
        ...(frame.kind === 'text' ? { text: frame.text } : { image: frame.image }),
      })
      deliveries.push({ ...this.messageDelivery(message, this.sides(row)), skipSender: true })
      return { data: { conversationId: row.id, seq: message.seq, ts: message.ts }, deliveries }
    })
  }

  /**
   * The sender takes back one of their text or image messages, within `RECALL_WINDOW_MS` of
   * its `ts`: stored as recalled (content cleared, seq kept), pushed to both sides. Again on a
   * recalled message: the same answer, nothing pushed.
   */
  async recall(actor: User, conversationId: string, messageId: string): Promise<Outcome<RecallResult>> {
    return this.store.transaction(async (tx) => {
      const row = await this.locked(tx, conversationId)
      if (actor.role === 'customer' ? row.customer_id !== actor.id : row.agent_id !== actor.id) {
        throw new ChatError('FORBIDDEN', `only the conversation's ${actor.role} can recall in it`)
      }
      const message = await tx.messageById(row.id, messageId)
      if (!message) throw new ChatError('NOT_FOUND', `no message ${messageId} in this conversation`)
      if (message.from.id !== actor.id) throw new ChatError('FORBIDDEN', 'only its sender can recall a message')
      const data = { conversationId: row.id, messageId, seq: message.seq }
      if (message.recalled === true) return { data, deliveries: [] }
      if (message.kind === 'system') throw new ChatError('FORBIDDEN', 'system notices cannot be recalled')
      const now = this.now()
      if (now - message.ts > RECALL_WINDOW_MS) {
        throw new ChatError('TOO_LATE', `a message can be recalled within ${RECALL_WINDOW_MS / 60_000} minutes of sending`)
      }
      await tx.recallMessage(row.id, messageId, now)
      const frame: OutFrame = { type: 'recall', conversationId: row.id, messageId, seq: message.seq, by: senderOf(actor) }
      return { data, deliveries: [{ frame, users: this.sides(row), skipSender: true }] }
    })
  }

  /** The customer rates their closed conversation, once (CONFLICT the second time); its agent hears of it. */
  async rate(actor: User, conversationId: string, score: number, comment?: string): Promise<Outcome<{ conversation: Conversation }>> {
    if (actor.role !== 'customer') throw new ChatError('FORBIDDEN', 'only the customer can rate a conversation')
    return this.store.transaction(async (tx) => {
      const row = await this.locked(tx, conversationId)
      if (row.customer_id !== actor.id) throw new ChatError('FORBIDDEN', 'not your conversation')
      if (row.status !== 'closed') throw new ChatError('CONFLICT', 'a conversation is rated after it closed')
      const text = comment?.trim() ?? ''
      const rating: Rating = { score, ...(text !== '' && { comment: text }), ts: this.now() }
      if (!(await tx.rateConversation(row.id, rating))) throw new ChatError('CONFLICT', 'this conversation is already rated')
      const frame: OutFrame = { type: 'rating', conversationId: row.id, rating }
      return {
        data: { conversation: await this.view(tx, row.id) },
        deliveries: [{ frame, users: this.sides(row), skipSender: true }],
      }
    })
  }

  /** Raises the actor's read mark; the other side hears of it. */
  async read(actor: User, conversationId: string, seq: number): Promise<Outcome<{ conversationId: string; seq: number }>> {
    const row = await this.writable(actor, conversationId, 'mark it read')
    const mark = await this.store.markRead(row.id, actor.role, seq)
    const frame: OutFrame = { type: 'read', conversationId: row.id, seq: mark, by: senderOf(actor) }
    return { data: { conversationId: row.id, seq: mark }, deliveries: [{ frame, users: this.sides(row), skipSender: true }] }
  }

  async typing(actor: User, conversationId: string): Promise<Outcome<null>> {
    const row = await this.writable(actor, conversationId, 'type in it')
    if (row.status === 'closed') throw new ChatError('CLOSED', 'the conversation is closed')
    const other = actor.role === 'customer' ? (row.agent_id === null ? [] : [row.agent_id]) : [row.customer_id]
    return { data: null, deliveries: [{ frame: { type: 'typing', conversationId: row.id, from: senderOf(actor) }, users: other }] }
  }

  // ---- presence ----

  /** Call when an agent's first socket opens: tells the agents, then hands out the queue, oldest first. */
  async agentOnline(agent: User): Promise<Delivery[]> {
    const presence: Delivery = {
      frame: { type: 'presence', agent: { id: agent.id, name: agent.name, online: true, status: await this.statusOf(agent.id) } },
      users: [],
      agents: true,
    }
    return [presence, ...(await this.handOutQueue())]
  }

  /** Call when an agent's status changed (stored already): tells the agents; back to online, hands out the queue. */
  async agentStatusChanged(agent: User, status: AgentStatus): Promise<Delivery[]> {
    const online = (await this.presence.onlineAgentIds()).includes(agent.id)
    const presence: Delivery = {
      frame: { type: 'presence', agent: { id: agent.id, name: agent.name, online, status } },
      users: [],
      agents: true,
    }
    return [presence, ...(status === 'online' ? await this.handOutQueue() : [])]
  }

  /**
   * Routes queued conversations, oldest first, while an agent can take one (online, status
   * online, under the cap). Call when room may have appeared: an agent online, available again,
   * or a conversation closed or transferred away.
   */
  async handOutQueue(): Promise<Delivery[]> {
    return this.store.transaction(async (tx) => {
      const deliveries: Delivery[] = []
      for (const queued of await tx.queuedConversations()) {
        // Another instance may have handed it out meanwhile: decide on the locked row.
        const row = await tx.lockConversation(queued.id)
        if (row?.status !== 'queued') continue
        const to = await this.pickAgent(tx)
        if (to === null) break
        await this.assign(tx, row, to, deliveries)
      }
      return deliveries
    })
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
  async rerouteAssigned(agent: User): Promise<Outcome<Conversation[]>> {
    return this.store.transaction(async (tx) => {
      const deliveries: Delivery[] = []
      const moved: Conversation[] = []
      if ((await this.presence.onlineAgentIds()).includes(agent.id)) return { data: moved, deliveries }
      for (const candidate of await tx.conversationsOfAgent(agent.id)) {
        const row = await tx.lockConversation(candidate.id)
        if (row?.status !== 'assigned' || row.agent_id !== agent.id) continue
        const to = await this.pickAgent(tx)
        if (to) await this.assign(tx, row, to, deliveries)
        else await this.enqueue(tx, row, deliveries)
        moved.push(await this.view(tx, row.id))
      }
      return { data: moved, deliveries }
    })
  }

  /** Agents who hold `assigned` conversations but are not online (after a restart, everyone): each is owed a grace period. */
  async absentAgentsWithAssigned(): Promise<User[]> {
    const online = new Set(await this.presence.onlineAgentIds())
    const agents: User[] = []
    for (const id of await this.store.agentsWithAssigned()) {
      const user = online.has(id) ? undefined : await this.store.user(id)
      if (user?.role === 'agent') agents.push(user)
    }
    return agents
  }

  /** The user with this id, if any. */
  user(id: string): Promise<User | undefined> {
    return this.store.user(id)
  }

  async onlineAgents(): Promise<AgentPresence[]> {
    const agents: AgentPresence[] = []
    for (const id of await this.presence.onlineAgentIds()) {
      const user = await this.store.user(id)
      if (user) agents.push({ id: user.id, name: user.name, online: true, status: await this.statusOf(user.id) })
    }
    return agents
  }

  // ---- internals ----

  private async create(tx: Tx, customer: User, deliveries: Delivery[]): Promise<ConversationRow> {
    const agent = await this.pickAgent(tx)
    const id = this.newId('conv')
    const now = this.now()
    await tx.insertConversation({ id, customerId: customer.id, agentId: null, status: 'queued' }, now)
    const row = await this.existing(tx, id)
    if (agent) return this.assign(tx, row, agent, deliveries)
    return this.enqueue(tx, row, deliveries)
  }

  /** No agent for it: `queued`, with the queue notice to the customer. */
  private async enqueue(tx: Tx, row: ConversationRow, deliveries: Delivery[]): Promise<ConversationRow> {
    if (row.status !== 'queued' || row.agent_id !== null) await tx.updateConversation(row.id, 'queued', null, this.now())
    const notice = await this.notice(tx, row.id, NOTICES.queued, { code: 'queued' })
    deliveries.push(
      { frame: await this.event(tx, 'queued', row.id), users: [row.customer_id], agents: true },
      this.messageDelivery(notice, [row.customer_id]),
    )
    return this.existing(tx, row.id)
  }

  /**
   * The online agent with the fewest assigned + open conversations (the earliest online on a tie),
   * skipping busy and away agents and those at the cap.
   */
  private async pickAgent(tx: Tx): Promise<User | null> {
    let best: { user: User; load: number } | null = null
    for (const id of await this.presence.onlineAgentIds()) {
      if ((await tx.agentStatus(id)) !== 'online') continue
      const user = await tx.user(id)
      if (!user) continue
      const load = await tx.agentLoad(id)
      if (this.maxPerAgent > 0 && load >= this.maxPerAgent) continue
      if (best === null || load < best.load) best = { user, load }
    }
    return best?.user ?? null
  }

  private async assign(tx: Tx, row: ConversationRow, agent: User, deliveries: Delivery[]): Promise<ConversationRow> {
    await tx.updateConversation(row.id, 'assigned', agent.id, this.now())
    const notice = await this.notice(tx, row.id, NOTICES.assigned(agent.name), {
      code: 'assigned',
      agent: { id: agent.id, name: agent.name },
    })
    deliveries.push(
      { frame: await this.event(tx, 'assigned', row.id), users: [row.customer_id, agent.id], agents: true },
      this.messageDelivery(notice, [row.customer_id, agent.id]),
    )
    return this.existing(tx, row.id)
  }

  /** The agent accepts: queued or assigned to them → open. A customer who waited in the queue is told who serves them. */
  private async take(tx: Tx, row: ConversationRow, agent: User, deliveries: Delivery[]): Promise<ConversationRow> {
    await tx.updateConversation(row.id, 'open', agent.id, this.now())
    deliveries.push({ frame: await this.event(tx, 'accepted', row.id), users: [row.customer_id, agent.id], agents: true })
    if (row.agent_id !== agent.id) {
      const notice = await this.notice(tx, row.id, NOTICES.assigned(agent.name), {
        code: 'assigned',
        agent: { id: agent.id, name: agent.name },
      })
      deliveries.push(this.messageDelivery(notice, [row.customer_id, agent.id]))
    }
    return this.existing(tx, row.id)
  }

  /** A system notice: `text` is the customer's wording, `notice` the facts the console words for agents. */
  private notice(tx: Tx, conversationId: string, text: string, notice: Notice): Promise<ChatMessage> {
    return tx.appendMessage({ conversationId, id: this.newId('sys'), ts: this.now(), from: SYSTEM_SENDER, kind: 'system', text, notice })
  }

  private messageDelivery(message: ChatMessage, users: string[]): Delivery {
    return { frame: { type: 'message', message }, users }
  }

  private async event(tx: Tx, event: ConversationEvent, conversationId: string, extra: Record<string, unknown> = {}): Promise<OutFrame> {
    return { type: 'conversation', event, conversation: await this.view(tx, conversationId), ...extra }
  }

  private duplicateAck(actor: User, message: ChatMessage): MessageAck {
    if (message.from.id !== actor.id) throw new ChatError('CONFLICT', 'this message id is already used by someone else in the conversation')
    return { conversationId: message.conversationId, seq: message.seq, ts: message.ts, duplicate: true }
  }

  /** The customer and the conversation's agent, if any. */
  private sides(row: ConversationRow): string[] {
    return row.agent_id === null ? [row.customer_id] : [row.customer_id, row.agent_id]
  }

  private async view(q: Tx, id: string): Promise<Conversation> {
    const conversation = await q.conversation(id)
    if (!conversation) throw new ChatError('NOT_FOUND', `no conversation ${id}`)
    return conversation
  }

  private async views(q: Tx, rows: readonly ConversationRow[]): Promise<Conversation[]> {
    const views: Conversation[] = []
    for (const row of rows) views.push(await this.view(q, row.id))
    return views
  }

  private async existing(q: Tx, id: string): Promise<ConversationRow> {
    const row = await q.conversationRow(id)
    if (!row) throw new ChatError('NOT_FOUND', `no conversation ${id}`)
    return row
  }

  /** The conversation, locked until the transaction ends: what is decided on it stays true until the commit. */
  private async locked(tx: Tx, id: string): Promise<ConversationRow> {
    const row = await tx.lockConversation(id)
    if (!row) throw new ChatError('NOT_FOUND', `no conversation ${id}`)
    return row
  }

  private requireAgent(actor: User, what: string): void {
    if (actor.role !== 'agent') throw new ChatError('FORBIDDEN', `only agents can ${what}`)
  }

  /** Customers read their own conversations; agents read any. */
  private async readable(actor: User, conversationId: string): Promise<ConversationRow> {
    const row = await this.existing(this.store, conversationId)
    if (actor.role === 'customer' && row.customer_id !== actor.id) throw new ChatError('FORBIDDEN', 'not your conversation')
    return row
  }

  /** Customers act on their own conversations; agents on the ones assigned to them. */
  private async writable(actor: User, conversationId: string, what: string): Promise<ConversationRow> {
    const row = await this.existing(this.store, conversationId)
    const mine = actor.role === 'customer' ? row.customer_id === actor.id : row.agent_id === actor.id
    if (!mine) throw new ChatError('FORBIDDEN', `only the conversation's ${actor.role} can ${what}`)
    return row
  }
}
