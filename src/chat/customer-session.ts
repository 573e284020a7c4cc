/**
 * The customer's side: who I am (`session`), my conversation and its status (for the entry
 * page), and the live `ConversationClient` for the chat page. One per app, on the shared
 * socket; pages subscribe on load and unsubscribe on unload.
 */
import type { Clock } from '../types'
import { ConversationClient } from './conversation-client'
import type { ConversationClientOptions } from './conversation-client'
import { createEmitter } from '../emitter'
import { conversationIdOf } from '../protocol'
import type { Frame } from '../types'
import {
  isObject,
  parseConversation,
  parseConversationEvent,
  parseConversationReply,
  parseConversations,
  parseMessage,
  parseUser,
} from './parse'
import { SessionFetch, requireSocket } from './session-fetch'
import type { ChatMessage, ChatSocketLike, Conversation, ConversationEvent, ConversationStatus, User } from './types'

/** Tuning passed through to each `ConversationClient`. */
export type ClientSettings = Pick<ConversationClientOptions, 'historyPageSize' | 'syncPageSize' | 'typingInterval' | 'typingTimeout'>

export interface CustomerSessionOptions {
  /** The app's shared socket. Required. */
  socket: ChatSocketLike
  /** Makes ids for my messages. Default: `socket.nextId()` when present, else a random prefix and a counter. */
  generateId?: () => string
  /** Default: the global timers and `Date.now`. */
  clock?: Clock
  client?: ClientSettings
  /**
   * What a previous run knew (who I am, my conversation), e.g. kept in storage by the app:
   * the conversation's client is there at once, before the `session` reply, so the chat
   * (and messages restored from the socket's outbox) shows offline at launch. Read
   * defensively; the `session` reply replaces it.
   */
  cached?: unknown
}

/** What `cached` holds: `{ user, conversation }`, as `snapshot` gives it. */
export interface CachedSession {
  user: User
  conversation: Conversation | null
}

/** `'none'` until the customer has a conversation. */
export type CustomerStatus = ConversationStatus | 'none'

export type CustomerSessionEvents = {
  /** The `session` reply arrived (on `start()` and after every reconnect). */
  ready: User
  /** My conversation changed (created, routed, accepted, closed, ...). `event` is null for a re-fetched snapshot. */
  conversation: { event: ConversationEvent | null; conversation: Conversation | null }
  /** The conversation client was replaced (a new conversation after the old one closed). */
  client: ConversationClient | null
  /** A background re-fetch failed. */
  error: Error
}

export class CustomerSession {
  private readonly socket: ChatSocketLike
  private readonly options: CustomerSessionOptions
  private readonly emitter = createEmitter<CustomerSessionEvents>()
  private readonly unsubscribes: Array<() => void>
  private me: User | null = null
  private current: Conversation | null = null
  private chat: ConversationClient | null = null
  private readonly session: SessionFetch
  private openRun: Promise<ConversationClient> | null = null
  private disposed = false

  constructor(options: CustomerSessionOptions) {
    requireSocket('CustomerSession', options)
    this.socket = options.socket
    this.options = options
    this.session = new SessionFetch({
      socket: this.socket,
      role: 'customer',
      apply: (user, data) => {
        this.me = user
        const conversation = parseConversations(data.conversations)[0] ?? null
        this.emitter.emit('ready', user)
        this.adopt(conversation, null, false)
      },
      onError: (err) => this.emitError(err),
    })
    this.unsubscribes = [this.socket.on('message', (frame) => this.onFrame(frame))]
    const cached = parseCached(options.cached)
    if (cached !== null) {
      this.me = cached.user
      this.adopt(cached.conversation, null, false)
    }
  }

  /** Who I am and my conversation, for `cached` at the next start (null before the first `session` reply or cache). */
  get snapshot(): CachedSession | null {
    return this.me === null ? null : { user: this.me, conversation: this.current }
  }

  on<K extends keyof CustomerSessionEvents>(type: K, handler: (event: CustomerSessionEvents[K]) => void): () => void {
    return this.emitter.on(type, handler)
  }

  /** Handlers registered on this object (a view can check it unsubscribed everything). */
  listenerCount(): number {
    return this.emitter.listenerCount()
  }

  /** The signed-in customer, once `start()` resolved. */
  get user(): User | null {
    return this.me
  }

  /** My current (or last, if closed) conversation. */
  get conversation(): Conversation | null {
    return this.current
  }

  get status(): CustomerStatus {
    return this.current?.status ?? 'none'
  }

  /** The live client of my conversation, once there is one. */
  get client(): ConversationClient | null {
    return this.chat
  }

  /** Asks `session`: who I am and my open conversation, whose client starts loading at once. Re-run after every reconnect. */
  start(): Promise<User> {
    this.assertLive('start')
    return this.session.start()
  }

