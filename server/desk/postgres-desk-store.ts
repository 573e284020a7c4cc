/**
 * The desk's tables on PostgreSQL, the same interface as `sqlite-desk-store.ts`. Each call is one
 * statement on the pool (READ COMMITTED), or a few in a row for the compound reads (a history page,
 * a profile, a transcript): the desk only reads what the chat has committed and writes rows of its
 * own, so no call needs the chat's row locks. Bound parameters only: the search's statement text
 * holds one `$n` per term, never a term. The search is ILIKE, served by migration 3's pg_trgm GIN
 * index for patterns of 3+ characters (built-in ILIKE, so no reference to the extension's schema).
 */
import type { AgentStatus, ChatMessage } from '../../src/protocol'
import type { PostgresStore } from '../store/postgres'
import { toMessage, type MessageRow } from '../store/rows'
import { likePattern } from './search-terms'
import type { CannedReply, CustomerProfile, DeskStore, DeviceInfo, Note, PastConversation, SearchHit, Transcript } from './desk-store'
import { toCanned, toNote, type CannedRow, type NoteRow, type PastRow } from './desk-rows'

const MESSAGE_COUNT = "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.kind <> 'system') AS message_count"

export class PostgresDeskStore implements DeskStore {
  constructor(private readonly store: PostgresStore) {}

  private async rows<R extends object>(text: string, values: unknown[]): Promise<R[]> {
    return (await this.store.pool.query<R & Record<string, unknown>>(text, values)).rows
  }

  // Titles in code-point order (COLLATE "C"), as SQLite's BINARY collation sorts them.
  async cannedReplies(agentId: string): Promise<CannedReply[]> {
    const rows = await this.rows<CannedRow>(
      'SELECT * FROM canned_replies WHERE owner_id IS NULL OR owner_id = $1 ORDER BY owner_id IS NOT NULL, title COLLATE "C", created_at',
      [agentId],
    )
    return rows.map(toCanned)
  }

  async insertCanned(reply: { id: string; ownerId: string | null; title: string; text: string }, now: number): Promise<CannedReply> {
    const [row] = await this.rows<CannedRow>(
      'INSERT INTO canned_replies (id, owner_id, title, text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *',
      [reply.id, reply.ownerId, reply.title, reply.text, now],
    )
    return toCanned(row!)
  }

  async updateCanned(id: string, agentId: string, change: { title: string; text: string }, now: number): Promise<CannedReply | undefined> {
    const [row] = await this.rows<CannedRow>(
      'UPDATE canned_replies SET title = $1, text = $2, updated_at = $3 WHERE id = $4 AND (owner_id IS NULL OR owner_id = $5) RETURNING *',
      [change.title, change.text, now, id, agentId],
    )
    return row === undefined ? undefined : toCanned(row)
  }

  async deleteCanned(id: string, agentId: string): Promise<boolean> {
    const res = await this.store.pool.query('DELETE FROM canned_replies WHERE id = $1 AND (owner_id IS NULL OR owner_id = $2)', [
      id,
      agentId,
    ])
    return res.rowCount === 1
  }

  async notes(conversationId: string): Promise<Note[]> {
    // created_order: insertion order for notes of the same ms (migration 4), as SQLite's rowid.
    return (
      await this.rows<NoteRow>('SELECT * FROM notes WHERE conversation_id = $1 ORDER BY created_at, created_order', [conversationId])
    ).map(toNote)
  }

  async insertNote(
    note: { id: string; conversationId: string; author: { id: string; name: string }; text: string },
    now: number,
  ): Promise<Note> {
    await this.store.pool.query(
      'INSERT INTO notes (id, conversation_id, author_id, author_name, text, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [note.id, note.conversationId, note.author.id, note.author.name, note.text, now],
    )
    return { ...note, createdAt: now }
  }

  async history(before: number, limit: number): Promise<{ items: PastConversation[]; hasMore: boolean }> {
    const rows = await this.rows<PastRow>(
      `SELECT c.id, c.updated_at, ${MESSAGE_COUNT} FROM conversations c
       WHERE c.status = 'closed' AND c.updated_at < $1 ORDER BY c.updated_at DESC, c.created_order DESC LIMIT $2`,
      [before, limit + 1],
    )
    return { items: await this.past(rows.slice(0, limit)), hasMore: rows.length > limit }
  }

