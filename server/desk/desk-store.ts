/**
 * What the service desk keeps beside the chat (schema 2): canned replies, internal notes,
 * customers' devices, agents' status, and the queries over past conversations
 * (history, full-text search, a customer's profile). Agents only; never sent to customers.
 * Two implementations on the same tables (migration 3 creates them in both dialects): SQLite
 * (`sqlite-desk-store.ts`) and PostgreSQL (`postgres-desk-store.ts`).
 */
import type {
  AgentStatus,
  CannedReply,
  CannedScope,
  CustomerProfile,
  DeviceInfo,
  Note,
  PastConversation,
  Rating,
  SearchHit,
  Transcript,
} from '../../src/protocol'

export type { Rating }

export type { CannedReply, CannedScope, CustomerProfile, DeviceInfo, Note, PastConversation, SearchHit, Transcript }

export const DEVICE_FIELDS = ['platform', 'brand', 'model', 'system', 'version', 'SDKVersion'] as const

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
