/**
 * The agent's side: the queue of waiting conversations, my conversations with unread
 * counts and last-message previews, the online agents (for transfer), and the actions
 * accept / transfer / close. Kept current from `conversation`, `message`, `read` and
 * `presence` pushes, and re-fetched (`session`) after every reconnect.
 */
import { conversationIdOf, type AcceptRequest, type CloseRequest, type Outgoing, type TransferRequest } from '../protocol'
import type { Clock, Frame } from '../types'
import { ConversationClient } from './conversation-client'
import type { ListMessage } from './message-list'
import type { ClientSettings } from './customer-session'
import { createEmitter } from '../emitter'
import {
  parseAgent,
  parseAgents,
  parseConversation,
  parseConversationEvent,
  parseConversationReply,
  parseConversations,
  parseMessage,
  parseSender,
} from './parse'
import { previewText } from './preview'
import { SessionFetch, requireSocket } from './session-fetch'
import type { AgentPresence, ChatMessage, ChatSocketLike, Conversation, ConversationEvent, User } from './types'

export interface AgentDeskOptions {
  /** The console's socket. Required. */
  socket: ChatSocketLike
  /** Makes ids for my messages. Default: `socket.nextId()` when present, else a random prefix and a counter. */
  generateId?: () => string
  /** Default: the global timers and `Date.now`. */
  clock?: Clock
  client?: ClientSettings
}

/** One of my conversations as the list on the left shows it. */
export interface DeskConversation {
  conversation: Conversation
  /** Customer messages after my read seq (system notices and agents' messages do not count, whatever their order). */
  unread: number
  lastMessage: ChatMessage | null
  /** The newest message that is not a system notice: what a preview shows (a notice after a question does not hide it). */
  lastChatMessage: ChatMessage | null
  /** The last message's time, or the conversation's creation. */
  lastTs: number
  /** `previewText(lastChatMessage ?? lastMessage)`. */
  preview: string
}

export type AgentDeskEvents = {
  /** The `session` reply arrived (on `start()` and after every reconnect). */
  ready: User
  /** Waiting conversations, oldest first. */
  queue: readonly Conversation[]
  /** My conversations, most recent activity first. */
  conversations: readonly DeskConversation[]
  /** Online agents, me included. */
  agents: readonly AgentPresence[]
  /** A conversation push (or an action's reply, with `event` null). */
  conversation: { event: ConversationEvent | null; conversation: Conversation }
  /** A new customer message in one of my conversations (for a count in the tab title). */
  incoming: ChatMessage
  /** The client of a conversation that is no longer mine was disposed. */
  released: string
  /** A background re-fetch failed. */
  error: Error
}

interface Entry {
  conversation: Conversation
  lastMessage: ChatMessage | null
  lastChat: ChatMessage | null
  readSeq: number
  /** The newest snapshot's last seq, and how many customer messages up to it were unread then (the server counts them). */
  snapshotSeq: number
  snapshotUnread: number
  /** Seqs of customer messages seen after the snapshot. */
  unreadSeqs: Set<number>
}

export class AgentDesk {
  private readonly socket: ChatSocketLike
  private readonly options: AgentDeskOptions
  private readonly emitter = createEmitter<AgentDeskEvents>()
  private readonly unsubscribes: Array<() => void>
  private readonly entries = new Map<string, Entry>()
  private readonly clients = new Map<string, ConversationClient>()
  private readonly clientHooks = new Map<string, Array<() => void>>()
  private waiting: Conversation[] = []
  private online: AgentPresence[] = []
  private me: User | null = null
  private readonly session: SessionFetch
  private disposed = false

  constructor(options: AgentDeskOptions) {
    requireSocket('AgentDesk', options)
    this.socket = options.socket
    this.options = options
    this.session = new SessionFetch({
      socket: this.socket,
      role: 'agent',
      apply: (user, data) => this.applySession(user, data),
      onError: (err) => this.emitter.emit('error', err instanceof Error ? err : new Error(String(err))),
    })
    this.unsubscribes = [this.socket.on('message', (frame) => this.onFrame(frame))]
  }

