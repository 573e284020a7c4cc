/**
 * One conversation, live: loads the newest history page, pages older history, syncs after
 * every reconnect, applies pushes, sends optimistically and tracks each own message's
 * status. Knows nothing of pages: views bind to `messages` and the events.
 *
 * Methods never reject: failures set message statuses and are reported as `error` events.
 */
import { ErrorCodes } from '../errors'
import {
  RATING_COMMENT_MAX_LENGTH,
  RATING_MAX_SCORE,
  RATING_MIN_SCORE,
  RECALL_WINDOW_MS,
  ServerErrorCodes,
  TEXT_MAX_LENGTH,
  conversationIdOf,
  textLength,
  type HistoryRequest,
  type MessageFrame,
  type MessagePage,
  type Outgoing,
  type SyncRequest,
} from '../protocol'
import type { Clock, Frame } from '../types'
import { systemClock } from '../clock'
import { createEmitter } from '../emitter'
import { createLocalIdGenerator } from './local-id'
import { MessageList } from './message-list'
import type { ListChange, ListMessage, PendingMessage } from './message-list'
import {
  parseConversation,
  parseConversationEvent,
  parseConversationReply,
  parseMessage,
  parseMessagePage,
  parseRating,
  parseSender,
} from './parse'
import { TypingIndicator, TypingThrottle } from './typing'
import type { ChatMessage, ChatSocketLike, Conversation, ConversationEvent, ImageContent, MessageKind, Sender, User } from './types'

/** The server refuses longer texts (`TOO_LONG`), counted in characters (code points, `textLength`). */
export const MAX_TEXT_LENGTH = TEXT_MAX_LENGTH

/** Sends refused with RATE_LIMITED go again after 1 s, 2 s, 4 s, 8 s, 16 s before they count as failed. */
const RATE_LIMIT_RETRIES = 5
const RATE_LIMIT_DELAY = 1000

export interface ConversationClientOptions {
  /** The shared socket. Required. */
  socket: ChatSocketLike
  /** The conversation, as `session`/`open`/`accept` gave it. Required. */
  conversation: Conversation
  /** The signed-in user (the `session` reply's `user`). Required. */
  user: User
  /** Makes ids for my messages. Default: `socket.nextId()` when the socket has it, else a random prefix and a counter. */
  generateId?: () => string
  /** Default: the global timers and `Date.now`. */
  clock?: Clock
  /** Messages per `history` request. Default 30. */
  historyPageSize?: number
  /** Messages per `sync` request. Default 100. */
  syncPageSize?: number
  /** Least ms between two typing notices I send. Default 3000. */
  typingInterval?: number
  /** ms the other side's typing indicator stays without a new notice. Default 5000. */
  typingTimeout?: number
  /**
   * The owner routes this conversation's pushed frames to `handleFrame()` (AgentDesk and
   * CustomerSession do: one dispatch by conversation id for all their clients). Default
   * false: the client listens to the socket's messages itself.
   */
  routed?: boolean
}

const DEFAULTS = {
  historyPageSize: 30,
  syncPageSize: 100,
  typingInterval: 3000,
  typingTimeout: 5000,
}

export interface ConversationClientState {
  /** The newest history page has arrived. */
  loaded: boolean
  /** A `loadOlder()` is in flight. */
  loadingOlder: boolean
  /** Older history exists on the server. */
  hasMore: boolean
  /** A sync (after a reconnect or a gap) is in flight. */
  syncing: boolean
}

export type ConversationClientEvents = {
  /** The message list changed; see `ListChange`. */
  change: ListChange
  state: ConversationClientState
  /** Who is typing on the other side, or null when nobody is (any more). */
  typing: Sender | null
  /** The conversation changed (status, agent, read seqs). `event` is null for a refreshed snapshot. */
  conversation: { event: ConversationEvent | null; conversation: Conversation }
  /** My read seq (`mine`) or the other side's (`peer`) moved. */
  read: { mine: number; peer: number }
  /** A new message from someone else arrived (push or sync; not history). */
  incoming: ListMessage
  /** One of my messages was acked. */
  sent: ListMessage
  /** A request, send or read receipt failed (usually a `SocketError`). */
  error: Error
}

