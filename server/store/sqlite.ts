import Database from 'better-sqlite3'
import type { ChatMessage, Conversation, ConversationStatus, ImageRef, MessageKind, Role, Sender, User, UserRole } from '../types'
import { migrate } from './migrations'

export interface StoreOptions {
  /** 'normal' (default) survives a process crash; 'full' also survives power loss. */
  synchronous?: 'normal' | 'full'
}

interface UserRow {
  id: string
  role: UserRole
  name: string
  avatar: string | null
  username: string | null
  password_hash: string | null
  login_key: string | null
  created_at: number
}

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

interface ConversationViewRow extends ConversationRow {
  customer_name: string
  customer_avatar: string | null
  agent_name: string | null
}

interface MessageRow {
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
}

const CONVERSATION_VIEW = `
  SELECT c.*, cu.name AS customer_name, cu.avatar AS customer_avatar, ag.name AS agent_name
  FROM conversations c
  JOIN users cu ON cu.id = c.customer_id
  LEFT JOIN users ag ON ag.id = c.agent_id`

function toUser(row: UserRow): User {
  return { id: row.id, role: row.role, name: row.name, ...(row.avatar ? { avatar: row.avatar } : {}) }
}

function toMessage(row: MessageRow): ChatMessage {
  const message: ChatMessage = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    ts: row.ts,
    from: { id: row.from_id, role: row.from_role, name: row.from_name, ...(row.from_avatar ? { avatar: row.from_avatar } : {}) },
    kind: row.kind,
  }
  if (row.text !== null) message.text = row.text
  if (row.image !== null) message.image = JSON.parse(row.image) as ImageRef
  return message
}

/**
 * All SQL lives here, behind prepared statements with bound parameters: nothing a
 * user sends is ever part of a statement's text.
 */
export class ChatStore {
  readonly db: Database.Database
  private readonly stmt