  on<K extends keyof AgentDeskEvents>(type: K, handler: (event: AgentDeskEvents[K]) => void): () => void {
    return this.emitter.on(type, handler)
  }

  get user(): User | null {
    return this.me
  }

  /** Waiting conversations, oldest first. */
  get queue(): readonly Conversation[] {
    return this.waiting
  }

  /** My conversations, most recent activity first. */
  get conversations(): readonly DeskConversation[] {
    return this.snapshotEntries()
  }

  /** Online agents, me included (filter by `user.id` for transfer targets). */
  get agents(): readonly AgentPresence[] {
    return this.online
  }

  /** Unread messages over all my conversations (for the tab title). */
  get unreadTotal(): number {
    let total = 0
    this.entries.forEach((entry) => {
      total += unreadOf(entry)
    })
    return total
  }

  /** Asks `session`: who I am, my conversations, the queue, online agents. Re-run after every reconnect. */
  start(): Promise<User> {
    this.assertLive('start')
    return this.session.start()
  }

  /** Takes a queued (or assigned) conversation. Rejects with `SocketError` (e.g. `serverCode` CONFLICT). */
  accept(conversationId: string): Promise<Conversation> {
    return this.act({ type: 'accept', conversationId })
  }

  /** Hands my conversation to another online agent. */
  transfer(conversationId: string, toAgentId: string): Promise<Conversation> {
    return this.act({ type: 'transfer', conversationId, toAgentId })
  }

  /** Closes the conversation. */
  close(conversationId: string): Promise<Conversation> {
    return this.act({ type: 'close', conversationId })
  }

  /**
   * The live client of a conversation I know (mine or queued), created and loading on first
   * use and kept until `release(id)`, a transfer away, or `dispose()`. Views subscribe to it
   * and unsubscribe when they switch; they do not dispose it.
   */
  client(conversationId: string): ConversationClient {
    this.assertLive('client')
    const held = this.clients.get(conversationId)
    if (held !== undefined) return held
    const user = this.me
    if (user === null) throw new Error('AgentDesk: client() before start() resolved')
    const conversation = this.entries.get(conversationId)?.conversation ?? this.waiting.find((c) => c.id === conversationId)
    if (conversation === undefined) throw new RangeError(`AgentDesk: conversation ${conversationId} is neither mine nor queued`)
    const client = new ConversationClient({
      ...this.options.client,
      routed: true,
      socket: this.socket,
      conversation,
      user,
      generateId: this.options.generateId,
      clock: this.options.clock,
    })
    this.clients.set(conversationId, client)
    this.clientHooks.set(conversationId, [
      client.on('read', ({ mine }) => this.setRead(conversationId, mine)),
      client.on('sent', (message) => this.onOwnMessage(message)),
    ])
    void client.load()
    return client
  }

  /** Disposes the client of `conversationId`, if any. */
  release(conversationId: string): void {
    const client = this.clients.get(conversationId)
    if (client === undefined) return
    for (const unsubscribe of this.clientHooks.get(conversationId) ?? []) unsubscribe()
    this.clientHooks.delete(conversationId)
    this.clients.delete(conversationId)
    client.dispose()
    if (!this.disposed) this.emitter.emit('released', conversationId)
  }