  /** Gets my open conversation, or creates (and routes) one: for the 联系客服 button. Rejects with the request's `SocketError`. */
  open(): Promise<ConversationClient> {
    this.assertLive('open')
    if (this.chat !== null && this.current !== null && this.current.status !== 'closed') return Promise.resolve(this.chat)
    if (this.openRun === null) {
      const run = Promise.resolve().then(async () => {
        try {
          if (this.me === null) await this.start()
          const conversation = parseConversationReply(await this.socket.request({ type: 'open' }))
          if (conversation === null) throw new Error('open: the reply carries no conversation')
          const client = this.adopt(conversation, null, false)
          if (client === null) throw new Error('open: the session was disposed')
          return client
        } finally {
          this.openRun = null
        }
      })
      this.openRun = run
    }
    return this.openRun
  }

  /** Ends my conversation. Rejects with the request's `SocketError`. */
  async close(): Promise<Conversation> {
    this.assertLive('close')
    const current = this.current
    if (current === null) throw new RangeError('close: there is no conversation to close')
    const conversation = parseConversationReply(await this.socket.request({ type: 'close', conversationId: current.id }))
    if (conversation === null) throw new Error('close: the reply carries no conversation')
    this.adopt(conversation, null, false)
    return conversation
  }

  /** Removes every listener this session added and disposes its client. Idempotent. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.session.dispose()
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe()
    this.chat?.dispose()
    this.chat = null
    this.emitter.clear()
  }

  /** The one dispatch of pushed frames: my conversation's state first, then its client. */
  private onFrame(frame: Frame): void {
    if (this.disposed) return
    // Taken before the session's own handling, which may replace it: a new client was created from this very push.
    const client = this.chat
    if (frame.type === 'conversation') this.onConversationPush(frame.conversation, frame.event)
    if (client !== null && client === this.chat && conversationIdOf(frame) === client.id) client.handleFrame(frame)
    if (frame.type === 'message') this.noteLatest(parseMessage(frame.message))
  }

  /**
   * A message of my conversation newer than its `lastMessage` (a push, or my own message
   * acked): it becomes the `lastMessage` the entry page previews.
   */
  private noteLatest(message: ChatMessage | null): void {
    const current = this.current
    if (this.disposed || message === null || current?.id !== message.conversationId) return
    if (current.lastMessage !== null && current.lastMessage.seq >= message.seq) return
    this.current = { ...current, lastMessage: message, lastSeq: Math.max(current.lastSeq, message.seq) }
    this.emitter.emit('conversation', { event: null, conversation: this.current })
  }

  private onConversationPush(value: unknown, event: unknown): void {
    const conversation = parseConversation(value)
    if (this.disposed || this.me === null || conversation?.customer.id !== this.me.id) return
    const current = this.current
    if (current === null || current.id === conversation.id || current.status === 'closed') {
      this.adopt(conversation, parseConversationEvent(event), true)
    }
  }

  /**
   * Makes `conversation` the current one, creating its client when it is new. `fromPush`:
   * the client saw the same push and updates itself.
   */
  private adopt(conversation: Conversation | null, event: ConversationEvent | null, fromPush: boolean): ConversationClient | null {
    if (this.disposed || this.me === null) return null
    if (conversation === null) {
      // No conversation that is not closed: mine was closed while we were away.
      if (this.current === null || this.current.status === 'closed') return this.chat
      conversation = { ...this.current, status: 'closed' }
    }
    this.current = conversation
    if (this.chat !== null && this.chat.id === conversation.id) {
      if (!fromPush) this.chat.applyConversation(conversation, event)
    } else {
      this.chat?.dispose()
      this.chat = new ConversationClient({
        ...this.options.client,
        routed: true,
        socket: this.socket,
        conversation,
        user: this.me,
        generateId: this.options.generateId,
        clock: this.options.clock,
      })
      const chat = this.chat
      // My own messages are not pushed back to me: an ack makes one the latest.
      chat.on('sent', (message) => {
        if (this.chat !== chat || message.seq === null) return
        const { id, conversationId, ts, from, kind, text, image } = message
        this.noteLatest({
          id,
          conversationId,
          seq: message.seq,
          ts,
          from,
          kind,
          ...(text !== undefined && { text }),
          ...(image && { image }),
        })
      })
      void chat.load()
      this.emitter.emit('client', chat)
    }
    this.emitter.emit('conversation', { event, conversation })
    return this.chat
  }

  private emitError(err: unknown): void {
    if (!this.disposed) this.emitter.emit('error', err instanceof Error ? err : new Error(String(err)))
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`CustomerSession: ${what} after dispose()`)
  }
}

function parseCached(value: unknown): CachedSession | null {
  if (!isObject(value)) return null
  const user = parseUser(value.user)
  if (user?.role !== 'customer') return null
  const conversation = value.conversation === null ? null : parseConversation(value.conversation)
  if (conversation !== null && conversation.customer.id !== user.id) return null
  return { user, conversation }
}
