import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { SqliteStore } from '../../server/store/sqlite'
import { tempDir } from './helpers/server-harness'

/**
 * Group commit (server/store/group-commit.ts): the transactions asked for in one turn share one
 * COMMIT and each resolves only after it. A second connection to the same file sees what is
 * committed, and nothing else.
 */
describe('SqliteStore group commit', () => {
  let dir: string
  let store: SqliteStore
  let reader: Database.Database
  const from = { id: 'c_1', role: 'customer' as const, name: '顾客 1' }
  const committed = () => (reader.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n

  beforeEach(async () => {
    dir = tempDir()
    store = SqliteStore.open(path.join(dir, 'chat.db'))
    await store.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
    await store.insertConversation({ id: 'conv_1', customerId: 'c_1', agentId: null, status: 'queued' }, 1)
    reader = new Database(path.join(dir, 'chat.db'), { readonly: true })
  })
  afterEach(async () => {
    reader.close()
    await store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const append = (id: string, during?: () => void) =>
    store.transaction(async (tx) => {
      const m = await tx.appendMessage({ conversationId: 'conv_1', id, ts: 5, from, kind: 'text', text: id })
      during?.()
      return m
    })

  it('runs the transactions of one turn in one transaction, each resolving after its commit', async () => {
    const seen: number[] = []
    const afterEach: number[] = []
    const all = ['a', 'b', 'c'].map((id) =>
      append(id, () => seen.push(committed())).then((m) => {
        afterEach.push(committed())
        return m.seq
      }),
    )
    expect(await Promise.all(all)).toEqual([1, 2, 3])
    // Inside the group nothing was committed yet, not even the first one's row.
    expect(seen).toEqual([0, 0, 0])
    // By the time any of them resolved, all three were on disk.
    expect(afterEach).toEqual([3, 3, 3])
  })

  it('rolls back a failing transaction alone; the others of its group commit', async () => {
    const results = await Promise.allSettled([
      append('a'),
      append('a'), // the same id: UNIQUE fails
      append('b'),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(committed()).toBe(2)
    expect((await store.conversation('conv_1'))?.lastSeq).toBe(2)
  })

  it('rejects the whole group when SQLite ends the transaction, and carries on with the rest', async () => {
    const results = await Promise.allSettled([
      append('a'),
      store.transaction(() => {
        store.db.exec('ROLLBACK') // what SQLite does on a full disk or an I/O error
        return Promise.reject(new Error('disk I/O error'))
      }),
      append('c'),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled'])
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('disk I/O error'))
    expect(committed()).toBe(1)
    expect(await store.messageById('conv_1', 'c')).toMatchObject({ seq: 1 })
  })

  it('commits a group still waiting for its turn before closing', async () => {
    const pending = append('late')
    await store.close()
    await expect(pending).resolves.toMatchObject({ id: 'late' })
    expect(committed()).toBe(1)
  })

  it('keeps a commit per transaction with groupCommit: false', async () => {
    const single = SqliteStore.open(path.join(dir, 'single.db'), { groupCommit: false })
    const singleReader = new Database(path.join(dir, 'single.db'), { readonly: true })
    try {
      await single.ensureCustomer({ id: 'c_1', name: '顾客 1', loginKey: 'dev:1' }, 1)
      await single.insertConversation({ id: 'conv_1', customerId: 'c_1', agentId: null, status: 'queued' }, 1)
      const seen: number[] = []
      const count = () => (singleReader.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n
      await Promise.all(
        ['a', 'b', 'c'].map((id) =>
          single.transaction(async (tx) => {
            seen.push(count())
            return tx.appendMessage({ conversationId: 'conv_1', id, ts: 5, from, kind: 'text', text: id })
          }),
        ),
      )
      expect(seen).toEqual([0, 1, 2])
    } finally {
      singleReader.close()
      await single.close()
    }
  })
})
