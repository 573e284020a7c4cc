import pg from 'pg'
import type { AgentStatus } from '../../src/protocol'
import type { ChatMessage, Conversation, ConversationStatus, Rating, User, UserRole } from '../types'
import { MIGRATIONS, refuseNewer, type Migration } from './migrations'
import {
  appendedMessage,
  CONVERSATION_VIEW,
  messageValues,
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

export interface PostgresStoreOptions {
  /** Most connections this instance opens. Default 10. */
  maxConnections?: number
  /** Called with errors of idle connections (the server restarted, the network dropped); the pool replaces them. */
  onIdleError?: (err: Error) => void
  /** ms a connection attempt may take. Default 5000. */
  connectTimeout?: number
}

/** The key of the advisory lock that migrations hold: every instance starting at once migrates one after the other. */
export const MIGRATION_LOCK_KEY = 7_310_551_011

/** SQLSTATEs after which a transaction is run again from the start: a serialization failure, a deadlock, a lost race on a unique index. */
const RETRYABLE = new Set(['40001', '40P01', '23505'])
const MAX_ATTEMPTS = 5

// BIGINT (ts, created_at, count(*)) comes back as a string by default; every one of ours fits a double.
const INT8_OID = 20
const parseInt8 = (value: string): number => Number(value)
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID ? parseInt8 : (pg.types.getTypeParser(oid, format ?? 'text') as unknown)) as pg.CustomTypesConfig['getTypeParser'],
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

/** Queries with bound parameters ($1, $2…) on a pool (one statement each) or on a transaction's client. */
class PostgresQueries implements StoreQueries {
  constructor(protected readonly db: Queryable) {}

