/**
 * The service desk's shapes (docs/protocol.md §4): what the server's desk routes answer and the
 * console reads. Agents only; never sent to customers.
 */
import type { ChatMessage, Conversation, Rating } from './shapes'

export type CannedScope = 'team' | 'personal'

export interface CannedReply {
  id: string
  /** `team`: everyone's list; `personal`: only its owner sees it. */
  scope: CannedScope
  title: string
  text: string
  updatedAt: number
}

export interface Note {
  id: string
  conversationId: string
  author: { id: string; name: string }
  text: string
  createdAt: number
}

/** What the mini-program reported of its device (wx.getSystemInfo / getDeviceInfo fields), each a short string. */
export interface DeviceInfo {
  platform?: string
  brand?: string
  model?: string
  system?: string
  version?: string
  SDKVersion?: string
}

/** A conversation in the history and in a customer's past: as on the wire, with when it ended and its rating. */
export interface PastConversation {
  conversation: Conversation
  /** Its last change (for a closed one: when it was closed). */
  updatedAt: number
  messageCount: number
  /** The customer's rating (also `conversation.rating`), or null. */
  rating: Rating | null
}

export interface SearchHit {
  conversation: Conversation
  message: ChatMessage
}

export interface CustomerProfile {
  customer: { id: string; name: string; avatar?: string }
  /** When the customer first logged in. */
  firstSeen: number
  device: DeviceInfo | null
  /** All of the customer's conversations, newest first (the open one included). */
  conversations: PastConversation[]
}

export interface Transcript {
  conversation: Conversation
  messages: ChatMessage[]
  notes: Note[]
  rating: Rating | null
}
