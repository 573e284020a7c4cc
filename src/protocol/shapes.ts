/**
 * The chat protocol's shapes, as they travel on the wire (docs/protocol.md §2). One
 * definition for the chat layer (src/chat), the reference server, the console and the pages.
 * Types only: nothing here runs.
 */

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
  /** Its sender took it back (`recall`): `text` and `image` are gone, the seq stays. */
  recalled?: true
  /** System notices (kind `system`): what happened, so each side can word it (the text is the customer's wording). */
  notice?: Notice
}

export type NoticeCode = 'queued' | 'assigned' | 'transferred' | 'closed'

/** A system notice's facts: `agent` who serves now (assigned, transferred), `from` the previous agent, `by` who closed. */
export interface Notice {
  code: NoticeCode
  agent?: { id: string; name: string }
  from?: { id: string; name: string }
  by?: { id: string; role: Role; name: string }
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
  /** Customer messages after `agentReadSeq`, whatever notices follow them (servers since protocol 2.1). */
  agentUnread?: number
  /** The newest message that is not a system notice (what a list's preview shows), or null (servers since protocol 2.1). */
  lastChatMessage?: ChatMessage | null
  /** The customer's satisfaction rating, once given (after the conversation closed); absent before. */
  rating?: Rating
}

/** A customer's satisfaction rating of a closed conversation (`rate`). Given once. */
export interface Rating {
  /** 1 (very unsatisfied) … 5 (very satisfied). */
  score: number
  /** Optional, at most `RATING_COMMENT_MAX_LENGTH` characters. */
  comment?: string
  /** Server time it was given. */
  ts: number
}

/** An agent's availability: routing gives new conversations only to `online` agents under their cap. */
export type AgentStatus = 'online' | 'busy' | 'away'

/** An agent as `presence` pushes and the agent's `session` reply give it. */
export interface AgentPresence {
  id: string
  name: string
  online: boolean
  /** Present when the server knows it; absent means online. */
  status?: AgentStatus
}