export class ConversationClient {
  /** The conversation id. */
  readonly id: string
  readonly user: User
  private readonly socket: ChatSocketLike
  private readonly clock: Clock
  /** Waits before retrying rate-limited sends; each ends its wait early on dispose. */
  private readonly pauses = new Set<() => void>()
  private readonly generateId: () => string
  private readonly historyPageSize: number
  private readonly syncPageSize: number
  private readonly emitter = createEmitter<ConversationClientEvents>()
  private readonly list: MessageList
  private readonly throttle: TypingThrottle
  private readonly indicator: TypingIndicator
  private readonly unsubscribes: Array<() => void> = []
  private current: Conversation
  private flags: ConversationClientState = { loaded: false, loadingOlder: false, hasMore: false, syncing: false }
  private myReadSeq: number
  private confirmedReadSeq: number
  private loadRun: Promise<void> | null = null
  private olderRun: Promise<boolean> | null = null
  private syncRun: Promise<void> | null = null
  private syncAgain = false
  private disposed = false

  constructor(options: ConversationClientOptions) {
    const { socket, conversation, user } = options
    if (socket === null || typeof socket !== 'object') throw new TypeError('ConversationClient: options.socket is required')
    if (conversation === null || typeof conversation !== 'object' || typeof conversation.id !== 'string') {
      throw new TypeError('ConversationClient: options.conversation must be a Conversation')
    }
    if (user === null || typeof user !== 'object' || typeof user.id !== 'string') {
      throw new TypeError('ConversationClient: options.user must be the signed-in User')
    }
    const settings = {
      historyPageSize: options.historyPageSize ?? DEFAULTS.historyPageSize,
      syncPageSize: options.syncPageSize ?? DEFAULTS.syncPageSize,
      typingInterval: options.typingInterval ?? DEFAULTS.typingInterval,
      typingTimeout: options.typingTimeout ?? DEFAULTS.typingTimeout,
    }
    for (const name of ['historyPageSize', 'syncPageSize'] as const) {
      if (!Number.isInteger(settings[name]) || settings[name] < 1) {
        throw new RangeError(`ConversationClient: options.${name} must be a positive integer, got ${settings[name]}`)
      }
    }
    for (const name of ['typingInterval', 'typingTimeout'] as const) {
      if (!(settings[name] >= 0))
        throw new RangeError(`ConversationClient: options.${name} must be a number of ms >= 0, got ${settings[name]}`)
    }
    this.id = conversation.id
    this.user = user
    this.socket = socket
    this.current = conversation
    this.clock = options.clock ?? systemClock
    this.generateId = options.generateId ?? socketIds(socket) ?? createLocalIdGenerator(Math.random, () => this.clock.now())
    this.historyPageSize = settings.historyPageSize
    this.syncPageSize = settings.syncPageSize
    this.myReadSeq = this.confirmedReadSeq = readSeqOf(conversation, user.role)
    this.list = new MessageList({ myId: user.id, peerReadSeq: readSeqOf(conversation, peerRole(user.role)) })
    this.throttle = new TypingThrottle(this.clock, settings.typingInterval)
    this.indicator = new TypingIndicator(this.clock, settings.typingTimeout, (who) => this.emitter.emit('typing', who))
    this.unsubscribes.push(
      this.list.on('change', (change) => this.emitter.emit('change', change)),
      socket.on('open', () => this.onOpen()),
    )
    this.adoptRestored()
    if (options.routed !== true) {
      this.unsubscribes.push(
        socket.on('message', (frame) => {
          if (conversationIdOf(frame) === this.id) this.onFrame(frame)
        }),
      )
    }
  }

  /** A pushed frame of this conversation, from the owner that routes them (see `routed`). Frames of other conversations are ignored. */
  handleFrame(frame: Frame): void {
    this.onFrame(frame)
  }

  on<K extends keyof ConversationClientEvents>(type: K, handler: (event: ConversationClientEvents[K]) => void): () => void {
    return this.emitter.on(type, handler)
  }

  /** Handlers registered on this object (a view can check it unsubscribed everything). */
  listenerCount(): number {
    return this.emitter.listenerCount()
  }

  get conversation(): Conversation {
    return this.current
  }

  /** Ascending seq, then my unacked messages in send order. Do not mutate. */
  get messages(): readonly ListMessage[] {
    return this.list.messages
  }

  get state(): ConversationClientState {
    return { ...this.flags }
  }

  /** Who is typing on the other side. */
  get peerTyping(): Sender | null {
    return this.indicator.current
  }

