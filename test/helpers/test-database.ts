/**
 * Which store the server tests run on. `npx jest` runs them on SQLite (the `node` project); the
 * `server-pg` project (jest.config.js, present when TEST_DATABASE_URL is set) runs the same
 * files again with CHAT_TEST_STORE=postgres, each server on a schema of its own in that database.
 *
 * Schemas are created with psql (synchronously, so that helpers building a child process's
 * environment stay synchronous) and dropped when the test file ends (test/server/pg-setup.ts).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { PostgresStore } from '../../server/store/postgres'
import { SqliteStore } from '../../server/store/sqlite'
import type { Store } from '../../server/store/store'

/** The secret every PostgreSQL-backed test server shares (a cluster needs one, of 32 characters or more). */
export const TEST_CLUSTER_SECRET = 'test-cluster-secret-0123456789abcdef'

export function testStoreKind(): 'sqlite' | 'postgres' {
  return process.env.CHAT_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'
}

export function testDatabaseUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL
  return url === undefined || url === '' ? undefined : url
}

const created = new Set<string>()
let counter = 0

function psql(sql: string): void {
  const url = testDatabaseUrl()
  if (url === undefined) throw new Error('TEST_DATABASE_URL is not set')
  const res = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`psql failed: ${res.stderr || res.error?.message}`)
}

/**
 * A database URL on a schema of its own: a fresh one each call, or for `key` (a data folder) the
 * same one each time, so that a server restarted on its data folder finds its rows again.
 */
export function schemaUrl(key?: string): string {
  const base = testDatabaseUrl()
  if (base === undefined) throw new Error('TEST_DATABASE_URL is not set')
  const tag =
    key === undefined ? `${++counter}_${Math.random().toString(36).slice(2, 8)}` : createHash('sha1').update(key).digest('hex').slice(0, 12)
  const schema = `t_${process.pid}_${tag}`
  if (!created.has(schema)) {
    // Extensions are per database, in one schema: in public, seen from every test schema (search_path below).
    if (created.size === 0) psql('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public')
    psql(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    created.add(schema)
  }
  const url = new URL(base)
  url.searchParams.set('options', `-c search_path=${schema},public`)
  return url.toString()
}

/** Drops the schemas this process created. */
export function dropTestSchemas(): void {
  if (created.size === 0) return
  psql([...created].map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE;`).join(' '))
  created.clear()
}

/**
 * What a test server adds to its options: nothing on SQLite; on PostgreSQL a schema (per data
 * folder when one is given, fresh for ':memory:') and the shared secret.
 */
export function storeOptions(dataDir?: string): { databaseUrl?: string; secret?: string } {
  if (testStoreKind() === 'sqlite') return {}
  return { databaseUrl: schemaUrl(dataDir === undefined || dataDir === ':memory:' ? undefined : dataDir), secret: TEST_CLUSTER_SECRET }
}

/** The same as environment variables, for a server started as a child process. */
export function storeEnv(dataDir?: string): Record<string, string> {
  const o = storeOptions(dataDir)
  return o.databaseUrl === undefined ? {} : { DATABASE_URL: o.databaseUrl, SECRET: TEST_CLUSTER_SECRET }
}

/** A fresh, empty store of the kind under test. */
export function openTestStore(): Promise<Store> {
  if (testStoreKind() === 'sqlite') return Promise.resolve(SqliteStore.open(':memory:'))
  return PostgresStore.open(schemaUrl())
}
