/**
 * The chat layer's frames (docs/protocol.md §2), both directions. The reference server
 * validates client frames into `ClientFrame` (server/frames.ts); the chat layer (src/chat)
 * builds them with these types and reads the server's frames defensively (src/chat/parse.ts),
 * since a server is another program.
 */
import type { AckFrame, ErrorBody, ReplyFrame } from './link'
import type { AgentPresence, ChatMessage, Conversation, ConversationEvent, ImageContent, Rating, Sender, User } from './shapes'

// ── client → server ─────────────────────────────────────────────────────────

export type TextMessageFrame = { type: 'message'; id: string; conversationId?: string; kind: 'text'; text: string }
export type ImageMessageFrame = { type: 'message'; id: string; conversationId?: string; kind: 'image'; image: ImageContent }
/** A chat message; answered with a `MessageAckFrame`. A customer may omit `conversationId`. */
export type MessageFrame = TextMessageFrame | ImageMessageFrame

/**
 * An agent's `session` reply is paged (`limit` conversations over `conversations` and `queue`,
 * default 50, at most 100); a reply with `hasMore` carries the `cursor` that asks for the next page.
 */
export type SessionRequest = { type: 'session'; id: string; limit?: number; cursor?: string }
export type OpenRequest = { type: 'open'; id: string }
export type SyncRequest = { type: 'sync'; id: string; conversationId: string; afterSeq: number; limit?: number }
export type HistoryRequest = { type: 'history'; id: string; conversationId: string; beforeSeq: number; limit?: number }
export type AcceptRequest = { type: 'accept'; id: string; conversationId: string }
export type TransferRequest = { type: 'transfer'; id: string; conversationId: string; toAgentId: string }
export type CloseRequest = { type: 'close'; id: string; conversationId: string }
/** Raises the sender's read mark; answered with a `ReadAckFrame`. */
export type ReadFrame = { type: 'read'; id: string; conversationId: string; seq: number }
/** Neither stored nor acked (send it with `{ ack: false }`). */
export type TypingFrame = { type: 'typing'; conversationId: string }

// ── limits (docs/protocol.md §2 "Limits") ──────────────────────────────────

/**
 * The reference server's default frame limit per connection (`RATE_LIMIT_RATE`,
 * `RATE_LIMIT_BURST`): a token bucket of `burst` frames refilled at `rate` per second; pings
 * are not counted. A frame over it is refused with `RATE_LIMITED`.
 */
export const FRAME_RATE_LIMIT: Readonly<{ rate: number; burst: number }> = { rate: 20, burst: 40 }

/**
 * ChatSocket's `queue.rate`/`queue.burst` for a server with this frame limit: 90 % of its
 * rate and half its burst. The client's writes then conform to a bucket smaller than the
 * server's, so frames bunched on the way (a stall of up to (burst − burst/2) ÷ rate, about a
 * second at the defaults) still fit, and a replay of a long offline queue is never refused.
 */
export function paceFor(limit: { rate: number; burst: number }): { rate: number; burst: number } {
  return { rate: limit.rate * 0.9, burst: Math.max(1, Math.floor(limit.burst / 2)) }
}

// ── recall and rating (docs/protocol.md §2 "Recall and rating") ─────────────

/** How long after it was stored (its `ts`) a message may be recalled by its sender. */
export const RECALL_WINDOW_MS = 2 * 60_000
/** Ratings: scores 1 to 5, a comment of at most this many characters (code points). */
export const RATING_MIN_SCORE = 1
export const RATING_MAX_SCORE = 5
export const RATING_COMMENT_MAX_LENGTH = 200

/**
 * Takes back one of my own text or image messages within `RECALL_WINDOW_MS` of its `ts`. The
 * stored message keeps its seq and loses its content (`recalled: true`); both sides get a
 * `RecallPush`. Recalling a recalled message again succeeds (idempotent). Answered with a
 * `reply` whose data is a `RecallResult`.
 */
export type RecallRequest = { type: 'recall'; id: string; conversationId: string; messageId: string }
/** The customer rates a closed conversation, once. Answered with a `reply` of `{ conversation }` (with its `rating`). */
export type RateRequest = { type: 'rate'; id: string; conversationId: string; score: number; comment?: string }

export interface RecallResult {
  conversationId: string
  messageId: string
  seq: number
}

/** Frames answered with a `reply`. */
export type ChatRequest =
  SessionRequest | OpenRequest | SyncRequest | HistoryRequest | AcceptRequest | TransferRequest | CloseRequest | RecallRequest | RateRequest

