/**
 * Chat-layer shapes (docs/protocol.md §2) and the small socket interface the chat logic
 * needs. Types only: nothing here runs.
 */
import type { ChatSocketEvents, Frame, SendOptions, SocketState } from '../types'

export type Role = 'customer' | 'agent' | 'system'

/** The signed-in user, as the `session` reply gives it. */
export interface User {
  id: string
  role: 'customer' | 'agent'
  name: string
  avatar?: string
}

/** Who wrote a message, read it or is typing. */
export interface Sender {
  id: string
  role: Role
  name: string
  avatar?: string
}

export type MessageKind = 'text' | 'image' | 'system'

export interface ImageContent {
  url: string
  width?: number
  height?: number
}

/** A stored message as the server sends it. */
export interface ChatMessage {
  /** Client-chosen (the send's id); system notices get a server id. */
  id: string
  conversationId: string
  /** 1, 2, 3, ... per conversation, assigned by the server. */
  seq: number
  /** Server time, ms since epoch. */
  ts: number
  from: Sender
  kind: MessageKind
  text?: string
  image?: ImageContent
}

export type ConversationStatus = 'queued' | 'assigned' | 'open' | 'closed'

export type ConversationEvent = 'queued' | 'assigned' | 'accepted' | 'transferred' | 'closed'

export interface Conversation {
  id: string
  status: ConversationStatus
  customer: { id: string; name: string; avatar?: string }
  agent: { id: string; name: string } | null
  createdAt: number
  lastSeq: number
  lastMessage: ChatMessage | null
  /** Highest seq the customer has read. */
  customerReadSeq: number
  /** Highest seq the agent has read. */
  agentReadSeq: number
}

/** An agent as `presence` pushes and the agent's `session` reply give it. */
export interface AgentPresence {
  id: string
  name: string
  online: boolean
}

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
  send(msg: Frame, opts?: SendOptions): Promise<Frame>
  request(msg: Frame, opts?: SendOptions): Promise<unknown>
  /** A fresh message id as the socket's own sends get (`ChatSocket.nextId`). Optional. */
  nextId?(): string
}
