import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { migrateSqlite, MIGRATIONS, type Migration } from '../../server/store/migrations'
import { SqliteStore } from '../../server/store/sqlite'
import { tempDir } from './helpers/server-harness'

const step = (version: number, sql: string): Migration => ({ version, name: `v${version}`, sqlite: sql, postgres: sql })

describe('migrateSqlite', () => {
  it('brings a new database to the latest version, and does nothing the second time', () => {
    const db = new Database(':memory:')
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version
    expect(migrateSqlite(db)).toEqual({ from: 0, to: latest })
    expect(db.pragma('user_version', { simple: true })).toBe(latest)
    expect(migrateSqlite(db)).toEqual({ from: latest, to: latest })
    db.close()
  })

  it('applies only the steps a database is missing, in order', () => {
    const db = new Database(':memory:')
    const steps = [step(1, 'CREATE TABLE a (x INTEGER)'), step(2, 'ALTER TABLE a ADD COLUMN y INTEGER')]
    migrateSqlite(db, steps.slice(0, 1))
    expect(migrateSqlite(db, steps)).toEqual({ from: 1, to: 2 })
    expect(db.prepare('SELECT y FROM a').all()).toEqual([])
    db.close()
  })

  it('rolls a failing run back whole', () => {
    const db = new Database(':memory:')
    const steps = [step(1, 'CREATE TABLE a (x INTEGER)'), step(2, 'CREATE TABLE b (x INTEGER); CREATE TABLE b (y INTEGER);')]
    expect(() => migrateSqlite(db, steps)).toThrow()
    expect(db.pragma('user_version', { simple: true })).toBe(0)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('a', 'b')").all()).toEqual([])
    db.close()
  })

  it('refuses a database newer than the server', () => {
    const db = new Database(':memory:')
    db.pragma('user_version = 999')
    expect(() => migrateSqlite(db)).toThrow(/newer than this server knows/)
    db.close()
  })

  it('leaves nothing to do for a second connection to the file (the version is read inside the write lock)', () => {
    const dir = tempDir()
    try {
      const file = path.join(dir, 'chat.db')
      const first = new Database(file)
      const second = new Database(file)
      second.pragma('busy_timeout = 5000')
      const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version
      expect(migrateSqlite(first)).toEqual({ from: 0, to: latest })
      expect(migrateSqlite(second)).toEqual({ from: latest, to: latest })
      first.close()
      second.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('SqliteStore', () => {
  let store: SqliteStore
  beforeEach(async () => {
    store = SqliteStore.open(':memory:')
    await store.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
    await store.insertConversation({ id: 'conv_1', customerId: 'c_1', agentId: null, status: 'queued' }, 1)
  })
  afterEach(() => store.close())

  const from = { id: 'c_1', role: 'customer' as const, name: '顾客 1' }
  const append = (id: string, text: string, ts = 5) =>
    store.transaction((tx) => tx.appendMessage({ conversationId: 'conv_1', id, ts, from, kind: 'text', text }))

  it('gives messages seqs 1, 2, 3 per conversation', async () => {
    const seqs: number[] = []
    for (const id of ['a', 'b', 'c']) seqs.push((await append(id, id)).seq)
    expect(seqs).toEqual([1, 2, 3])
    expect(await store.conversation('conv_1')).toMatchObject({ lastSeq: 3, lastMessage: { id: 'c', seq: 3, text: 'c' } })
  })

  it('gives gapless seqs to transactions started together (one at a time on the one connection)', async () => {
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => append(`m${i}`, `${i}`)))
    expect(acks.map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
  })

  it('refuses a second message with the same id in a conversation (unique index), and rolls the seq back', async () => {
    await append('a', 'x')
    await expect(append('a', 'y', 6)).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE/) })
    expect(await store.messageCount('conv_1')).toBe(1)
    expect((await store.conversation('conv_1'))?.lastSeq).toBe(1)
  })

  it('keeps one conversation that is not closed per customer (unique index)', async () => {
    await expect(store.insertConversation({ id: 'conv_2', customerId: 'c_1', agentId: null, status: 'queued' }, 2)).rejects.toMatchObject({
      message: expect.stringMatching(/UNIQUE/),
    })
    await store.updateConversation('conv_1', 'closed', null, 3)
    await expect(store.insertConversation({ id: 'conv_2', customerId: 'c_1', agentId: null, status: 'queued' }, 2)).resolves.toBeUndefined()
  })

  it('stores text as text, never as SQL', async () => {
    const text = "'); DROP TABLE messages; --"
    await append("x'--", text)
    expect((await store.messageById('conv_1', "x'--"))?.text).toBe(text)
  })

  it('pages forwards and backwards', async () => {
    for (let i = 1; i <= 5; i++) await append(`m${i}`, `${i}`, i)
    expect(await store.messagesAfter('conv_1', 1, 2)).toEqual({
      messages: [expect.objectContaining({ seq: 2 }), expect.objectContaining({ seq: 3 })],
      hasMore: true,
    })
    expect((await store.messagesAfter('conv_1', 3, 2)).hasMore).toBe(false)
    expect(await store.messagesBefore('conv_1', 5, 2)).toEqual({
      messages: [expect.objectContaining({ seq: 3 }), expect.objectContaining({ seq: 4 })],
      hasMore: true,
    })
    expect((await store.messagesBefore('conv_1', 3, 2)).hasMore).toBe(false)
  })

  it('never lowers a read mark or raises it past the last message', async () => {
    await append('a', 'x')
    expect(await store.markRead('conv_1', 'agent', 10)).toBe(1)
    expect(await store.markRead('conv_1', 'agent', 0)).toBe(1)
    expect(await store.markRead('conv_1', 'customer', 1)).toBe(1)
  })

  it('keeps a statement outside a transaction from seeing its uncommitted rows', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const tx = store.transaction(async (q) => {
      await q.appendMessage({ conversationId: 'conv_1', id: 'pending', ts: 5, from, kind: 'text', text: 'x' })
      await held
      throw new Error('rolled back')
    })
    const count = store.messageCount('conv_1') // waits for the transaction
    release()
    await expect(tx).rejects.toThrow('rolled back')
    expect(await count).toBe(0)
  })

  it('answers healthy, and unhealthy once closed', async () => {
    expect(await store.healthy()).toBe(true)
    await store.close()
    expect(await store.healthy()).toBe(false)
  })

  it('opens a file database in WAL mode', async () => {
    const dir = tempDir()
    try {
      const file = SqliteStore.open(path.join(dir, 'chat.db'), { synchronous: 'full' })
      expect(file.db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(file.db.pragma('synchronous', { simple: true })).toBe(2)
      await file.close()
      expect(fs.existsSync(path.join(dir, 'chat.db'))).toBe(true)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