/** Every frame a client may send (the ChatSocket layer's `ping` included). */
export type ClientFrame = { type: 'ping' } | ChatRequest | ReadFrame | TypingFrame | MessageFrame

export type ClientFrameType = ClientFrame['type']

/** A client frame as `ChatSocket.send`/`request` take it: the socket adds the `id`. */
export type Outgoing<F extends { type: string }> = F extends { id: string } ? Omit<F, 'id'> & { id?: string } : F

// ── server → client: answers ────────────────────────────────────────────────

/** What a message is acked with: where it was stored. */
export interface MessageAck {
  conversationId: string
  seq: number
  ts: number
  /** Present when the id was already stored: this is the original seq and ts. */
  duplicate?: true
}

export type MessageAckFrame = AckFrame & MessageAck
/** A `read` is acked with the resulting mark. */
export type ReadAckFrame = AckFrame & { conversationId: string; seq: number }

export interface SessionData {
  user: User
  /** The customer's non-closed conversation (0 or 1), or the agent's assigned/open ones. */
  conversations: Conversation[]
  /** Agents only: the queued conversations. */
  queue?: Conversation[]
  /** Agents only: the online agents. */
  agents?: AgentPresence[]
  /** More conversations than this page holds: ask `session` again with `cursor` for the next page. */
  hasMore?: boolean
  /** With `hasMore`: opaque, for the next page's `session` request. */
  cursor?: string
}

export interface ConversationData {
  conversation: Conversation
}

export interface MessagePage {
  messages: ChatMessage[]
  hasMore: boolean
  /**
   * `sync` only: ids of messages at or below `afterSeq` that were recalled (newest first, at most
   * `RECALLED_IN_SYNC_MAX`), so a client that was away when a `recall` push went out takes them back too.
   */
  recalled?: string[]
}

/** At most this many recalled ids in a `sync` reply (recalls are of recent messages: two minutes). */
export const RECALLED_IN_SYNC_MAX = 100

/** The `data` of each request's reply. */
export interface ReplyData {
  session: SessionData
  open: ConversationData
  sync: MessagePage
  history: MessagePage
  accept: ConversationData
  transfer: ConversationData
  close: ConversationData
  recall: RecallResult
  rate: ConversationData
}

export type ChatReplyFrame = ReplyFrame<ReplyData[keyof ReplyData]>

// ── server → client: pushes (no id) ─────────────────────────────────────────

export type MessagePush = { type: 'message'; message: ChatMessage }
export type TypingPush = { type: 'typing'; conversationId: string; from: Sender }
export type ReadPush = { type: 'read'; conversationId: string; seq: number; by: Sender }
export type ConversationPush = {
  type: 'conversation'
  event: ConversationEvent
  conversation: Conversation
  /** `transferred`: the previous agent. */
  from?: { id: string; name: string }
  /** `closed`: who closed it. */
  by?: Sender
}
export type PresencePush = { type: 'presence'; agent: AgentPresence }
/** A message was recalled by `by` (its sender): show it as recalled, its content gone. */
export type RecallPush = { type: 'recall'; conversationId: string; messageId: string; seq: number; by: Sender }
/** The customer rated the conversation: to its agent (and the customer's other connections). */
export type RatingPush = { type: 'rating'; conversationId: string; rating: Rating }
export type ErrorPush = { type: 'error'; error: ErrorBody }

/** Every frame the server pushes unasked. */
export type ServerPush = MessagePush | TypingPush | ReadPush | ConversationPush | PresencePush | RecallPush | RatingPush | ErrorPush

/** Every frame the server sends. */
export type ServerFrame = ServerPush | MessageAckFrame | ReadAckFrame | ChatReplyFrame | { type: 'pong' }

/**
 * The conversation a pushed frame belongs to, or null (presence, errors): the one place a
 * client routes frames to conversations by id.
 */
export function conversationIdOf(frame: { type: string; [key: string]: unknown }): string | null {
  if (typeof frame.conversationId === 'string') return frame.conversationId
  const holder = frame.type === 'message' ? frame.message : frame.type === 'conversation' ? frame.conversation : undefined
  if (typeof holder !== 'object' || holder === null) return null
  const id = frame.type === 'message' ? (holder as { conversationId?: unknown }).conversationId : (holder as { id?: unknown }).id
  return typeof id === 'string' ? id : null
}
