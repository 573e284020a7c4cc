import type Database from 'better-sqlite3'

/** One schema step. Never edit a released migration: add the next version instead. */
export interface Migration {
  version: number
  name: string
  up: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, conversations, messages',
    up: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        role          TEXT NOT NULL CHECK (role IN ('customer', 'agent')),
        name          TEXT NOT NULL,
        avatar        TEXT,
        username      TEXT UNIQUE,          -- agents
        password_hash TEXT,                 -- agents: scrypt, see auth.ts
        login_key     TEXT UNIQUE,          -- customers: 'wx:<openid>' or 'dev:<code>'
        created_at    INTEGER NOT NULL
      );

      CREATE TABLE conversations (
        id                TEXT PRIMARY KEY,
        customer_id       TEXT NOT NULL REFERENCES users(id),
        agent_id          TEXT REFERENCES users(id),
        status            TEXT NOT NULL CHECK (status IN ('queued', 'assigned', 'open', 'closed')),
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        last_seq          INTEGER NOT NULL DEFAULT 0,
        customer_read_seq INTEGER NOT NULL DEFAULT 0,
        agent_read_seq    INTEGER NOT NULL DEFAULT 0
      );
      -- A customer has at most one conversation that is not closed.
      CREATE UNIQUE INDEX conversations_one_active ON conversations(customer_id) WHERE status <> 'closed';
      CREATE INDEX conversations_customer ON conversations(customer_id, created_at);
      CREATE INDEX conversations_agent ON conversations(agent_id, status);
      CREATE INDEX conversations_status ON conversations(status, created_at);

      CREATE TABLE messages (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        seq             INTEGER NOT NULL,
        id              TEXT NOT NULL,
        ts              INTEGER NOT NULL,
        from_id         TEXT NOT NULL,
        from_role       TEXT NOT NULL CHECK (from_role IN ('customer', 'agent', 'system')),
        from_name       TEXT NOT NULL,
        from_avatar     TEXT,
        kind            TEXT NOT NULL CHECK (kind IN ('text', 'image', 'system')),
        text            TEXT,
        image           TEXT,               -- JSON {url, width?, height?}
        PRIMARY KEY (conversation_id, seq)
      ) WITHOUT ROWID;
      -- Idempotency: a message id is stored once per conversation.
      CREATE UNIQUE INDEX messages_id ON messages(conversation_id, id);
    `,
  },
]

/** Brings the database to the newest version, one transaction per step; returns the versions it went from and to. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number
  const latest = migrations[migrations.length - 1]?.version ?? 0
  if (from > latest) {
    throw new Error(`database schema version ${from} is newer than this server knows (${latest}); upgrade the server`)
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue
    db.transaction(() => {
      db.exec(migration.up)
      db.pragma(`user_version = ${migration.version}`)
    })()
  }
  return { from, to: Math.max(from, latest) }
}