  /** Highest seq I marked read. */
  get readSeq(): number {
    return this.myReadSeq
  }

  /** Highest seq the other side read. */
  get peerReadSeq(): number {
    return this.list.peerReadSeq
  }

  /** Loads the newest history page (once; later calls share or skip it). */
  load(): Promise<void> {
    if (this.disposed || this.flags.loaded) return Promise.resolve()
    this.loadRun ??= Promise.resolve()
      .then(() => this.runLoad())
      .then(() => {
        this.loadRun = null
        this.checkGap()
      })
    return this.loadRun
  }

  /** Loads the page before the oldest message held. Resolves with whether still older ones exist. */
  loadOlder(): Promise<boolean> {
    if (this.disposed) return Promise.resolve(false)
    if (!this.flags.loaded) return this.load().then(() => this.flags.hasMore)
    if (this.olderRun !== null) return this.olderRun
    const beforeSeq = this.list.oldestSeq
    if (!this.flags.hasMore || beforeSeq === null) return Promise.resolve(false)
    this.setFlags({ loadingOlder: true })
    this.olderRun = Promise.resolve()
      .then(() => this.runOlder(beforeSeq))
      .then((hasMore) => {
        this.olderRun = null
        if (!this.disposed) this.setFlags({ loadingOlder: false, hasMore })
        return hasMore
      })
    return this.olderRun
  }

  /** Fetches everything after the highest contiguous seq held, page by page. Called on every reconnect. */
  sync(): Promise<void> {
    if (this.disposed) return Promise.resolve()
    if (!this.flags.loaded) return this.load()
    if (this.syncRun !== null) {
      this.syncAgain = true
      return this.syncRun
    }
    this.setFlags({ syncing: true })
    this.syncRun = Promise.resolve()
      .then(() => this.runSync())
      .then(() => {
        this.syncRun = null
        if (!this.disposed) this.setFlags({ syncing: false })
      })
    return this.syncRun
  }

  /** Shows `text` at once as 'sending'; resolves with the message once it is 'sent' or 'failed'. */
  sendText(text: string): Promise<ListMessage> {
    if (typeof text !== 'string') throw new TypeError('sendText: text must be a string')
    if (text.trim() === '') throw new RangeError('sendText: text is empty')
    if (textLength(text) > MAX_TEXT_LENGTH) throw new RangeError(`sendText: text is longer than ${MAX_TEXT_LENGTH} characters`)
    return this.post('text', { text })
  }

  /** Sends an uploaded image (`url` from the server's upload path). */
  sendImage(image: ImageContent): Promise<ListMessage> {
    if (image === null || typeof image !== 'object' || typeof image.url !== 'string' || image.url === '') {
      throw new TypeError('sendImage: image.url must be a non-empty string')
    }
    const content: ImageContent = { url: image.url }
    if (typeof image.width === 'number') content.width = image.width
    if (typeof image.height === 'number') content.height = image.height
    return this.post('image', { image: content })
  }

  /** Sends failed message `id` again with the same id (the server stores it once). A message not 'failed' is left alone. */
  resend(id: string): Promise<ListMessage> {
    this.assertLive('resend')
    const held = this.list.get(id)
    if (!held?.mine) throw new RangeError(`resend: no message of mine with id ${id}`)
    const retried = this.list.retry(id)
    return retried === undefined ? Promise.resolve(held) : this.transmit(retried)
  }

  /** Tells the server I read everything up to `seq` (default: the newest seq held). */
  markRead(seq?: number): Promise<void> {
    const target = seq ?? this.list.newestSeq ?? 0
    if (this.disposed || target <= this.myReadSeq) return Promise.resolve()
    this.myReadSeq = target
    this.emitRead()
    // Not kept in the outbox: the next run marks read again anyway.
    return this.socket.send({ type: 'read', conversationId: this.id, seq: target }, { persist: false }).then(
      () => {
        this.confirmedReadSeq = Math.max(this.confirmedReadSeq, target)
      },
      (err: unknown) => {
        if (this.disposed) return
        if (this.myReadSeq === target) {
          this.myReadSeq = this.confirmedReadSeq // so the next markRead() tries again
          this.emitRead()
        }
        this.emitError(err)
      },
    )
  }

