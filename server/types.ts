/** The chat layer's shapes, as they travel on the wire (see docs/protocol.md). */

export type Role = 'customer' | 'agent' | 'system'
export type UserRole = 'customer' | 'agent'

export interface User {
  id: string
  role: UserRole
  name: string
  avatar?: string
}

export interface Sender {
  id: string
  role: Role
  name: string
  avatar?: string
}

export interface ImageRef {
  url: string
  width?: number
  height?: number
}

export type MessageKind = 'text' | 'image' | 'system'

export interface ChatMessage {
  /** Client-chosen (the ChatSocket id); system notices get a server id. */
  id: string
  conversationId: string
  /** 1, 2, 3, ... per conversation, assigned by the server. */
  seq: number
  /** Server time, ms since epoch. */
  ts: number
  from: Sender
  kind: MessageKind
  text?: string
  image?: ImageRef
}

export type ConversationStatus = 'queued' | 'assigned' | 'open' | 'closed'

export interface Conversation {
  id: string
  status: ConversationStatus
  customer: { id: string; name: string; avatar?: string }
  agent: { id: string; name: string } | null
  createdAt: number
  lastSeq: number
  lastMessage: ChatMessage | null
  customerReadSeq: number
  agentReadSeq: number
}

export type ConversationEvent = 'queued' | 'assigned' | 'accepted' | 'transferred' | 'closed'

export interface AgentPresence {
  id: string
  name: string
  online: boolean
}

/** Any frame the server sends. */
export interface OutFrame {
  type: string
  [key: string]: unknown
}