  /** Removes every listener this desk added and disposes its clients. Idempotent. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.session.dispose()
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe()
    for (const id of Array.from(this.clients.keys())) this.release(id)
    this.emitter.clear()
  }

  private async act(frame: Outgoing<AcceptRequest | TransferRequest | CloseRequest>): Promise<Conversation> {
    this.assertLive(frame.type)
    const conversation = parseConversationReply(await this.socket.request(frame))
    if (conversation === null) throw new Error(`${frame.type}: the reply carries no conversation`)
    this.apply(conversation, null)
    return conversation
  }

  private applySession(user: User, data: Record<string, unknown>): void {
    this.me = user
    const mine = parseConversations(data.conversations)
    const kept = new Set<string>()
    for (const conversation of mine) {
      kept.add(conversation.id)
      this.upsertEntry(conversation)
      this.clients.get(conversation.id)?.applyConversation(conversation)
    }
    for (const id of Array.from(this.entries.keys())) if (!kept.has(id)) this.entries.delete(id)
    for (const id of Array.from(this.clients.keys())) if (!kept.has(id)) this.release(id)
    this.waiting = sortQueue(parseConversations(data.queue))
    this.online = parseAgents(data.agents)
    this.emitter.emit('ready', user)
    this.emitter.emit('queue', this.waiting)
    this.emitter.emit('conversations', this.snapshotEntries())
    this.emitter.emit('agents', this.online)
  }

  /** The one dispatch of pushed frames: the desk's lists first, then the conversation's client, by id. */
  private onFrame(frame: Frame): void {
    if (this.disposed || this.me === null) return
    const conversationId = conversationIdOf(frame)
    // Taken before the desk's own handling, which may release it (transferred away): a released client sees nothing more.
    const client = conversationId === null ? undefined : this.clients.get(conversationId)
    this.updateLists(frame)
    if (client !== undefined && this.clients.get(client.id) === client) client.handleFrame(frame)
  }

  private updateLists(frame: Frame): void {
    if (this.me === null) return
    switch (frame.type) {
      case 'conversation': {
        const conversation = parseConversation(frame.conversation)
        if (conversation !== null) this.apply(conversation, parseConversationEvent(frame.event))
        return
      }
      case 'message': {
        const message = parseMessage(frame.message)
        if (message !== null) this.onMessage(message)
        return
      }
      case 'read': {
        const by = parseSender(frame.by)
        if (by !== null && by.id === this.me.id && typeof frame.conversationId === 'string' && typeof frame.seq === 'number') {
          this.setRead(frame.conversationId, frame.seq)
        }
        return
      }
      case 'presence': {
        const agent = parseAgent(frame.agent)
        if (agent === null) return
        const others = this.online.filter((a) => a.id !== agent.id)
        this.online = agent.online ? [...others, agent] : others
        this.emitter.emit('agents', this.online)
        return
      }
    }
  }

  /** Files a conversation snapshot: queued ones in the queue, open/assigned ones of mine in my list. */
  private apply(conversation: Conversation, event: ConversationEvent | null): void {
    if (this.disposed || this.me === null) return
    const id = conversation.id
    const wasQueued = this.waiting.some((c) => c.id === id)
    const mine = conversation.agent?.id === this.me.id
    if (conversation.status === 'queued') {
      this.waiting = sortQueue([...this.waiting.filter((c) => c.id !== id), conversation])
    } else if (wasQueued) {
      this.waiting = this.waiting.filter((c) => c.id !== id)
    }
    const hadEntry = this.entries.has(id)
    if (mine && (conversation.status === 'assigned' || conversation.status === 'open')) this.upsertEntry(conversation)
    else this.entries.delete(id)
    if (!mine && conversation.status !== 'queued') this.release(id) // transferred or taken by someone else
    if (wasQueued || conversation.status === 'queued') this.emitter.emit('queue', this.waiting)
    if (hadEntry || this.entries.has(id)) this.emitter.emit('conversations', this.snapshotEntries())
    this.emitter.emit('conversation', { event, conversation })
  }

  private upsertEntry(conversation: Conversation): void {
    const unread = snapshotUnreadOf(conversation)
    const lastChat = lastChatOf(conversation)
    const entry = this.entries.get(conversation.id)
    if (entry === undefined) {
      this.entries.set(conversation.id, {
        conversation,
        lastMessage: conversation.lastMessage,
        lastChat,
        readSeq: conversation.agentReadSeq,
        snapshotSeq: conversation.lastSeq,
        snapshotUnread: unread,
        unreadSeqs: new Set(),
      })
      return
    }
    entry.conversation = conversation
    entry.readSeq = Math.max(entry.readSeq, conversation.agentReadSeq)
    if (conversation.lastMessage !== null && (entry.lastMessage === null || conversation.lastMessage.seq > entry.lastMessage.seq)) {
      entry.lastMessage = conversation.lastMessage
    }
    if (lastChat !== null && (entry.lastChat === null || lastChat.seq > entry.lastChat.seq)) entry.lastChat = lastChat
    if (conversation.lastSeq >= entry.snapshotSeq) {
      entry.snapshotSeq = conversation.lastSeq
      entry.snapshotUnread = unread
    }
  }