  /** Call on every keystroke: sends a typing notice at most once per `typingInterval`, and only while online. */
  typing(): void {
    if (this.disposed || this.socket.state !== 'open' || !this.throttle.take()) return
    this.socket.send({ type: 'typing', conversationId: this.id }, { ack: false }).catch(() => undefined)
  }

  /** Whether I may recall message `id` now: mine, stored, not recalled, text or image, at most `RECALL_WINDOW_MS` old. */
  canRecall(id: string, now: number = this.clock.now()): boolean {
    const held = this.list.get(id)
    if (held?.mine !== true || held.seq === null || held.recalled === true || held.kind === 'system') return false
    return now - held.ts <= RECALL_WINDOW_MS
  }

  /**
   * Takes back my message `id` (the `recall` request): on success it shows as recalled here, and
   * the other side gets a push. Resolves false when the server refused or the link failed (an
   * `error` event says why: `serverCode` TOO_LATE past the two minutes).
   */
  async recall(id: string): Promise<boolean> {
    this.assertLive('recall')
    try {
      await this.socket.request({ type: 'recall', conversationId: this.id, messageId: id })
    } catch (err) {
      if (!this.disposed) this.emitError(err)
      return false
    }
    if (!this.disposed) this.list.recall(id)
    return true
  }

  /**
   * Rates the closed conversation (`rate`): score 1–5 and an optional comment, once. Resolves
   * true when stored (the conversation then carries its `rating`), false when refused or failed
   * (an `error` event says why).
   */
  async rate(score: number, comment?: string): Promise<boolean> {
    this.assertLive('rate')
    if (!Number.isInteger(score) || score < RATING_MIN_SCORE || score > RATING_MAX_SCORE) {
      throw new RangeError(`rate: score must be an integer from ${RATING_MIN_SCORE} to ${RATING_MAX_SCORE}, got ${score}`)
    }
    if (comment !== undefined && textLength(comment) > RATING_COMMENT_MAX_LENGTH) {
      throw new RangeError(`rate: comment is longer than ${RATING_COMMENT_MAX_LENGTH} characters`)
    }
    const text = comment?.trim() ?? ''
    let data: unknown
    try {
      data = await this.socket.request({ type: 'rate', conversationId: this.id, score, ...(text !== '' && { comment: text }) })
    } catch (err) {
      if (!this.disposed) this.emitError(err)
      return false
    }
    const conversation = parseConversationReply(data)
    if (conversation !== null && conversation.id === this.id) this.applyConversation(conversation)
    return true
  }

  /** Replaces the conversation snapshot (owners call this after re-fetching `session`). */
  applyConversation(conversation: Conversation, event: ConversationEvent | null = null): void {
    if (conversation.id !== this.id) throw new RangeError(`applyConversation: ${conversation.id} is not conversation ${this.id}`)
    if (this.disposed) return
    this.current = conversation
    this.setPeerRead(readSeqOf(conversation, peerRole(this.user.role)))
    this.setMyRead(readSeqOf(conversation, this.user.role))
    this.emitter.emit('conversation', { event, conversation })
  }

  /** Removes every listener and timer this client added. Idempotent. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe()
    this.indicator.dispose()
    for (const wake of [...this.pauses]) wake()
    this.list.dispose()
    this.emitter.clear()
  }

  private post(kind: MessageKind, content: { text?: string; image?: ImageContent }): Promise<ListMessage> {
    this.assertLive('send')
    const item = this.list.addPending({
      id: this.generateId(),
      conversationId: this.id,
      ts: this.clock.now(),
      from: senderOf(this.user),
      kind,
      ...content,
    })
    this.throttle.reset()
    return this.transmit(item)
  }

  /**
   * My messages of this conversation that a killed run of the app left in the socket's outbox:
   * shown again as 'sending' (at their original time, after what is held), settled by the
   * socket's replay of them (`result`): sent, or failed and resendable like any other.
   */
  private adoptRestored(): void {
    for (const restored of this.socket.restored ?? []) {
      const pending = pendingOf(restored.frame, this.id)
      if (pending === null || this.list.get(pending.id) !== undefined) continue
      const item = this.list.addPending({ ...pending, conversationId: this.id, ts: restored.queuedAt, from: senderOf(this.user) })
      void this.transmit(item, 0, restored.result)
    }
  }