  async search(terms: readonly string[], limit: number): Promise<SearchHit[]> {
    if (terms.length === 0) return []
    const where = terms.map((_, i) => `m.text ILIKE $${i + 1} ESCAPE '\\'`).join(' AND ')
    const rows = await this.rows<MessageRow>(
      `SELECT m.* FROM messages m WHERE m.kind = 'text' AND ${where} ORDER BY m.ts DESC, m.seq DESC LIMIT $${terms.length + 1}`,
      [...terms.map(likePattern), limit],
    )
    const hits: SearchHit[] = []
    const views = new Map<string, SearchHit['conversation']>()
    for (const row of rows) {
      let conversation = views.get(row.conversation_id)
      if (conversation === undefined) {
        conversation = await this.store.conversation(row.conversation_id)
        if (conversation === undefined) continue
        views.set(row.conversation_id, conversation)
      }
      hits.push({ conversation, message: toMessage(row) })
    }
    return hits
  }

  async customer(customerId: string): Promise<CustomerProfile | undefined> {
    const [row] = await this.rows<{ id: string; name: string; avatar: string | null; created_at: number; device: string | null }>(
      "SELECT id, name, avatar, created_at, device FROM users WHERE id = $1 AND role = 'customer'",
      [customerId],
    )
    if (row === undefined) return undefined
    const past = await this.rows<PastRow>(
      `SELECT c.id, c.updated_at, ${MESSAGE_COUNT} FROM conversations c
       WHERE c.customer_id = $1 ORDER BY c.created_at DESC, c.created_order DESC LIMIT 100`,
      [customerId],
    )
    return {
      customer: { id: row.id, name: row.name, ...(row.avatar !== null ? { avatar: row.avatar } : {}) },
      firstSeen: row.created_at,
      device: row.device === null ? null : (JSON.parse(row.device) as DeviceInfo),
      conversations: await this.past(past),
    }
  }

  async transcript(conversationId: string, limit: number): Promise<Transcript | undefined> {
    const conversation = await this.store.conversation(conversationId)
    if (conversation === undefined) return undefined
    const messages: ChatMessage[] = (
      await this.rows<MessageRow>('SELECT * FROM messages WHERE conversation_id = $1 ORDER BY seq LIMIT $2', [conversationId, limit])
    ).map(toMessage)
    return { conversation, messages, notes: await this.notes(conversationId), rating: conversation.rating ?? null }
  }

  async setDevice(customerId: string, device: DeviceInfo): Promise<void> {
    await this.store.pool.query("UPDATE users SET device = $1 WHERE id = $2 AND role = 'customer'", [JSON.stringify(device), customerId])
  }

  async agentStatus(agentId: string): Promise<AgentStatus> {
    const [row] = await this.rows<{ agent_status: AgentStatus | null }>("SELECT agent_status FROM users WHERE id = $1 AND role = 'agent'", [
      agentId,
    ])
    return row?.agent_status ?? 'online'
  }

  /** Routing's read: a statement of its own on the pool (no lock of the store's to mind, unlike SQLite). */
  agentStatusNow(agentId: string): Promise<AgentStatus> {
    return this.agentStatus(agentId)
  }

  async setAgentStatus(agentId: string, status: AgentStatus): Promise<void> {
    await this.store.pool.query("UPDATE users SET agent_status = $1 WHERE id = $2 AND role = 'agent'", [
      status === 'online' ? null : status,
      agentId,
    ])
  }

  private async past(rows: readonly PastRow[]): Promise<PastConversation[]> {
    const out: PastConversation[] = []
    for (const row of rows) {
      const conversation = await this.store.conversation(row.id)
      if (conversation === undefined) continue
      out.push({ conversation, updatedAt: row.updated_at, messageCount: row.message_count, rating: conversation.rating ?? null })
    }
    return out
  }
}