  private onMessage(message: ChatMessage): void {
    const entry = this.entries.get(message.conversationId)
    if (entry !== undefined) {
      const isNew = entry.lastMessage === null || message.seq > entry.lastMessage.seq
      if (isNew) entry.lastMessage = message
      if (message.kind !== 'system' && (entry.lastChat === null || message.seq > entry.lastChat.seq)) entry.lastChat = message
      const fromCustomer = message.from.role === 'customer'
      if (fromCustomer && message.seq > entry.readSeq && message.seq > entry.snapshotSeq) entry.unreadSeqs.add(message.seq)
      this.emitter.emit('conversations', this.snapshotEntries())
      if (fromCustomer && isNew) this.emitter.emit('incoming', message)
      return
    }
    const index = this.waiting.findIndex((c) => c.id === message.conversationId)
    const queued = this.waiting[index]
    if (queued !== undefined && message.seq > queued.lastSeq) {
      this.waiting = this.waiting.slice()
      const updated: Conversation = { ...queued, lastMessage: message, lastSeq: message.seq }
      if (message.kind !== 'system') updated.lastChatMessage = message
      if (message.from.role === 'customer') updated.agentUnread = (queued.agentUnread ?? 0) + 1
      this.waiting[index] = updated
      this.emitter.emit('queue', this.waiting)
    }
  }

  private onOwnMessage(message: ListMessage): void {
    if (message.seq === null) return
    const chat: ChatMessage = {
      id: message.id,
      conversationId: message.conversationId,
      seq: message.seq,
      ts: message.ts,
      from: message.from,
      kind: message.kind,
    }
    if (message.text !== undefined) chat.text = message.text
    if (message.image !== undefined) chat.image = message.image
    this.onMessage(chat)
  }

  private setRead(conversationId: string, seq: number): void {
    const entry = this.entries.get(conversationId)
    if (entry === undefined || seq <= entry.readSeq) return
    entry.readSeq = seq
    entry.unreadSeqs.forEach((s) => {
      if (s <= seq) entry.unreadSeqs.delete(s)
    })
    this.emitter.emit('conversations', this.snapshotEntries())
  }

  private snapshotEntries(): DeskConversation[] {
    const out: DeskConversation[] = []
    this.entries.forEach((entry) => {
      out.push({
        conversation: entry.conversation,
        unread: unreadOf(entry),
        lastMessage: entry.lastMessage,
        lastChatMessage: entry.lastChat,
        lastTs: entry.lastMessage?.ts ?? entry.conversation.createdAt,
        preview: previewText(entry.lastChat ?? entry.lastMessage),
      })
    })
    return out.sort((a, b) => b.lastTs - a.lastTs)
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`AgentDesk: ${what} after dispose()`)
  }
}

function unreadOf(entry: Entry): number {
  let unread = entry.readSeq >= entry.snapshotSeq ? 0 : entry.snapshotUnread
  entry.unreadSeqs.forEach((seq) => {
    if (seq > entry.readSeq) unread++
  })
  return unread
}

/**
 * Unread customer messages in a snapshot: the server's count (`agentUnread`); from a server that
 * sends none, everything after the read mark when the last message is the customer's.
 */
function snapshotUnreadOf(conversation: Conversation): number {
  if (conversation.agentUnread !== undefined) return conversation.agentUnread
  const fromCustomer = conversation.lastMessage?.from.role === 'customer'
  return fromCustomer ? Math.max(0, conversation.lastSeq - conversation.agentReadSeq) : 0
}

function lastChatOf(conversation: Conversation): ChatMessage | null {
  if (conversation.lastChatMessage !== undefined) return conversation.lastChatMessage
  const last = conversation.lastMessage
  return last !== null && last.kind !== 'system' ? last : null
}

function sortQueue(conversations: Conversation[]): Conversation[] {
  return conversations.sort((a, b) => a.createdAt - b.createdAt)
}