  /** Sends `item` (or, for a restored one, waits for the socket's replay of it: `sending`) and applies the outcome. */
  private async transmit(item: ListMessage, attempt = 0, sending?: Promise<Frame>): Promise<ListMessage> {
    const frame = messageFrame(this.id, item)
    try {
      const ack = await (sending ?? this.socket.send(frame))
      if (this.disposed) return this.list.get(item.id) ?? item
      const { seq, ts } = ack
      if (typeof seq === 'number' && typeof ts === 'number') {
        const wasPending = this.list.get(item.id)?.seq === null
        const acked = this.list.ack(item.id, seq, ts)
        if (acked !== undefined && wasPending) this.emitter.emit('sent', acked)
        this.checkGap()
      } else {
        void this.sync() // an ack without a seq: the sync brings the stored message
      }
    } catch (err) {
      // A burst (say, everything typed offline, replayed at once) can outrun the server's rate
      // limit: that is not the message's fault, so it stays 'sending' and goes again shortly.
      if (!this.disposed && isRateLimited(err) && attempt < RATE_LIMIT_RETRIES) {
        await this.pause(RATE_LIMIT_DELAY * 2 ** attempt)
        if (!this.disposed) return this.transmit(item, attempt + 1)
      } else if (!this.disposed) {
        this.list.fail(item.id)
        this.emitError(err)
      }
    }
    return this.list.get(item.id) ?? item
  }

  /** Resolves after `ms` on the injected clock, or at once on dispose. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        this.pauses.delete(wake)
        this.clock.clearTimeout(handle)
        resolve()
      }
      const handle = this.clock.setTimeout(wake, ms)
      this.pauses.add(wake)
    })
  }

  private async runLoad(): Promise<void> {
    try {
      const page = await this.fetch({ type: 'history', conversationId: this.id, beforeSeq: 0, limit: this.historyPageSize })
      if (this.disposed) return
      this.list.merge(page.messages)
      this.setFlags({ loaded: true, hasMore: page.hasMore })
    } catch (err) {
      if (!this.disposed) this.emitError(err)
    }
  }

  private async runOlder(beforeSeq: number): Promise<boolean> {
    try {
      const page = await this.fetch({ type: 'history', conversationId: this.id, beforeSeq, limit: this.historyPageSize })
      if (this.disposed) return false
      this.list.merge(page.messages)
      return page.hasMore
    } catch (err) {
      if (!this.disposed) this.emitError(err)
      return this.flags.hasMore
    }
  }

  private async runSync(): Promise<void> {
    try {
      do {
        this.syncAgain = false
        for (;;) {
          const afterSeq = this.list.contiguousSeq
          const page = await this.fetch({ type: 'sync', conversationId: this.id, afterSeq, limit: this.syncPageSize })
          if (this.disposed) return
          this.receive(page.messages)
          for (const id of page.recalled) this.list.recall(id)
          // Stop when the server has no more, or when a page closed no gap (nothing to gain by asking again).
          if (!page.hasMore || this.list.contiguousSeq <= afterSeq) break
        }
      } while (this.syncAgain && !this.disposed)
    } catch (err) {
      if (!this.disposed) this.emitError(err)
    }
  }

  private async fetch(request: Outgoing<SyncRequest | HistoryRequest>): Promise<MessagePage & { recalled: string[] }> {
    const data = await this.socket.request(request)
    const page = parseMessagePage(data)
    return { messages: page.messages.filter((m) => m.conversationId === this.id), hasMore: page.hasMore, recalled: page.recalled }
  }

  /** Merges pushed or synced messages and announces the new ones from others. */
  private receive(messages: readonly ChatMessage[]): void {
    for (const item of this.list.merge(messages)) {
      if (!item.mine) this.emitter.emit('incoming', item)
    }
  }

  /** A message whose predecessor is missing means something was missed: sync. */
  private checkGap(): void {
    if (this.disposed || !this.flags.loaded || this.loadRun !== null) return
    const newest = this.list.newestSeq
    if (newest !== null && newest > this.list.contiguousSeq) void this.sync()
  }

  private onOpen(): void {
    if (this.disposed) return
    if (this.flags.loaded) void this.sync()
    else void this.load()
  }

