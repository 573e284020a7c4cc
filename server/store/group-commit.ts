import type Database from 'better-sqlite3'
import type { Mutex } from 'async-mutex'
import type { StoreQueries } from './store'

interface Entry {
  fn: (tx: StoreQueries) => Promise<unknown>
  resolve(value: unknown): void
  reject(err: unknown): void
}

/**
 * Group commit for the SQLite store: the transactions asked for in one event-loop turn (say,
 * the frames of several sockets read in one poll) run one after another inside one
 * BEGIN IMMEDIATE … COMMIT, each in its own SAVEPOINT, and every one of them resolves only
 * after that COMMIT, so "acked means durable" holds as with a commit per transaction. One
 * that throws is rolled back to its savepoint alone and rejects at once (an error is no ack);
 * if SQLite ends the whole transaction (an I/O error, a full disk) or the COMMIT fails, every
 * transaction of the group rejects, as none of them is durable.
 *
 * What it saves is the BEGIN/COMMIT pair (the WAL write) per transaction under load; with one
 * transaction per turn it costs a hop to the check phase (setImmediate). Measured against a
 * commit per transaction by bench/group-commit.ts.
 */
export class GroupCommit {
  private pending: Entry[] = []
  /** The flush of the group being gathered, or undefined when none is waiting. */
  private scheduled: Promise<void> | undefined
  private readonly sql: Record<'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo', Database.Statement>

  constructor(
    private readonly db: Database.Database,
    private readonly lock: Mutex,
    private readonly inside: StoreQueries,
  ) {
    this.sql = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT tx'),
      release: db.prepare('RELEASE tx'),
      rollbackTo: db.prepare('ROLLBACK TO tx'),
    }
  }

  run<T>(fn: (tx: StoreQueries) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve, reject })
      this.scheduled ??= new Promise<void>((turn) => setImmediate(turn)).then(() => this.flush())
    })
  }

  /** Resolves once every transaction asked for so far has settled. */
  async idle(): Promise<void> {
    while (this.scheduled) await this.scheduled
    await this.lock.waitForUnlock()
  }

  private flush(): Promise<void> {
    this.scheduled = undefined
    const group = this.pending
    this.pending = []
    return this.lock.runExclusive(() => this.commit(group))
  }

  private async commit(group: Entry[]): Promise<void> {
    const { sql, db } = this
    let done: Array<[Entry, unknown]> = []
    const failAll = (err: unknown) => {
      for (const [entry] of done) entry.reject(err)
      done = []
    }
    sql.begin.run()
    for (const entry of group) {
      sql.savepoint.run()
      try {
        const value = await entry.fn(this.inside)
        sql.release.run()
        done.push([entry, value])
      } catch (err) {
        entry.reject(err)
        if (db.inTransaction) {
          sql.rollbackTo.run()
          sql.release.run()
        } else {
          // SQLite rolled the whole transaction back: the group's earlier work is gone too.
          failAll(err)
          sql.begin.run()
        }
      }
    }
    try {
      sql.commit.run()
    } catch (err) {
      if (db.inTransaction) sql.rollback.run()
      failAll(err)
      return
    }
    for (const [entry, value] of done) entry.resolve(value)
  }
}
