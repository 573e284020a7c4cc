/**
 * The one storage interface of the server. Two implementations: SQLite (`sqlite.ts`, the
 * embedded default) and PostgreSQL (`postgres.ts`, chosen by DATABASE_URL). Every method is
 * async; a write is durable when its promise resolves (commit-before-ack: the socket layer
 * acks or pushes only after that).
 *
 * Concurrency rules every implementation keeps, on one process or many:
 * - `transaction(fn)` runs `fn` in one transaction: all of its writes commit together or none do.
 *   It may run `fn` more than once (a serialization failure or a lost race on a unique index in
 *   PostgreSQL is retried), so `fn` must build its result from scratch on each run.
 * - `lockConversation` / `lockCustomer` inside a transaction hold that row until the commit, so two
 *   writers on the same conversation (or customer) run one after the other: seqs stay gapless and
 *   unique, a duplicate message id is seen by the second writer, one agent wins an accept.
 */
import type { AgentStatus, Notice } from '../../src/protocol'
import type { ChatMessage, Conversation, ConversationStatus, ImageRef, MessageKind, Rating, Sender, User, UserRole } from '../types'

export interface ConversationRow {
  id: string
  customer_id: string
  agent_id: string | null
  status: ConversationStatus
  created_at: number
  updated_at: number
  last_seq: number
  customer_read_seq: number
  agent_read_seq: number
}

export interface AgentRecord extends User {
  role: 'agent'
  username: string
  passwordHash: string
}

export interface NewMessage {
  conversationId: string
  id: string
  ts: number
  from: Sender
  kind: MessageKind
  text?: string
  image?: ImageRef
  /** System notices: what happened (stored as JSON in messages.notice). */
  notice?: Notice
}

export interface MessagePage {
  messages: ChatMessage[]
  hasMore: boolean
}

/** What can be asked and written, inside a transaction or (one statement each) outside one. */
export interface StoreQueries {
  // ---- users ----
  user(id: string): Promise<User | undefined>
  agentByUsername(username: string): Promise<AgentRecord | undefined>
  agentCount(): Promise<number>
  insertAgent(agent: { id: string; name: string; username: string; passwordHash: string }, now: number): Promise<User>
  /** True when the agent exists. */
  setAgentPassword(username: string, passwordHash: string): Promise<boolean>
  /** The customer with this id, created on first login. */
  ensureCustomer(customer: { id: string; name: string; loginKey: string }, now: number): Promise<User>

  // ---- conversations ----
  conversationRow(id: string): Promise<ConversationRow | undefined>
  /** The conversation row, held until the transaction ends (PostgreSQL: SELECT … FOR UPDATE). Inside transaction() only. */
  lockConversation(id: string): Promise<ConversationRow | undefined>
  /** Holds the customer's row until the transaction ends, so that one customer's writes run one at a time. Inside transaction() only. */
  lockCustomer(id: string): Promise<void>
  /** The conversation as it goes on the wire. */
  conversation(id: string): Promise<Conversation | undefined>
  activeConversationOf(customerId: string): Promise<ConversationRow | undefined>
  /** Queued conversations, oldest first. */
  queuedConversations(): Promise<ConversationRow[]>
  /** The agent's `assigned` and `open` conversations, oldest first. */
  conversationsOfAgent(agentId: string): Promise<ConversationRow[]>
  /** Ids of the agents who have at least one `assigned` conversation. */
  agentsWithAssigned(): Promise<string[]>
  /** How many `assigned` + `open` conversations the agent has. */
  agentLoad(agentId: string): Promise<number>
  /**
   * The agent's desk status (busy/away take no new conversations; 'online' when never set). Read
   * by routing inside its transaction: on PostgreSQL a read on the pool there would need a second
   * connection while holding one, and concurrent routings exhausted the pool (bench:cluster).
   */
  agentStatus(agentId: string): Promise<AgentStatus>
  insertConversation(c: { id: string; customerId: string; agentId: string | null; status: ConversationStatus }, now: number): Promise<void>
  updateConversation(id: string, status: ConversationStatus, agentId: string | null, now: number): Promise<void>
  /** Raises the reader's read mark to `seq` (never lowers it, never past the last message); returns the new mark. */
  markRead(id: string, role: UserRole, seq: number): Promise<number>

  // ---- messages ----
  messageById(conversationId: string, id: string): Promise<ChatMessage | undefined>
  /** A message with this id in any of the customer's conversations, newest conversation first. */
  customerMessageById(customerId: string, id: string): Promise<ChatMessage | undefined>
  /** Gives the message the conversation's next seq and stores it. Inside transaction() only. */
  appendMessage(m: NewMessage): Promise<ChatMessage>
  /** Messages with seq > afterSeq, ascending; `hasMore` when there are more after the page. */
  messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessagePage>
  /** The newest messages with seq < beforeSeq, ascending; `hasMore` when older ones remain. */
  messagesBefore(conversationId: string, beforeSeq: number, limit: number): Promise<MessagePage>
  messageCount(conversationId: string): Promise<number>
  /** Marks the message recalled at `now` and clears its text and image (kept once recalled: the first `now` stays). Returns it as it is now. */
  recallMessage(conversationId: string, id: string, now: number): Promise<ChatMessage | undefined>
  /** Ids of recalled messages with seq <= `atOrBelowSeq`, newest first, at most `limit`. */
  recalledIds(conversationId: string, atOrBelowSeq: number, limit: number): Promise<string[]>
  /** Stores the rating unless the conversation has one; false when it had. */
  rateConversation(id: string, rating: Rating): Promise<boolean>
}

export type StoreKind = 'sqlite' | 'postgres'

export interface Store extends StoreQueries {
  readonly kind: StoreKind
  /** Runs `fn` in one transaction; its writes are committed (durable) when the promise resolves. See the rules above. */
  transaction<T>(fn: (tx: StoreQueries) => Promise<T>): Promise<T>
  /** True when the database answers a trivial query. Never throws. */
  healthy(): Promise<boolean>
  /** Closes the database; waits for transactions in progress. Idempotent. */
  close(): Promise<void>
}
