import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { migrate, MIGRATIONS } from '../../server/store/migrations'
import { ChatStore } from '../../server/store/sqlite'
import { tempDir } from './helpers/server-harness'

describe('migrate', () => {
  it('brings a new database to the latest version, and does nothing the second time', () => {
    const db = new Database(':memory:')
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version
    expect(migrate(db)).toEqual({ from: 0, to: latest })
    expect(db.pragma('user_version', { simple: true })).toBe(latest)
    expect(migrate(db)).toEqual({ from: latest, to: latest })
    db.close()
  })

  it('applies only the steps a database is missing, in order', () => {
    const db = new Database(':memory:')
    const steps = [
      { version: 1, name: 'a', up: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'b', up: 'ALTER TABLE a ADD COLUMN y INTEGER' },
    ]
    migrate(db, steps.slice(0, 1))
    expect(migrate(db, steps)).toEqual({ from: 1, to: 2 })
    expect(db.prepare('SELECT y FROM a').all()).toEqual([])
    db.close()
  })

  it('rolls a failing step back whole', () => {
    const db = new Database(':memory:')
    const steps = [{ version: 1, name: 'bad', up: 'CREATE TABLE a (x INTEGER); CREATE TABLE a (y INTEGER);' }]
    expect(() => migrate(db, steps)).toThrow()
    expect(db.pragma('user_version', { simple: true })).toBe(0)
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'a'").all()).toEqual([])
    db.close()
  })

  it('refuses a database newer than the server', () => {
    const db = new Database(':memory:')
    db.pragma('user_version = 999')
    expect(() => migrate(db)).toThrow(/newer than this server knows/)
    db.close()
  })
})

describe('ChatStore', () => {
  let store: ChatStore
  beforeEach(() => {
    store = new ChatStore(':memory:')
    store.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
    store.insertConversation({ id: 'conv_1', customerId: 'c_1', agentId: null, status: 'queued' }, 1)
  })
  afterEach(() => store.close())

  const from = { id: 'c_1', role: 'customer' as const, name: '顾客 1' }

  it('gives messages seqs 1, 2, 3 per conversation', () => {
    const seqs = ['a', 'b', 'c'].map(
      (id) => store.transaction(() => store.appendMessage({ conversationId: 'conv_1', id, ts: 5, from, kind: 'text', text: id })).seq,
    )
    expect(seqs).toEqual([1, 2, 3])
    expect(store.conversation('conv_1')).toMatchObject({ lastSeq: 3, lastMessage: { id: 'c', seq: 3, text: 'c' } })
  })

  it('refuses a second message with the same id in a conversation (unique index)', () => {
    store.transaction(() => store.appendMessage({ conversationId: 'conv_1', id: 'a', ts: 5, from, kind: 'text', text: 'x' }))
    expect(() =>
      store.transaction(() => store.appendMessage({ conversationId: 'conv_1', id: 'a', ts: 6, from, kind: 'text', text: 'y' })),
    ).toThrow(/UNIQUE/)
    expect(store.messageCount('conv_1')).toBe(1)
    expect(store.conversation('conv_1')?.lastSeq).toBe(1)
  })

  it('keeps one conversation that is not closed per customer (unique index)', () => {
    expect(() => store.insertConversation({ id: 'conv_2', customerId: 'c_1', agentId: null, status: 'queued' }, 2)).toThrow(/UNIQUE/)
    store.updateConversation('conv_1', 'closed', null, 3)
    expect(() => store.insertConversation({ id: 'conv_2', customerId: 'c_1', agentId: null, status: 'queued' }, 2)).not.toThrow()
  })

  it('stores text as text, never as SQL', () => {
    const text = "'); DROP TABLE messages; --"
    store.transaction(() => store.appendMessage({ conversationId: 'conv_1', id: "x'--", ts: 5, from, kind: 'text', text }))
    expect(store.messageById('conv_1', "x'--")?.text).toBe(text)
  })

  it('pages forwards and backwards', () => {
    for (let i = 1; i <= 5; i++)
      store.transaction(() => store.appendMessage({ conversationId: 'conv_1', id: `m${i}`, ts: i, from, kind: 'text', text: `${i}` }))
    expect(store.messagesAfter('conv_1', 1, 2)).toEqual({
      messages: [expect.objectContaining({ seq: 2 }), expect.objectContaining({ seq: 3 })],
      hasMore: true,
    })
    expect(store.messagesAfter('conv_1', 3, 2).hasMore).toBe(false)
    expect(store.messagesBefore('conv_1', 5, 2)).toEqual({
      messages: [expect.objectContaining({ seq: 3 }), expect.objectContaining({ seq: 4 })],
      hasMore: true,
    })
    expect(store.messagesBefore('conv_1', 3, 2).hasMore).toBe(false)
  })

  it('never lowers a read mark or raises it past the last message', () => {
    store.transaction(() => store.appendMessage({ conversationId: 'conv_1', id: 'a', ts: 5, from, kind: 'text', text: 'x' }))
    expect(store.markRead('conv_1', 'agent', 10)).toBe(1)
    expect(store.markRead('conv_1', 'agent', 0)).toBe(1)
    expect(store.markRead('conv_1', 'customer', 1)).toBe(1)
  })

  it('opens a file database in WAL mode', () => {
    const dir = tempDir()
    try {
      const file = new ChatStore(path.join(dir, 'chat.db'), { synchronous: 'full' })
      expect(file.db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(file.db.pragma('synchronous', { simple: true })).toBe(2)
      file.close()
      expect(fs.existsSync(path.join(dir, 'chat.db'))).toBe(true)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
