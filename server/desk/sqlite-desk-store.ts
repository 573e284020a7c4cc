/**
 * The desk's tables on the server's SQLite database. Every call runs inside the store's
 * transaction (its mutex), so a desk statement never lands inside another request's open
 * transaction on the shared connection. Bound parameters only: the search's statement text
 * holds one `?` per term, never a term.
 */
import type Database from 'better-sqlite3'
import type { AgentStatus, ChatMessage, Conversation } from '../../src/protocol'
import { toMessage, type MessageRow } from '../store/rows'
import type { SqliteStore } from '../store/sqlite'
import type { StoreQueries } from '../store/store'
import { likePattern } from './search-terms'
import type { CannedReply, CustomerProfile, DeskStore, DeviceInfo, Note, PastConversation, SearchHit, Transcript } from './desk-store'
import { toCanned, toNote, type CannedRow, type NoteRow, type PastRow } from './desk-rows'

function prepare(db: Database.Database) {
  return {
    canned: db.prepare<[string], CannedRow>(
      'SELECT * FROM canned_replies WHERE owner_id IS NULL OR owner_id = ? ORDER BY owner_id IS NOT NULL, title, created_at',
    ),
    cannedById: db.prepare<[string], CannedRow>('SELECT * FROM canned_replies WHERE id = ?'),
    insertCanned: db.prepare<[string, string | null, string, string, number, number]>(
      'INSERT INTO canned_replies (id, owner_id, title, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    updateCanned: db.prepare<[string, string, number, string, string]>(
      'UPDATE canned_replies SET title = ?, text = ?, updated_at = ? WHERE id = ? AND (owner_id IS NULL OR owner_id = ?)',
    ),
    deleteCanned: db.prepare<[string, string]>('DELETE FROM canned_replies WHERE id = ? AND (owner_id IS NULL OR owner_id = ?)'),
    notes: db.prepare<[string], NoteRow>('SELECT * FROM notes WHERE conversation_id = ? ORDER BY created_at, rowid'),
    insertNote: db.prepare<[string, string, string, string, string, number]>(
      'INSERT INTO notes (id, conversation_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    history: db.prepare<[number, number], PastRow>(
      `SELECT c.id, c.updated_at, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.kind <> 'system') AS message_count
       FROM conversations c WHERE c.status = 'closed' AND c.updated_at < ? ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?`,
    ),
    ofCustomer: db.prepare<[string], PastRow>(
      `SELECT c.id, c.updated_at, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.kind <> 'system') AS message_count
       FROM conversations c WHERE c.customer_id = ? ORDER BY c.created_at DESC, c.rowid DESC LIMIT 100`,
    ),
    customer: db.prepare<[string], { id: string; name: string; avatar: string | null; created_at: number; device: string | null }>(
      "SELECT id, name, avatar, created_at, device FROM users WHERE id = ? AND role = 'customer'",
    ),
    transcript: db.prepare<[string, number], MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq LIMIT ?'),
    setDevice: db.prepare<[string, string]>("UPDATE users SET device = ? WHERE id = ? AND role = 'customer'"),
    agentStatus: db.prepare<[string], { agent_status: AgentStatus | null }>(
      "SELECT agent_status FROM users WHERE id = ? AND role = 'agent'",
    ),
    setAgentStatus: db.prepare<[AgentStatus | null, string]>("UPDATE users SET agent_status = ? WHERE id = ? AND role = 'agent'"),
  }
}

type Statements = ReturnType<typeof prepare>

export class SqliteDeskStore implements DeskStore {
  private readonly s: Statements
  private readonly searches = new Map<number, Database.Statement<string[], MessageRow>>()

  constructor(private readonly store: SqliteStore) {
    this.s = prepare(store.db)
  }

  /** One piece of work under the store's lock (a transaction), so it never joins another's. */
  private run<T>(work: (tx: StoreQueries) => T | Promise<T>): Promise<T> {
    return this.store.transaction(async (tx) => work(tx))
  }

  cannedReplies(agentId: string): Promise<CannedReply[]> {
    return this.run(() => this.s.canned.all(agentId).map(toCanned))
  }

  insertCanned(reply: { id: string; ownerId: string | null; title: string; text: string }, now: number): Promise<CannedReply> {
    return this.run(() => {
      this.s.insertCanned.run(reply.id, reply.ownerId, reply.title, reply.text, now, now)
      return toCanned(this.s.cannedById.get(reply.id)!)
    })
  }

  updateCanned(id: string, agentId: string, change: { title: string; text: string }, now: number): Promise<CannedReply | undefined> {
    return this.run(() => {
      if (this.s.updateCanned.run(change.title, change.text, now, id, agentId).changes === 0) return undefined
      return toCanned(this.s.cannedById.get(id)!)
    })
  }

