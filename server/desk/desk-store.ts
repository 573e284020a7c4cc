/**
 * What the service desk keeps beside the chat (schema 2): canned replies, internal notes,
 * customers' devices, agents' status, and the queries over past conversations
 * (history, full-text search, a customer's profile). Agents only; never sent to customers.
 * Two implementations on the same tables (migration 3 creates them in both dialects): SQLite
 * (`sqlite-desk-store.ts`) and PostgreSQL (`postgres-desk-store.ts`).
 */
import type { AgentStatus, ChatMessage, Conversation, Rating } from '../../src/protocol'

export type { Rating }

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

export const DEVICE_FIELDS = ['platform', 'brand', 'model', 'system', 'version', 'SDKVersion'] as const

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

export interface DeskStore {
  cannedReplies(agentId: string): Promise<CannedReply[]>
  insertCanned(reply: { id: string; ownerId: string | null; title: string; text: string }, now: number): Promise<CannedReply>
  /** Undefined when there is no such reply the agent may change (another agent's personal one). */
  updateCanned(id: string, agentId: string, change: { title: string; text: string }, now: number): Promise<CannedReply | undefined>
  /** False when there is no such reply the agent may delete. */
  deleteCanned(id: string, agentId: string): Promise<boolean>

  notes(conversationId: string): Promise<Note[]>
  insertNote(note: { id: string; conversationId: string; author: { id: string; name: string }; text: string }, now: number): Promise<Note>

  /** Closed conversations, most recently closed first, those closed before `before` (ms). */
  history(before: number, limit: number): Promise<{ items: PastConversation[]; hasMore: boolean }>
  /** Text messages containing every term (case-insensitive), newest first. */
  search(terms: readonly string[], limit: number): Promise<SearchHit[]>
  customer(customerId: string): Promise<CustomerProfile | undefined>
  transcript(conversationId: string, limit: number): Promise<Transcript | undefined>

  setDevice(customerId: string, device: DeviceInfo): Promise<void>
  agentStatus(agentId: string): Promise<AgentStatus>
  setAgentStatus(agentId: string, status: AgentStatus): Promise<void>
  /** The status as routing reads it, from inside the chat's transaction (SQLite: its lock is held already). */
  agentStatusNow(agentId: string): AgentStatus | Promise<AgentStatus>
}
