/**
 * The PostgreSQL store with several instances at once: each `PostgresStore.open` is its own pool,
 * as each server instance has. Runs in the server-pg project only (jest.config.js).
 */
import pg from 'pg'
import { Conversations } from '../../server/conversations'
import { migratePostgres, PostgresStore } from '../../server/store/postgres'
import { MIGRATIONS, type Migration } from '../../server/store/migrations'
import type { User } from '../../server/types'
import { schemaUrl } from '../helpers/test-database'

const from = { id: 'c_1', role: 'customer' as const, name: '顾客 1' }

async function twoInstances(url = schemaUrl()): Promise<[PostgresStore, PostgresStore]> {
  return Promise.all([PostgresStore.open(url), PostgresStore.open(url)])
}

describe('PostgresStore, several instances on one database', () => {
  const open: PostgresStore[] = []
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close()
  })
  const both = async (url?: string) => {
    const stores = await twoInstances(url)
    open.push(...stores)
    return stores
  }

  it('migrates once when instances start at the same moment (an advisory lock), and not again', async () => {
    const url = schemaUrl()
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url }))
    try {
      const runs = await Promise.all(pools.map((p) => migratePostgres(p)))
      const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version
      expect(runs.filter((r) => r.from === 0)).toHaveLength(1)
      expect(runs.filter((r) => r.from === latest)).toHaveLength(3)
      const rows = await pools[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version))
    } finally {
      await Promise.all(pools.map((p) => p.end()))
    }
  })

  it('rolls a failing migration back whole and refuses a newer database', async () => {
    const url = schemaUrl()
    const pool = new pg.Pool({ connectionString: url })
    try {
      const bad: Migration[] = [{ version: 1, name: 'bad', sqlite: '', postgres: 'CREATE TABLE a (x INT); CREATE TABLE a (y INT);' }]
      await expect(migratePostgres(pool, bad)).rejects.toThrow(/already exists/)
      expect((await pool.query("SELECT to_regclass('a') AS t")).rows[0].t).toBeNull()
      await pool.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      )
      await pool.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
      await expect(migratePostgres(pool)).rejects.toThrow(/newer than this server knows/)
    } finally {
      await pool.end()
    }
  })

  it('rejects open with the reason when the database cannot be reached', async () => {
    await expect(PostgresStore.open('postgres://nobody@127.0.0.1:1/none', { connectTimeout: 2000 })).rejects.toThrow(/ECONNREFUSED/)
  })

  it('gives gapless, unique seqs to writers on two instances at once', async () => {
    const [a, b] = await both()
    await a.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
    await a.insertConversation({ id: 'conv_1', customerId: 'c_1', agentId: null, status: 'queued' }, 1)
    const writes = Array.from({ length: 60 }, (_, i) =>
      (i % 2 === 0 ? a : b).transaction((tx) =>
        tx.appendMessage({ conversationId: 'conv_1', id: `m${i}`, ts: i, from, kind: 'text', text: `${i}` }),
      ),
    )
    const seqs = (await Promise.all(writes)).map((m) => m.seq).sort((x, y) => x - y)
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
    expect(await b.messageCount('conv_1')).toBe(60)
    expect((await a.conversation('conv_1'))?.lastSeq).toBe(60)
  })

  it('stores a message id once when two instances receive it at once, and acks both with its seq', async () => {
    const [a, b] = await both()
    const online: string[] = []
    const presence = { onlineAgentIds: async () => [...online] }
    const chats = [new Conversations(a, presence), new Conversations(b, presence)]
    const customer = await a.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
    const { data } = await chats[0]!.open(customer)
    const frame = { type: 'message' as const, id: 'same-id', kind: 'text' as const, text: 'hi', conversationId: data.conversation.id }
    const acks = await Promise.all(Array.from({ length: 6 }, (_, i) => chats[i % 2]!.message(customer, frame, () => false)))
    expect(new Set(acks.map((x) => x.data.seq)).size).toBe(1)
    expect(acks.filter((x) => x.data.duplicate !== true)).toHaveLength(1)
    expect((await a.messagesAfter(data.conversation.id, 0, 100)).messages.filter((m) => m.id === 'same-id')).toHaveLength(1)
  })

  it("opens one conversation for a customer's first message sent to two instances at once", async () => {
    const [a, b] = await both()
    const presence = { onlineAgentIds: async () => [] as string[] }
    const chats = [new Conversations(a, presence), new Conversations(b, presence)]
    const customer = await a.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
    const acks = await Promise.all(
      ['x', 'y', 'z', 'w'].map((id, i) => chats[i % 2]!.message(customer, { type: 'message', id, kind: 'text', text: id }, () => false)),
    )
    expect(new Set(acks.map((x) => x.data.conversationId)).size).toBe(1)
  })

  it('lets exactly one of two agents on two instances accept a queued conversation; the other gets CONFLICT', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await both()
      const presence = { onlineAgentIds: async () => [] as string[] }
      const chats = [new Conversations(a, presence), new Conversations(b, presence)]
      const agents: User[] = [
        await a.insertAgent({ id: 'a1', name: '一号', username: 'a1', passwordHash: 'x' }, 0),
        await a.insertAgent({ id: 'a2', name: '二号', username: 'a2', passwordHash: 'x' }, 0),
      ]
      const customer = await a.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
      const { data } = await chats[0]!.open(customer)
      expect(data.conversation.status).toBe('queued')
      const results = await Promise.allSettled(agents.map((agent, i) => chats[i]!.accept(agent, data.conversation.id)))
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      const lost = results.find((r) => r.status === 'rejected')
      expect(lost?.reason).toMatchObject({ code: 'CONFLICT' })
      const winner = agents[results.findIndex((r) => r.status === 'fulfilled')]!
      expect(await b.conversation(data.conversation.id)).toMatchObject({ status: 'open', agent: { id: winner.id } })
      for (const s of open.splice(0)) await s.close()
    }
  })

  it('answers healthy() until closed, and close() waits for a transaction in progress', async () => {
    const [a] = await both()
    expect(await a.healthy()).toBe(true)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    await a.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
    const tx = a.transaction(async (q) => {
      await gate
      return q.user('c_1')
    })
    const closed = a.close()
    release()
    await expect(tx).resolves.toMatchObject({ id: 'c_1' })
    await closed
    expect(await a.healthy()).toBe(false)
    open.splice(open.indexOf(a), 1)
  })
})
