/**
 * The small socket interface the chat logic needs, and the protocol's shapes it works on.
 * Types only: nothing here runs.
 */
import type { ChatRequest, ClientFrame, Outgoing } from '../protocol'
import type { ChatSocketEvents, Frame, RestoredSend, SendOptions, SocketState } from '../types'

export type {
  AgentPresence,
  ChatMessage,
  Conversation,
  ConversationEvent,
  ConversationStatus,
  ImageContent,
  MessageKind,
  Rating,
  Role,
  Sender,
  User,
} from '../protocol'

/**
 * What the chat logic needs from a socket: the subset of `ChatSocket` it uses, so tests
 * can hand in a small fake.
 * - `send` resolves with the server's ack frame (`{type:'ack', id, seq, ts, conversationId}`
 *   for a chat message) and rejects with `SocketError` (CLOSED, QUEUE_FULL, TIMEOUT, SERVER).
 * - `request` resolves with the reply's `data` and rejects the same way.
 * - `nextId`, when present, makes the ids of optimistic sends.
 */
export interface ChatSocketLike {
  readonly state: SocketState
  on<K extends keyof ChatSocketEvents>(type: K, handler: (event: ChatSocketEvents[K]) => void): () => void
  send(msg: Outgoing<ClientFrame>, opts?: SendOptions): Promise<Frame>
  request(msg: Outgoing<ChatRequest>, opts?: SendOptions): Promise<unknown>
  /** A fresh message id as the socket's own sends get (`ChatSocket.nextId`). Optional. */
  nextId?(): string
  /**
   * Sends a killed run of the app left in the socket's `persist` outbox (`ChatSocket.restored`).
   * A conversation client shows its own messages among them as 'sending' and settles them by their `result`.
   */
  readonly restored?: readonly RestoredSend[]
}
