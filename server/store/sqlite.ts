import Database from 'better-sqlite3'
import { Mutex } from 'async-mutex'
import type { AgentStatus } from '../../src/protocol'
import type { ChatMessage, ConversationStatus, MessageKind, Rating, Role, User, UserRole } from '../types'
import { GroupCommit } from './group-commit'
import { migrateSqlite } from './migrations'
import {
  appendedMessage,
  messageValues,
  CONVERSATION_VIEW,
  page,
  toAgentRecord,
  toConversation,
  toMessage,
  toUser,
  type ConversationViewRow,
  type MessageRow,
  type UserRow,
} from './rows'
import type { AgentRecord, ConversationRow, MessagePage, NewMessage, Store, StoreQueries } from './store'

export interface SqliteStoreOptions {
  /** 'normal' (default) survives a process crash; 'full' also survives power loss. */
  synchronous?: 'normal' | 'full'
  /** One COMMIT for the transactions asked for in one event-loop turn, each acked after it (default true; see group-commit.ts). */
  groupCommit?: boolean
}

function prepare(db: Database.Database) {
  return {
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
    agentStatus: db.prepare<[string], { agent_status: AgentStatus | null }>(
      "SELECT agent_status FROM users WHERE id = ? AND role = 'agent'",
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
    customerRead: db.prepare<[number, string], { mark: number }>(
      'UPDATE conversations SET customer_read_seq = max(customer_read_seq, min(?, last_seq)) WHERE id = ? RETURNING customer_read_seq AS mark',
    ),
    agentRead: db.prepare<[number, string], { mark: number }>(
      'UPDATE conversations SET agent_read_seq = max(agent_read_seq, min(?, last_seq)) WHERE id = ? RETURNING agent_read_seq AS mark',
    ),
    nextSeq: db.prepare<[number, string], { last_seq: number }>(
      'UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq',
    ),
    insertMessage: db.prepare<
      [string, number, string, number, string, Role, string, string | null, MessageKind, string | null, string | null, string | null]
    >(
      `INSERT INTO messages (conversation_id, seq, id, ts, from_id, from_role, from_name, from_avatar, kind, text, image, notice)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    messageById: db.prepare<[string, string], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND id = ?'),
    customerMessageById: db.prepare<[string, string], MessageRow>(
      `SELECT m.* FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.id = ? AND m.from_id = c.customer_id
       WHERE c.customer_id = ? ORDER BY c.created_at DESC, c.rowid DESC LIMIT 1`,
    ),
    messageBySeq: db.prepare<[string, number], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? AND seq = ?'),
    lastChatMessage: db.prepare<[string], MessageRow>(
      "SELECT * FROM messages WHERE conversation_id = ? AND kind <> 'system' ORDER BY seq DESC LIMIT 1",
    ),
    after: db.prepare<[string, number, number], MessageRow>(
      'SELECT * FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    before: db.prepare<[string, number, number], MessageRow>(
      'SELECT * FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    messageCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages WHERE conversation_id = ?'),
    recall: db.prepare<[number, string, string]>(
      'UPDATE messages SET recalled_at = ?, text = NULL, image = NULL WHERE conversation_id = ? AND id = ? AND recalled_at IS NULL',
    ),
    recalledIds: db.prepare<[string, number, number], { id: string }>(
      'SELECT id FROM messages WHERE conversation_id = ? AND recalled_at IS NOT NULL AND seq <= ? ORDER BY seq DESC LIMIT ?',
    ),
    rate: db.prepare<[number, string | null, number, string]>(
      'UPDATE conversations SET rating_score = ?, rating_comment = ?, rated_at = ? WHERE id = ? AND rated_at IS NULL',
    ),
  }
}

type Statements = ReturnType<typeof prepare>
/** Runs one synchronous piece of work on the connection, when it may. */
type Runner = <T>(work: () => T) => Promise<T>

/**
 * The queries on better-sqlite3's prepared statements, with bound parameters: nothing a user
 * sends is ever part of a statement's text. better-sqlite3 is synchronous; `run` decides when a
 * statement may touch the connection (see SqliteStore).
 */
class SqliteQueries implements StoreQueries {
  constructor(
    protected readonly s: Statements,
    protected readonly run: Runner,
  ) {}

  user(id: string): Promise<User | undefined> {
    return this.run(() => {
      const row = this.s.userById.get(id)
      return row ? toUser(row) : undefined
    })
  }

  agentByUsername(username: string): Promise<AgentRecord | undefined> {
    return this.run(() => toAgentRecord(this.s.agentByUsername.get(username)))
  }

  agentCount(): Promise<number> {
    return this.run(() => this.s.agentCount.get()?.n ?? 0)
  }

  insertAgent(agent: { id: string; name: string; username: string; passwordHash: string }, now: number): Promise<User> {
    return this.run(() => {
      this.s.insertAgent.run(agent.id, agent.name, agent.username, agent.passwordHash, now)
      return { id: agent.id, role: 'agent' as const, name: agent.name }
    })
  }

  setAgentPassword(username: string, passwordHash: string): Promise<boolean> {
    return this.run(() => this.s.setPassword.run(passwordHash, username).changes === 1)
  }

  ensureCustomer(customer: { id: string; name: string; loginKey: string }, now: number): Promise<User> {
    return this.run(() => {
      this.s.insertCustomer.run(customer.id, customer.name, customer.loginKey, now)
      const row = this.s.userById.get(customer.id)
      if (!row) throw new Error(`customer ${customer.id} vanished`)
      return toUser(row)
    })
  }

  conversationRow(id: string): Promise<ConversationRow | undefined> {
    return this.run(() => this.s.conversationRow.get(id))
  }

  /** The transaction is BEGIN IMMEDIATE: it holds the database's write lock already, so a plain read holds the row. */
  lockConversation(id: string): Promise<ConversationRow | undefined> {
    return this.conversationRow(id)
  }

  lockCustomer(): Promise<void> {
    return Promise.resolve()
  }

  conversation(id: string) {
    return this.run(() => {
      const row = this.s.conversationView.get(id)
      if (!row) return undefined
      const last = row.last_seq > 0 ? this.s.messageBySeq.get(row.id, row.last_seq) : undefined
      return toConversation(row, last, last?.kind === 'system' ? this.s.lastChatMessage.get(row.id) : last)
    })
  }

  activeConversationOf(customerId: string): Promise<ConversationRow | undefined> {
    return this.run(() => this.s.activeOf.get(customerId))
  }

  queuedConversations(): Promise<ConversationRow[]> {
    return this.run(() => this.s.queued.all())
  }

  conversationsOfAgent(agentId: string): Promise<ConversationRow[]> {
    return this.run(() => this.s.ofAgent.all(agentId))
  }

  agentsWithAssigned(): Promise<string[]> {
    return this.run(() => this.s.agentsWithAssigned.all().map((row) => row.agent_id))
  }

  agentLoad(agentId: string): Promise<number> {
    return this.run(() => this.s.loadOf.get(agentId)?.n ?? 0)
  }

  agentStatus(agentId: string): Promise<AgentStatus> {
    return this.run(() => this.s.agentStatus.get(agentId)?.agent_status ?? 'online')
  }

  insertConversation(
    c: { id: string; customerId: string; agentId: string | null; status: ConversationStatus },
    now: number,
  ): Promise<void> {
    return this.run(() => {
      this.s.insertConversation.run(c.id, c.customerId, c.agentId, c.status, now, now)
    })
  }

  updateConversation(id: string, status: ConversationStatus, agentId: string | null, now: number): Promise<void> {
    return this.run(() => {
      this.s.updateConversation.run(status, agentId, now, id)
    })
  }

  markRead(id: string, role: UserRole, seq: number): Promise<number> {
    return this.run(() => (role === 'customer' ? this.s.customerRead : this.s.agentRead).get(seq, id)?.mark ?? 0)
  }

  messageById(conversationId: string, id: string): Promise<ChatMessage | undefined> {
    return this.run(() => {
      const row = this.s.messageById.get(conversationId, id)
      return row ? toMessage(row) : undefined
    })
  }

  customerMessageById(customerId: string, id: string): Promise<ChatMessage | undefined> {
    return this.run(() => {
      const row = this.s.customerMessageById.get(id, customerId)
      return row ? toMessage(row) : undefined
    })
  }

  appendMessage(m: NewMessage): Promise<ChatMessage> {
    return this.run(() => {
      const next = this.s.nextSeq.get(m.ts, m.conversationId)
      if (!next) throw new Error(`conversation ${m.conversationId} does not exist`)
      this.s.insertMessage.run(...messageValues(m, next.last_seq))
      return appendedMessage(m, next.last_seq)
    })
  }

  messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessagePage> {
    return this.run(() => page(this.s.after.all(conversationId, afterSeq, limit + 1), limit, false))
  }

  messagesBefore(conversationId: string, beforeSeq: number, limit: number): Promise<MessagePage> {
    return this.run(() => page(this.s.before.all(conversationId, beforeSeq, limit + 1), limit, true))
  }

  messageCount(conversationId: string): Promise<number> {
    return this.run(() => this.s.messageCount.get(conversationId)?.n ?? 0)
  }

  recallMessage(conversationId: string, id: string, now: number): Promise<ChatMessage | undefined> {
    return this.run(() => {
      this.s.recall.run(now, conversationId, id)
      const row = this.s.messageById.get(conversationId, id)
      return row ? toMessage(row) : undefined
    })
  }

  recalledIds(conversationId: string, atOrBelowSeq: number, limit: number): Promise<string[]> {
    return this.run(() => this.s.recalledIds.all(conversationId, atOrBelowSeq, limit).map((row) => row.id))
  }

  rateConversation(id: string, rating: Rating): Promise<boolean> {
    return this.run(() => this.s.rate.run(rating.score, rating.comment ?? null, rating.ts, id).changes === 1)
  }
}

/** Work done now (synchronously), its throw turned into a rejection by the executor. */
function now<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()))
}

/**
 * The embedded store: one better-sqlite3 connection in WAL mode. A transaction's function is
 * async (the domain awaits between statements), so the one connection is guarded by a mutex:
 * one transaction at a time, and a statement outside a transaction waits while one is open
 * instead of seeing its uncommitted rows. With no transaction open a statement runs at once.
 */
export class SqliteStore extends SqliteQueries implements Store {
  readonly kind = 'sqlite' as const
  readonly db: Database.Database
  private readonly inside: SqliteQueries
  private readonly lock: Mutex
  private readonly group: GroupCommit | undefined

  private constructor(db: Database.Database, lock: Mutex, groupCommit: boolean) {
    const statements = prepare(db)
    super(statements, (work) => (lock.isLocked() ? lock.runExclusive(work) : now(work)))
    this.db = db
    this.lock = lock
    this.inside = new SqliteQueries(statements, now)
    this.group = groupCommit ? new GroupCommit(db, lock, this.inside) : undefined
  }

  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    const db = new Database(file)
    try {
      db.pragma('journal_mode = WAL')
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
      db.pragma('foreign_keys = ON')
      db.pragma('busy_timeout = 5000')
      migrateSqlite(db)
      return new SqliteStore(db, new Mutex(), options.groupCommit ?? true)
    } catch (err) {
      db.close()
      throw err
    }
  }

  /** BEGIN IMMEDIATE … COMMIT around `fn` (shared with the turn's other transactions under group commit); rolled back if it throws. Durable when this resolves. */
  transaction<T>(fn: (tx: StoreQueries) => Promise<T>): Promise<T> {
    if (this.group) return this.group.run(fn)
    return this.lock.runExclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE')
      try {
        const result = await fn(this.inside)
        this.db.exec('COMMIT')
        return result
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK')
        throw err
      }
    })
  }

  healthy(): Promise<boolean> {
    return this.run(() => this.s.ping.get()?.ok === 1).catch(() => false)
  }

  async close(): Promise<void> {
    await this.group?.idle()
    await this.lock.waitForUnlock()
    if (this.db.open) this.db.close()
  }
}