  private onFrame(frame: Frame): void {
    if (this.disposed) return
    switch (frame.type) {
      case 'message': {
        const message = parseMessage(frame.message)
        if (message?.conversationId !== this.id) return
        this.receive([message])
        this.indicator.clear(message.from.id)
        this.checkGap()
        return
      }
      case 'typing': {
        if (frame.conversationId !== this.id) return
        const from = parseSender(frame.from)
        if (from !== null && from.id !== this.user.id) this.indicator.show(from)
        return
      }
      case 'read': {
        const by = parseSender(frame.by)
        if (frame.conversationId !== this.id || by === null || typeof frame.seq !== 'number') return
        if (by.id === this.user.id) this.setMyRead(frame.seq)
        else if (by.role === peerRole(this.user.role)) this.setPeerRead(frame.seq)
        return
      }
      case 'conversation': {
        const conversation = parseConversation(frame.conversation)
        if (conversation !== null && conversation.id === this.id) {
          this.applyConversation(conversation, parseConversationEvent(frame.event))
        }
        return
      }
      case 'recall': {
        if (frame.conversationId === this.id && typeof frame.messageId === 'string') this.list.recall(frame.messageId)
        return
      }
      case 'rating': {
        const rating = parseRating(frame.rating)
        if (frame.conversationId === this.id && rating !== null) this.applyConversation({ ...this.current, rating })
        return
      }
    }
  }

  private setMyRead(seq: number): void {
    if (seq <= this.myReadSeq) return
    this.myReadSeq = this.confirmedReadSeq = seq
    this.emitRead()
  }

  private setPeerRead(seq: number): void {
    if (seq <= this.list.peerReadSeq) return
    this.list.setPeerReadSeq(seq)
    this.emitRead()
  }

  private emitRead(): void {
    this.emitter.emit('read', { mine: this.myReadSeq, peer: this.list.peerReadSeq })
  }

  private setFlags(patch: Partial<ConversationClientState>): void {
    const next = { ...this.flags, ...patch }
    const changed = (Object.keys(next) as Array<keyof ConversationClientState>).some((k) => next[k] !== this.flags[k])
    this.flags = next
    if (changed) this.emitter.emit('state', { ...next })
  }

  private emitError(err: unknown): void {
    this.emitter.emit('error', err instanceof Error ? err : new Error(String(err)))
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`ConversationClient: ${what} after dispose()`)
  }
}

/** The other side's role: a customer talks to agents and the reverse. */
export function peerRole(role: User['role']): User['role'] {
  return role === 'customer' ? 'agent' : 'customer'
}

function isRateLimited(err: unknown): boolean {
  // Compared by code, not instanceof: the chat and socket bundles are separate files.
  const e = err as { code?: unknown; serverCode?: unknown } | null
  return typeof e === 'object' && e !== null && e.code === ErrorCodes.SERVER && e.serverCode === ServerErrorCodes.RATE_LIMITED
}

function messageFrame(conversationId: string, item: ListMessage): MessageFrame {
  const base = { type: 'message' as const, id: item.id, conversationId }
  if (item.kind === 'image' && item.image !== undefined) return { ...base, kind: 'image', image: { ...item.image } }
  return { ...base, kind: 'text', text: item.text ?? '' }
}

/** The content of a restored message frame of conversation `id`, or null for anything else. */
function pendingOf(frame: Frame, id: string): Pick<PendingMessage, 'id' | 'kind' | 'text' | 'image'> | null {
  if (frame.type !== 'message' || frame.conversationId !== id || typeof frame.id !== 'string') return null
  if (frame.kind === 'text' && typeof frame.text === 'string') return { id: frame.id, kind: 'text', text: frame.text }
  const image = frame.image as Partial<ImageContent> | undefined
  if (frame.kind === 'image' && typeof image === 'object' && image !== null && typeof image.url === 'string') {
    const content: ImageContent = { url: image.url }
    if (typeof image.width === 'number') content.width = image.width
    if (typeof image.height === 'number') content.height = image.height
    return { id: frame.id, kind: 'image', image: content }
  }
  return null
}

function readSeqOf(conversation: Conversation, role: User['role']): number {
  return role === 'customer' ? conversation.customerReadSeq : conversation.agentReadSeq
}

function senderOf(user: User): Sender {
  const sender: Sender = { id: user.id, role: user.role, name: user.name }
  if (user.avatar !== undefined) sender.avatar = user.avatar
  return sender
}

function socketIds(socket: ChatSocketLike): (() => string) | null {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- read once, and called with the socket as `this`
  const nextId = socket.nextId
  return typeof nextId === 'function' ? () => nextId.call(socket) : null
}