  protected async rows<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(text, values)).rows
  }

  protected async one<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R | undefined> {
    return (await this.rows<R>(text, values))[0]
  }

  async user(id: string): Promise<User | undefined> {
    const row = await this.one<UserRow>('SELECT * FROM users WHERE id = $1', [id])
    return row ? toUser(row) : undefined
  }

  async agentByUsername(username: string): Promise<AgentRecord | undefined> {
    return toAgentRecord(await this.one<UserRow>("SELECT * FROM users WHERE role = 'agent' AND username = $1", [username]))
  }

  async agentCount(): Promise<number> {
    return (await this.one<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'agent'"))?.n ?? 0
  }

  async insertAgent(agent: { id: string; name: string; username: string; passwordHash: string }, now: number): Promise<User> {
    await this.db.query("INSERT INTO users (id, role, name, username, password_hash, created_at) VALUES ($1, 'agent', $2, $3, $4, $5)", [
      agent.id,
      agent.name,
      agent.username,
      agent.passwordHash,
      now,
    ])
    return { id: agent.id, role: 'agent', name: agent.name }
  }

  async setAgentPassword(username: string, passwordHash: string): Promise<boolean> {
    const res = await this.db.query("UPDATE users SET password_hash = $1 WHERE role = 'agent' AND username = $2", [passwordHash, username])
    return res.rowCount === 1
  }

  async ensureCustomer(customer: { id: string; name: string; loginKey: string }, now: number): Promise<User> {
    await this.db.query(
      "INSERT INTO users (id, role, name, login_key, created_at) VALUES ($1, 'customer', $2, $3, $4) ON CONFLICT (id) DO NOTHING",
      [customer.id, customer.name, customer.loginKey, now],
    )
    const row = await this.one<UserRow>('SELECT * FROM users WHERE id = $1', [customer.id])
    if (!row) throw new Error(`customer ${customer.id} vanished`)
    return toUser(row)
  }

  conversationRow(id: string): Promise<ConversationRow | undefined> {
    return this.one<ConversationRow>('SELECT * FROM conversations WHERE id = $1', [id])
  }

  /** SELECT … FOR UPDATE: a second transaction locking the row waits for this one's commit, then reads what it wrote. */
  lockConversation(id: string): Promise<ConversationRow | undefined> {
    return this.one<ConversationRow>('SELECT * FROM conversations WHERE id = $1 FOR UPDATE', [id])
  }

  async lockCustomer(id: string): Promise<void> {
    await this.db.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [id])
  }

  async conversation(id: string): Promise<Conversation | undefined> {
    const row = await this.one<ConversationViewRow>(`${CONVERSATION_VIEW} WHERE c.id = $1`, [id])
    if (!row) return undefined
    const last =
      row.last_seq > 0
        ? await this.one<MessageRow>('SELECT * FROM messages WHERE conversation_id = $1 AND seq = $2', [row.id, row.last_seq])
        : undefined
    const lastChat =
      last?.kind === 'system'
        ? await this.one<MessageRow>("SELECT * FROM messages WHERE conversation_id = $1 AND kind <> 'system' ORDER BY seq DESC LIMIT 1", [
            row.id,
          ])
        : last
    return toConversation(row, last, lastChat)
  }

  activeConversationOf(customerId: string): Promise<ConversationRow | undefined> {
    return this.one<ConversationRow>("SELECT * FROM conversations WHERE customer_id = $1 AND status <> 'closed'", [customerId])
  }

  queuedConversations(): Promise<ConversationRow[]> {
    return this.rows<ConversationRow>("SELECT * FROM conversations WHERE status = 'queued' ORDER BY created_at, created_order")
  }

  conversationsOfAgent(agentId: string): Promise<ConversationRow[]> {
    return this.rows<ConversationRow>(
      "SELECT * FROM conversations WHERE agent_id = $1 AND status IN ('assigned', 'open') ORDER BY created_at, created_order",
      [agentId],
    )
  }

  async agentsWithAssigned(): Promise<string[]> {
    const rows = await this.rows<{ agent_id: string }>(
      "SELECT DISTINCT agent_id FROM conversations WHERE status = 'assigned' AND agent_id IS NOT NULL ORDER BY agent_id",
    )
    return rows.map((row) => row.agent_id)
  }

  async agentStatus(agentId: string): Promise<AgentStatus> {
    const row = await this.one<{ agent_status: AgentStatus | null }>("SELECT agent_status FROM users WHERE id = $1 AND role = 'agent'", [
      agentId,
    ])
    return row?.agent_status ?? 'online'
  }

  async agentLoad(agentId: string): Promise<number> {
    const row = await this.one<{ n: number }>(
      "SELECT count(*) AS n FROM conversations WHERE agent_id = $1 AND status IN ('assigned', 'open')",
      [agentId],
    )
    return row?.n ?? 0
  }

  async insertConversation(
    c: { id: string; customerId: string; agentId: string | null; status: ConversationStatus },
    now: number,
  ): Promise<void> {
    await this.db.query(
      'INSERT INTO conversations (id, customer_id, agent_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)',
      [c.id, c.customerId, c.agentId, c.status, now],
    )
  }

  async updateConversation(id: string, status: ConversationStatus, agentId: string | null, now: number): Promise<void> {
    await this.db.query('UPDATE conversations SET status = $1, agent_id = $2, updated_at = $3 WHERE id = $4', [status, agentId, now, id])
  }

  async markRead(id: string, role: UserRole, seq: number): Promise<number> {
    const column = role === 'customer' ? 'customer_read_seq' : 'agent_read_seq'
    const row = await this.one<{ mark: number }>(
      `UPDATE conversations SET ${column} = GREATEST(${column}, LEAST($1::bigint, last_seq)) WHERE id = $2 RETURNING ${column} AS mark`,
      [seq, id],
    )
    return row?.mark ?? 0
  }

  async messageById(conversationId: string, id: string): Promise<ChatMessage | undefined> {
    const row = await this.one<MessageRow>('SELECT * FROM messages WHERE conversation_id = $1 AND id = $2', [conversationId, id])
    return row ? toMessage(row) : undefined
  }

  async customerMessageById(customerId: string, id: string): Promise<ChatMessage | undefined> {
    const row = await this.one<MessageRow>(
      `SELECT m.* FROM conversations c JOIN messages m ON m.conversation_id = c.id AND m.id = $1 AND m.from_id = c.customer_id
       WHERE c.customer_id = $2 ORDER BY c.created_at DESC, c.created_order DESC LIMIT 1`,
      [id, customerId],
    )
    return row ? toMessage(row) : undefined
  }

  /** The UPDATE takes the conversation's row lock until the commit: the next writer's seq follows this one's, and a rollback gives it back. */
  async appendMessage(m: NewMessage): Promise<ChatMessage> {
    const next = await this.one<{ last_seq: number }>(
      'UPDATE conversations SET last_seq = last_seq + 1, updated_at = $1 WHERE id = $2 RETURNING last_seq',
      [m.ts, m.conversationId],
    )
    if (!next) throw new Error(`conversation ${m.conversationId} does not exist`)
    await this.db.query(
      `INSERT INTO messages (conversation_id, seq, id, ts, from_id, from_role, from_name, from_avatar, kind, text, image, notice)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      messageValues(m, next.last_seq),
    )
    return appendedMessage(m, next.last_seq)
  }

  async messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<MessagePage> {
    const rows = await this.rows<MessageRow>(
      'SELECT * FROM messages WHERE conversation_id = $1 AND seq > $2::bigint ORDER BY seq LIMIT $3',
      [conversationId, afterSeq, limit + 1],
    )
    return page(rows, limit, false)
  }

  async messagesBefore(conversationId: string, beforeSeq: number, limit: number): Promise<MessagePage> {
    const rows = await this.rows<MessageRow>(
      'SELECT * FROM messages WHERE conversation_id = $1 AND seq < $2::bigint ORDER BY seq DESC LIMIT $3',
      [conversationId, beforeSeq, limit + 1],
    )
    return page(rows, limit, true)
  }

  async messageCount(conversationId: string): Promise<number> {
    return (await this.one<{ n: number }>('SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [conversationId]))?.n ?? 0
  }

  async recallMessage(conversationId: string, id: string, now: number): Promise<ChatMessage | undefined> {
    await this.db.query(
      'UPDATE messages SET recalled_at = $1, text = NULL, image = NULL WHERE conversation_id = $2 AND id = $3 AND recalled_at IS NULL',
      [now, conversationId, id],
    )
    return this.messageById(conversationId, id)
  }

  async recalledIds(conversationId: string, atOrBelowSeq: number, limit: number): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(
      'SELECT id FROM messages WHERE conversation_id = $1 AND recalled_at IS NOT NULL AND seq <= $2::bigint ORDER BY seq DESC LIMIT $3',
      [conversationId, atOrBelowSeq, limit],
    )
    return rows.map((row) => row.id)
  }

  async rateConversation(id: string, rating: Rating): Promise<boolean> {
    const res = await this.db.query(
      'UPDATE conversations SET rating_score = $1, rating_comment = $2, rated_at = $3 WHERE id = $4 AND rated_at IS NULL',
      [rating.score, rating.comment ?? null, rating.ts, id],
    )
    return res.rowCount === 1
  }
}

function sqlState(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined
}

/**
 * Brings the database to the newest version inside one transaction that holds an advisory lock
 * (pg_advisory_xact_lock): instances starting at the same moment migrate one after the other, the
 * later ones find the work done, and a failing step leaves the database as it was (PostgreSQL's
 * DDL is transactional). Versions applied are rows of schema_migrations.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<{ from: number; to: number }> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY])
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    )
    const from = (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')).rows[0]?.v ?? 0
    refuseNewer(from, migrations)
    let to = from
    for (const migration of migrations) {
      if (migration.version <= from) continue
      await client.query(migration.postgres)
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name])
      to = migration.version
    }
    await client.query('COMMIT')
    return { from, to }
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    client.release()
  }
}

/**
 * The store for several instances: a node-postgres pool. Transactions are READ COMMITTED with row
 * locks (lockConversation, lockCustomer, and the UPDATE that takes a seq), so writers on any
 * instance queue on the rows they share; a serialization failure, deadlock or lost unique race runs
 * the transaction again (up to 5 times).
 */
export class PostgresStore extends PostgresQueries implements Store {
  readonly kind = 'postgres' as const
  readonly pool: pg.Pool
  private readonly inFlight = new Set<Promise<unknown>>()
  private closed: Promise<void> | undefined

  private constructor(pool: pg.Pool) {
    super(pool)
    this.pool = pool
  }

  /** Connects and migrates; rejects (having closed the pool) when the database cannot be reached or migrated. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeout ?? 5000,
      types,
    })
    // Without a listener an idle connection's error (the database restarted) would crash the process.
    pool.on('error', (err) => options.onIdleError?.(err))
    try {
      await migratePostgres(pool)
      return new PostgresStore(pool)
    } catch (err) {
      await pool.end().catch(() => undefined)
      throw err
    }
  }

  transaction<T>(fn: (tx: StoreQueries) => Promise<T>): Promise<T> {
    const work = this.runTransaction(fn)
    this.inFlight.add(work)
    void work.catch(() => undefined).finally(() => this.inFlight.delete(work))
    return work
  }

  private async runTransaction<T>(fn: (tx: StoreQueries) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect()
      let broken = false
      try {
        await client.query('BEGIN')
        const result = await fn(new PostgresQueries(client))
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true
        })
        if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has(sqlState(err) ?? '')) throw err
      } finally {
        // A connection that could not roll back is dropped, not handed to the next transaction.
        client.release(broken)
      }
    }
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.pool.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok === 1
    } catch {
      return false
    }
  }

  close(): Promise<void> {
    this.closed ??= Promise.allSettled([...this.inFlight]).then(() => this.pool.end())
    return this.closed
  }
}
