/**
 * Narrowing of server data (replies and pushes arrive as `unknown`). Lenient about extra
 * fields, strict about the ones the chat logic reads; anything else yields `null`.
 */
import type { AgentStatus, Notice } from '../protocol'
import type { AgentPresence, ChatMessage, Conversation, ConversationEvent, ConversationStatus, Rating, Sender, User } from './types'

type Obj = Record<string, unknown>

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function str(value: unknown): value is string {
  return typeof value === 'string'
}

function num(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

const ROLES = ['customer', 'agent', 'system'] as const
const STATUSES: readonly ConversationStatus[] = ['queued', 'assigned', 'open', 'closed']
const AGENT_STATUSES: readonly AgentStatus[] = ['online', 'busy', 'away']
const EVENTS: readonly ConversationEvent[] = ['queued', 'assigned', 'accepted', 'transferred', 'closed']

export function parseSender(value: unknown): Sender | null {
  if (!isObject(value) || !str(value.id) || !str(value.name)) return null
  const role = ROLES.find((r) => r === value.role)
  if (role === undefined) return null
  const sender: Sender = { id: value.id, role, name: value.name }
  if (str(value.avatar)) sender.avatar = value.avatar
  return sender
}

export function parseUser(value: unknown): User | null {
  const sender = parseSender(value)
  if (sender === null || sender.role === 'system') return null
  return { ...sender, role: sender.role }
}

export function parseMessage(value: unknown): ChatMessage | null {
  if (!isObject(value)) return null
  const { id, conversationId, seq, ts, kind } = value
  if (!str(id) || !str(conversationId) || !num(seq) || !num(ts)) return null
  if (kind !== 'text' && kind !== 'image' && kind !== 'system') return null
  const from = parseSender(value.from)
  if (from === null) return null
  const message: ChatMessage = { id, conversationId, seq, ts, from, kind }
  if (value.recalled === true) {
    message.recalled = true
    return message
  }
  if (str(value.text)) message.text = value.text
  const image = value.image
  if (isObject(image) && str(image.url)) {
    message.image = { url: image.url }
    if (num(image.width)) message.image.width = image.width
    if (num(image.height)) message.image.height = image.height
  }
  // A system notice's facts (the console words them for agents); kept as sent, read defensively where shown.
  if (kind === 'system' && isObject(value.notice) && str(value.notice.code)) message.notice = value.notice as unknown as Notice
  return message
}

export function parseMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value)) return []
  const out: ChatMessage[] = []
  for (const item of value) {
    const message = parseMessage(item)
    if (message !== null) out.push(message)
  }
  return out
}

/** A `sync` or `history` reply: `{messages, hasMore, recalled?}` (`recalled`: string ids only). */
export function parseMessagePage(data: unknown): { messages: ChatMessage[]; hasMore: boolean; recalled: string[] } {
  if (!isObject(data)) return { messages: [], hasMore: false, recalled: [] }
  const recalled = Array.isArray(data.recalled) ? data.recalled.filter(str) : []
  return { messages: parseMessages(data.messages), hasMore: data.hasMore === true, recalled }
}

export function parseConversation(value: unknown): Conversation | null {
  if (!isObject(value) || !str(value.id)) return null
  const status = STATUSES.find((s) => s === value.status)
  const customer = value.customer
  if (status === undefined || !isObject(customer) || !str(customer.id)) return null
  const agent = value.agent
  const conversation: Conversation = {
    id: value.id,
    status,
    customer: { id: customer.id, name: str(customer.name) ? customer.name : '' },
    agent: isObject(agent) && str(agent.id) ? { id: agent.id, name: str(agent.name) ? agent.name : '' } : null,
    createdAt: num(value.createdAt) ? value.createdAt : 0,
    lastSeq: num(value.lastSeq) ? value.lastSeq : 0,
    lastMessage: parseMessage(value.lastMessage),
    customerReadSeq: num(value.customerReadSeq) ? value.customerReadSeq : 0,
    agentReadSeq: num(value.agentReadSeq) ? value.agentReadSeq : 0,
  }
  if (str(customer.avatar)) conversation.customer.avatar = customer.avatar
  const rating = parseRating(value.rating)
  if (rating !== null) conversation.rating = rating
  if (num(value.agentUnread)) conversation.agentUnread = value.agentUnread
  if (value.lastChatMessage !== undefined) conversation.lastChatMessage = parseMessage(value.lastChatMessage)
  return conversation
}

/** A conversation's `rating` or a `rating` push's: score 1–5, optional comment, ts. */
export function parseRating(value: unknown): Rating | null {
  if (!isObject(value) || !num(value.score) || !num(value.ts)) return null
  if (!Number.isInteger(value.score) || value.score < 1 || value.score > 5) return null
  return { score: value.score, ...(str(value.comment) && { comment: value.comment }), ts: value.ts }
}

export function parseConversations(value: unknown): Conversation[] {
  if (!Array.isArray(value)) return []
  const out: Conversation[] = []
  for (const item of value) {
    const conversation = parseConversation(item)
    if (conversation !== null) out.push(conversation)
  }
  return out
}

/** The `{conversation}` reply of `open`, `accept`, `transfer` and `close`. */
export function parseConversationReply(data: unknown): Conversation | null {
  return isObject(data) ? parseConversation(data.conversation) : null
}

export function parseConversationEvent(value: unknown): ConversationEvent | null {
  return EVENTS.find((e) => e === value) ?? null
}

/** An online agent: `online` defaults to true (the session reply lists online agents only). */
export function parseAgent(value: unknown): AgentPresence | null {
  if (!isObject(value) || !str(value.id)) return null
  const agent: AgentPresence = { id: value.id, name: str(value.name) ? value.name : '', online: value.online !== false }
  const status = AGENT_STATUSES.find((s) => s === value.status)
  if (status !== undefined) agent.status = status
  return agent
}

export function parseAgents(value: unknown): AgentPresence[] {
  if (!Array.isArray(value)) return []
  const out: AgentPresence[] = []
  for (const item of value) {
    const agent = parseAgent(item)
    if (agent !== null) out.push(agent)
  }
  return out
}