  constructor(file: string, options: StoreOptions = {}) {
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    migrate(this.db)
    const db = this.db
    this.stmt = {
      ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
      userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
      agentByUsername: db.prepare<[string], UserRow>("SELECT * FROM users WHERE role = 'agent' AND username = ?"),
      agentCount: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'agent'"),
      insertAgent: db.prepare<[string, string, string, string, number]>(
        "INSERT INTO users (id, role, name, username, password_hash, created_at) VALUES (?, 'agent', ?, ?, ?, ?)",
      ),
      setPassword: db.prepare<[string, string]>("UPDATE users SET password_hash = ? WHERE role = 'agent' AND username = ?"),
      insertCustomer: db.prepare<[string, string, string, number]>(
        "INSERT INTO users (id, role, name, login_key, created_at) VALUES (?, 'customer', ?, ?, ?) ON CONFLICT(id) DO NOTHING",
      ),
      conversationRow: db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE id = ?'),
      conversationView: db.prepare<[string], ConversationViewRow>(`${CONVERSATION_VIEW} WHERE c.id = ?`),
      activeOf: db.prepare<[string], ConversationRow>("SELECT * FROM conversations WHERE customer_id = ? AND status <> 'closed'"),
      queued: db.prepare<[], ConversationRow>("SELECT * FROM conversations WHERE status = 'queued' ORDER BY created_at, rowid"),
      ofAgent: db.prepare<[string], ConversationRow>(
        "SELECT * FROM conversations WHERE agent_id = ? AND status IN ('assigned', 'open') ORDER BY created_at, rowid",
      ),
      agentsWithAssigned: db.prepare<[], { agent_id: string }>(
        "SELECT DISTINCT agent_id FROM conversations WHERE status = 'assigned' AND agent_id IS NOT NULL ORDER BY agent_id",
      ),
      loadOf: db.prepare<[string], { n: number }>(
        "SELECT count(*) AS n FROM conversations WHERE agent_id = ? AND status IN ('assigned', 'open')",
      ),
      insertConversation: db.prepare<[string, string, string | null, ConversationStatus, number, number]>(
        'INSERT INTO conversations (id, customer_id, agent_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      updateConversation: db.prepare<[ConversationStatus, string | null, number, string]>(
        'UPDATE conversations SET status = ?, agent_id = ?, updated_at = ? WHERE id = ?',
      ),
      customerRead: db.prepare<[number, string]>(
        'UPDATE conversations SET customer_read_seq = max(customer_read_seq, min(?, last_seq)) WHERE id = ?',
      ),
      agentRead: db.prepare<[number, string]>(
        'UPDATE conversations SET agent_read_seq = max(agent_read_seq, min(?, last_seq)) WHERE id = ?',
      ),
      nextSeq: db.prepare<[number, string], { last_seq: number }>(
        'UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq',
      ),
      insertMessage: db.prepare<
        [string, number, string, number, string, Role, string, string | null, MessageKind, string | null, string | null]
      >(
        `INSERT INTO messages (conversation_id, seq, id, ts, from_id, from_role, from_name, from_avatar, kind, text, image)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      messageById: db.prepare<[string, string], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND id = ?'),
      customerMessageById: db.prepare<[string, string], MessageRow>(
        `SELECT m.* FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.id = ? AND m.from_id = c.customer_id
         WHERE c.customer_id = ? ORDER BY c.created_at DESC, c.rowid DESC LIMIT 1`,
      ),
      messageBySeq: db.prepare<[string, number], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?'),
      after: db.prepare<[string, number, number], MessageRow>(
        'SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      before: db.prepare<[string, number, number], MessageRow>(
        'SELECT * FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      messageCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages WHERE conversation_id = ?'),
    }
  }

  /** Runs `fn` in one transaction (BEGIN IMMEDIATE … COMMIT); it is durable when this returns. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  healthy(): boolean {
    return this.stmt.ping.get()?.ok === 1
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  // ---- users ----

  user(id: string): User | undefined {
    const row = this.stmt.userById.get(id)
    return row ? toUser(row) : undefined
  }

  agentByUsername(username: string): AgentRecord | undefined {
    const row = this.stmt.agentByUsername.get(username)
    if (row === undefined) return undefined
    if (row.username === null || row.password_hash === null) return undefined
    return { ...toUser(row), role: 'agent', username: row.username, passwordHash: row.password_hash }
  }

  agentCount(): number {
    return this.stmt.agentCount.get()?.n ?? 0
  }

  insertAgent(agent: { id: string; name: string; username: string; passwordHash: string }, now: number): User {
    this.stmt.insertAgent.run(agent.id, agent.name, agent.username, agent.passwordHash, now)
    return { id: agent.id, role: 'agent', name: agent.name }
  }

  setAgentPassword(username: string, passwordHash: string): boolean {
    return this.stmt.setPassword.run(passwordHash, username).changes === 1
  }

  /** The customer with this id, created on first login. */
  ensureCustomer(customer: { id: string; name: string; loginKey: string }, now: number): User {
    this.stmt.insertCustomer.run(customer.id, customer.name, customer.loginKey, now)
    const user = this.user(customer.id)
    if (!user) throw new Error(`customer ${customer.id} vanished`)
    return user
  }

  // ---- conversations ----

  conversationRow(id: string): ConversationRow | undefined {
    return this.stmt.conversationRow.get(id)
  }

  /** The conversation as it goes on the wire. */
  conversation(id: string): Conversation | undefined {
    const row = this.stmt.conversationView.get(id)
    if (!row) return undefined
    const last = row.last_seq > 0 ? this.stmt.messageBySeq.get(row.id, row.last_seq) : undefined
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
    }
  }

  activeConversationOf(customerId: string): ConversationRow | undefined {
    return this.stmt.activeOf.get(customerId)
  }

  /** Queued conversations, oldest first. */
  queuedConversations(): ConversationRow[] {
    return this.stmt.queued.all()
  }

  /** The agent's `assigned` and `open` conversations, oldest first. */
  conversationsOfAgent(agentId: string): ConversationRow[] {
    return this.stmt.ofAgent.all(agentId)
  }

  /** Ids of the agents who have at least one `assigned` conversation. */
  agentsWithAssigned(): string[] {
    return this.stmt.agentsWithAssigned.all().map((row) => row.agent_id)
  }

  /** How many `assigned` + `open` conversations the agent has. */
  agentLoad(agentId: string): number {
    return this.stmt.loadOf.get(agentId)?.n ?? 0
  }

  insertConversation(c: { id: string; customerId: string; agentId: string | null; status: ConversationStatus }, now: number): void {
    this.stmt.insertConversation.run(c.id, c.customerId, c.agentId, c.status, now, now)
  }

  updateConversation(id: string, status: ConversationStatus, agentId: string | null, now: number): void {
    this.stmt.updateConversation.run(status, agentId, now, id)
  }

  /** Raises the reader's read mark to `seq` (never lowers it, never past the last message); returns the new mark. */
  markRead(id: string, role: UserRole, seq: number): number {
    ;(role === 'customer' ? this.stmt.customerRead : this.stmt.agentRead).run(seq, id)
    const row = this.stmt.conversationRow.get(id)
    if (!row) return 0
    return role === 'customer' ? row.customer_read_seq : row.agent_read_seq
  }

  // ---- messages ----

  messageById(conversationId: string, id: string): ChatMessage | undefined {
    const row = this.stmt.messageById.get(conversationId, id)
    return row ? toMessage(row) : undefined
  }

  /** A message with this id in any of the customer's conversations, newest conversation first. */
  customerMessageById(customerId: string, id: string): ChatMessage | undefined {
    const row = this.stmt.customerMessageById.get(id, customerId)
    return row ? toMessage(row) : undefined
  }

  /** Gives the message the conversation's next seq and stores it. Call inside transaction(). */
  appendMessage(m: NewMessage): ChatMessage {
    const next = this.stmt.nextSeq.get(m.ts, m.conversationId)
    if (!next) throw new Error(`conversation ${m.conversationId} does not exist`)
    this.stmt.insertMessage.run(
      m.conversationId,
      next.last_seq,
      m.id,
      m.ts,
      m.from.id,
      m.from.role,
      m.from.name,
      m.from.avatar ?? null,
      m.kind,
      m.text ?? null,
      m.image ? JSON.stringify(m.image) : null,
    )
    const message: ChatMessage = { id: m.id, conversationId: m.conversationId, seq: next.last_seq, ts: m.ts, from: m.from, kind: m.kind }
    if (m.text !== undefined) message.text = m.text
    if (m.image !== undefined) message.image = m.image
    return message
  }

  /** Messages with seq > afterSeq, ascending; `hasMore` when there are more after the page. */
  messagesAfter(conversationId: string, afterSeq: number, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const rows = this.stmt.after.all(conversationId, afterSeq, limit + 1)
    return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit }
  }

  /** The newest messages with seq < beforeSeq, ascending; `hasMore` when older ones remain. */
  messagesBefore(conversationId: string, beforeSeq: number, limit: number): { messages: ChatMessage[]; hasMore: boolean } {
    const rows = this.stmt.before.all(conversationId, beforeSeq, limit + 1)
    return { messages: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit }
  }

  messageCount(conversationId: string): number {
    return this.stmt.messageCount.get(conversationId)?.n ?? 0
  }
}
