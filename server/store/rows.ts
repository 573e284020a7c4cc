/** The rows both stores read, and how they become the wire's shapes: one mapping for SQLite and PostgreSQL. */
import type { ChatMessage, Conversation, ImageRef, MessageKind, Role, User, UserRole } from '../types'
import type { Notice } from '../../src/protocol'
import type { AgentRecord, ConversationRow, NewMessage } from './store'

export interface UserRow {
  id: string
  role: UserRole
  name: string
  avatar: string | null
  username: string | null
  password_hash: string | null
  login_key: string | null
  created_at: number
}

export interface ConversationViewRow extends ConversationRow {
  rating_score: number | null
  rating_comment: string | null
  rated_at: number | null
  customer_name: string
  customer_avatar: string | null
  agent_name: string | null
  /** Customer messages after the agent's read mark (CONVERSATION_VIEW counts them). */
  agent_unread: number
}

export interface MessageRow {
  conversation_id: string
  seq: number
  id: string
  ts: number
  from_id: string
  from_role: Role
  from_name: string
  from_avatar: string | null
  kind: MessageKind
  text: string | null
  image: string | null
  recalled_at: number | null
  /** System notices: JSON `Notice` (schema 2). */
  notice: string | null
}

/** The conversation joined with its customer's and agent's names (`WHERE c.id = ?` follows). */
export const CONVERSATION_VIEW = `
  SELECT c.*, cu.name AS customer_name, cu.avatar AS customer_avatar, ag.name AS agent_name,
    (SELECT CAST(count(*) AS INTEGER) FROM messages um
     WHERE um.conversation_id = c.id AND um.from_role = 'customer' AND um.seq > c.agent_read_seq) AS agent_unread
  FROM conversations c
  JOIN users cu ON cu.id = c.customer_id
  LEFT JOIN users ag ON ag.id = c.agent_id`

export function toUser(row: UserRow): User {
  return { id: row.id, role: row.role, name: row.name, ...(row.avatar ? { avatar: row.avatar } : {}) }
}

export function toAgentRecord(row: UserRow | undefined): AgentRecord | undefined {
  if (row === undefined || row.username === null || row.password_hash === null) return undefined
  return { ...toUser(row), role: 'agent', username: row.username, passwordHash: row.password_hash }
}

export function toMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    ts: row.ts,
    from: { id: row.from_id, role: row.from_role, name: row.from_name, ...(row.from_avatar ? { avatar: row.from_avatar } : {}) },
    kind: row.kind,
  }
  if (row.recalled_at !== null) message.recalled = true
  else if (row.text !== null) message.text = row.text
  if (row.recalled_at === null && row.image !== null) message.image = JSON.parse(row.image) as ImageRef
  if (row.notice !== null) message.notice = JSON.parse(row.notice) as Notice
  return message
}

/**
 * `last`: the message at `last_seq`; `lastChat`: the newest one that is not a system notice
 * (the same row when the last message is not a notice).
 */
export function toConversation(row: ConversationViewRow, last: MessageRow | undefined, lastChat: MessageRow | undefined): Conversation {
  return {
    id: row.id,
    status: row.status,
    customer: { id: row.customer_id, name: row.customer_name, ...(row.customer_avatar ? { avatar: row.customer_avatar } : {}) },
    agent: row.agent_id !== null && row.agent_name !== null ? { id: row.agent_id, name: row.agent_name } : null,
    createdAt: row.created_at,
    lastSeq: row.last_seq,
    lastMessage: last ? toMessage(last) : null,
    customerReadSeq: row.customer_read_seq,
    agentReadSeq: row.agent_read_seq,
    ...(row.rating_score !== null &&
      row.rated_at !== null && {
        rating: { score: row.rating_score, ...(row.rating_comment !== null && { comment: row.rating_comment }), ts: row.rated_at },
      }),
    agentUnread: Number(row.agent_unread),
    lastChatMessage: lastChat ? toMessage(lastChat) : null,
  }
}

/** A page of `limit` from `limit + 1` rows fetched: the extra row only says there is more. */
export function page(rows: MessageRow[], limit: number, reverse: boolean): { messages: ChatMessage[]; hasMore: boolean } {
  const kept = rows.slice(0, limit)
  if (reverse) kept.reverse()
  return { messages: kept.map(toMessage), hasMore: rows.length > limit }
}

/** A new message's columns in the INSERT's order (conversation_id, seq, id, ts, from_*, kind, text, image, notice). */
export function messageValues(
  m: NewMessage,
  seq: number,
): [string, number, string, number, string, Role, string, string | null, MessageKind, string | null, string | null, string | null] {
  return [
    m.conversationId,
    seq,
    m.id,
    m.ts,
    m.from.id,
    m.from.role,
    m.from.name,
    m.from.avatar ?? null,
    m.kind,
    m.text ?? null,
    m.image ? JSON.stringify(m.image) : null,
    m.notice ? JSON.stringify(m.notice) : null,
  ]
}

/** The message just stored, as on the wire (what a read of its row would give). */
export function appendedMessage(m: NewMessage, seq: number): ChatMessage {
  const message: ChatMessage = { id: m.id, conversationId: m.conversationId, seq, ts: m.ts, from: m.from, kind: m.kind }
  if (m.text !== undefined) message.text = m.text
  if (m.image !== undefined) message.image = m.image
  if (m.notice !== undefined) message.notice = m.notice
  return message
}