  deleteCanned(id: string, agentId: string): Promise<boolean> {
    return this.run(() => this.s.deleteCanned.run(id, agentId).changes === 1)
  }

  notes(conversationId: string): Promise<Note[]> {
    return this.run(() => this.s.notes.all(conversationId).map(toNote))
  }

  insertNote(note: { id: string; conversationId: string; author: { id: string; name: string }; text: string }, now: number): Promise<Note> {
    return this.run(() => {
      this.s.insertNote.run(note.id, note.conversationId, note.author.id, note.author.name, note.text, now)
      return { ...note, createdAt: now }
    })
  }

  history(before: number, limit: number): Promise<{ items: PastConversation[]; hasMore: boolean }> {
    return this.run(async (tx) => {
      const rows = this.s.history.all(before, limit + 1)
      return { items: await this.past(tx, rows.slice(0, limit)), hasMore: rows.length > limit }
    })
  }

  search(terms: readonly string[], limit: number): Promise<SearchHit[]> {
    if (terms.length === 0) return Promise.resolve([])
    return this.run(async (tx) => {
      const rows = this.searchStatement(terms.length).all(...terms.map(likePattern), String(limit))
      const hits: SearchHit[] = []
      const views = new Map<string, Conversation>()
      for (const row of rows) {
        let conversation = views.get(row.conversation_id)
        if (conversation === undefined) {
          conversation = await tx.conversation(row.conversation_id)
          if (conversation === undefined) continue
          views.set(row.conversation_id, conversation)
        }
        hits.push({ conversation, message: toMessage(row) })
      }
      return hits
    })
  }

  /** `n` terms, each a LIKE on the trigram FTS table (the index serves patterns of 3+ characters, shorter ones scan it). */
  private searchStatement(n: number): Database.Statement<string[], MessageRow> {
    let statement = this.searches.get(n)
    if (statement === undefined) {
      const where = Array.from({ length: n }, () => "f.text LIKE ? ESCAPE '\\'").join(' AND ')
      statement = this.store.db.prepare<string[], MessageRow>(
        `SELECT m.* FROM messages_fts f JOIN messages m ON m.conversation_id = f.conversation_id AND m.seq = f.seq
         WHERE ${where} ORDER BY m.ts DESC, m.seq DESC LIMIT CAST(? AS INTEGER)`,
      )
      this.searches.set(n, statement)
    }
    return statement
  }

  customer(customerId: string): Promise<CustomerProfile | undefined> {
    return this.run(async (tx) => {
      const row = this.s.customer.get(customerId)
      if (row === undefined) return undefined
      return {
        customer: { id: row.id, name: row.name, ...(row.avatar !== null ? { avatar: row.avatar } : {}) },
        firstSeen: row.created_at,
        device: row.device === null ? null : (JSON.parse(row.device) as DeviceInfo),
        conversations: await this.past(tx, this.s.ofCustomer.all(customerId)),
      }
    })
  }

  transcript(conversationId: string, limit: number): Promise<Transcript | undefined> {
    return this.run(async (tx) => {
      const conversation = await tx.conversation(conversationId)
      if (conversation === undefined) return undefined
      const messages: ChatMessage[] = this.s.transcript.all(conversationId, limit).map(toMessage)
      return {
        conversation,
        messages,
        notes: this.s.notes.all(conversationId).map(toNote),
        rating: conversation.rating ?? null,
      }
    })
  }

  setDevice(customerId: string, device: DeviceInfo): Promise<void> {
    return this.run(() => {
      this.s.setDevice.run(JSON.stringify(device), customerId)
    })
  }

  agentStatus(agentId: string): Promise<AgentStatus> {
    return this.run(() => this.s.agentStatus.get(agentId)?.agent_status ?? 'online')
  }

  /** Read inside a routing transaction: the store's lock is held already, so a plain read. */
  agentStatusNow(agentId: string): AgentStatus {
    return this.s.agentStatus.get(agentId)?.agent_status ?? 'online'
  }

  setAgentStatus(agentId: string, status: AgentStatus): Promise<void> {
    return this.run(() => {
      this.s.setAgentStatus.run(status === 'online' ? null : status, agentId)
    })
  }

  private async past(tx: StoreQueries, rows: readonly PastRow[]): Promise<PastConversation[]> {
    const out: PastConversation[] = []
    for (const row of rows) {
      const conversation = await tx.conversation(row.id)
      if (conversation === undefined) continue
      out.push({
        conversation,
        updatedAt: row.updated_at,
        messageCount: row.message_count,
        rating: conversation.rating ?? null,
      })
    }
    return out
  }
}
