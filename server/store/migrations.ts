import type Database from 'better-sqlite3'

/**
 * One schema step, in both dialects. Never edit a released migration: add the next version
 * instead, with its SQLite and its PostgreSQL text (both stores run the same versions).
 *
 * The two texts of a step look alike (the same tables, columns and indexes) but are kept written
 * out, not derived one from the other: the dialects differ where it matters (BIGINT for ms
 * timestamps where SQLite's INTEGER is 64-bit already; no rowid or WITHOUT ROWID, hence
 * `created_order` identity columns; FTS5 vs pg_trgm for search), and a released text must stay
 * byte-for-byte what databases were migrated with, which a shared generator would silently change.
 */
export interface Migration {
  version: number
  name: string
  sqlite: string
  postgres: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, conversations, messages',
    sqlite: `
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
    postgres: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        role          TEXT NOT NULL CHECK (role IN ('customer', 'agent')),
        name          TEXT NOT NULL,
        avatar        TEXT,
        username      TEXT UNIQUE,
        password_hash TEXT,
        login_key     TEXT UNIQUE,
        created_at    BIGINT NOT NULL
      );

      CREATE TABLE conversations (
        id                TEXT PRIMARY KEY,
        customer_id       TEXT NOT NULL REFERENCES users(id),
        agent_id          TEXT REFERENCES users(id),
        status            TEXT NOT NULL CHECK (status IN ('queued', 'assigned', 'open', 'closed')),
        created_at        BIGINT NOT NULL,
        updated_at        BIGINT NOT NULL,
        last_seq          INTEGER NOT NULL DEFAULT 0,
        customer_read_seq INTEGER NOT NULL DEFAULT 0,
        agent_read_seq    INTEGER NOT NULL DEFAULT 0,
        -- Insertion order, the tie-break SQLite's rowid gives.
        created_order     BIGINT GENERATED ALWAYS AS IDENTITY
      );
      CREATE UNIQUE INDEX conversations_one_active ON conversations(customer_id) WHERE status <> 'closed';
      CREATE INDEX conversations_customer ON conversations(customer_id, created_at);
      CREATE INDEX conversations_agent ON conversations(agent_id, status);
      CREATE INDEX conversations_status ON conversations(status, created_at);

      CREATE TABLE messages (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        seq             INTEGER NOT NULL,
        id              TEXT NOT NULL,
        ts              BIGINT NOT NULL,
        from_id         TEXT NOT NULL,
        from_role       TEXT NOT NULL CHECK (from_role IN ('customer', 'agent', 'system')),
        from_name       TEXT NOT NULL,
        from_avatar     TEXT,
        kind            TEXT NOT NULL CHECK (kind IN ('text', 'image', 'system')),
        text            TEXT,
        image           TEXT,
        PRIMARY KEY (conversation_id, seq)
      );
      CREATE UNIQUE INDEX messages_id ON messages(conversation_id, id);
    `,
  },
  {
    version: 2,
    name: 'recalled messages, ratings',
    sqlite: `
      ALTER TABLE messages ADD COLUMN recalled_at INTEGER;  -- its sender took it back; text and image cleared
      ALTER TABLE conversations ADD COLUMN rating_score INTEGER CHECK (rating_score BETWEEN 1 AND 5);
      ALTER TABLE conversations ADD COLUMN rating_comment TEXT;
      ALTER TABLE conversations ADD COLUMN rated_at INTEGER;
      CREATE INDEX messages_recalled ON messages(conversation_id, recalled_at) WHERE recalled_at IS NOT NULL;
    `,
    postgres: `
      ALTER TABLE messages ADD COLUMN recalled_at BIGINT;
      ALTER TABLE conversations ADD COLUMN rating_score INTEGER CHECK (rating_score BETWEEN 1 AND 5);
      ALTER TABLE conversations ADD COLUMN rating_comment TEXT;
      ALTER TABLE conversations ADD COLUMN rated_at BIGINT;
      CREATE INDEX messages_recalled ON messages(conversation_id, recalled_at) WHERE recalled_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'service desk: notice codes, customer devices, agent status, canned replies, notes, message search',
    sqlite: `
      -- System notices: what happened, as JSON {code, agent?, from?, by?}, so each side reads its own wording.
      ALTER TABLE messages ADD COLUMN notice TEXT;
      -- Customers: the device the mini-program reported (JSON {platform, model, system, version, SDKVersion, brand}).
      ALTER TABLE users ADD COLUMN device TEXT;
      -- Agents: NULL is 在线 (online); routing skips busy and away.
      ALTER TABLE users ADD COLUMN agent_status TEXT CHECK (agent_status IN ('online', 'busy', 'away'));

      CREATE TABLE canned_replies (
        id         TEXT PRIMARY KEY,
        owner_id   TEXT REFERENCES users(id),  -- NULL: the team's list
        title      TEXT NOT NULL,
        text       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX canned_replies_owner ON canned_replies(owner_id, title);

      CREATE TABLE notes (
        id              TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        author_id       TEXT NOT NULL REFERENCES users(id),
        author_name     TEXT NOT NULL,
        text            TEXT NOT NULL,
        created_at      INTEGER NOT NULL
      );
      CREATE INDEX notes_conversation ON notes(conversation_id, created_at);


      -- Full-text search over text messages: FTS5 with the trigram tokenizer (any language, Chinese
      -- included: no word splitting needed; LIKE '%词%' on it uses the index for 3+ characters).
      CREATE VIRTUAL TABLE messages_fts USING fts5(text, conversation_id UNINDEXED, seq UNINDEXED, tokenize = 'trigram');
      INSERT INTO messages_fts (text, conversation_id, seq)
        SELECT text, conversation_id, seq FROM messages WHERE kind = 'text' AND text IS NOT NULL;
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.kind = 'text' AND new.text IS NOT NULL
      BEGIN
        INSERT INTO messages_fts (text, conversation_id, seq) VALUES (new.text, new.conversation_id, new.seq);
      END;
    `,
    postgres: `
      ALTER TABLE messages ADD COLUMN notice TEXT;
      ALTER TABLE users ADD COLUMN device TEXT;
      ALTER TABLE users ADD COLUMN agent_status TEXT CHECK (agent_status IN ('online', 'busy', 'away'));

      CREATE TABLE canned_replies (
        id         TEXT PRIMARY KEY,
        owner_id   TEXT REFERENCES users(id),
        title      TEXT NOT NULL,
        text       TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX canned_replies_owner ON canned_replies(owner_id, title);

      CREATE TABLE notes (
        id              TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        author_id       TEXT NOT NULL REFERENCES users(id),
        author_name     TEXT NOT NULL,
        text            TEXT NOT NULL,
        created_at      BIGINT NOT NULL
      );
      CREATE INDEX notes_conversation ON notes(conversation_id, created_at);


      -- The search's equivalent: pg_trgm's trigram GIN index serves ILIKE '%词%'.
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE INDEX messages_text_trgm ON messages USING gin (text gin_trgm_ops) WHERE kind = 'text';
    `,
  },
  {
    version: 4,
    name: 'service desk on PostgreSQL: notes in insertion order',
    // SQLite's rowid already orders notes of the same ms as they were written.
    sqlite: `-- nothing to do: rowid is the notes' insertion order`,
    // PostgreSQL has no rowid: an identity column gives the same tie-break (existing rows numbered in table order).
    postgres: `
      ALTER TABLE notes ADD COLUMN created_order BIGINT GENERATED ALWAYS AS IDENTITY;
    `,
  },
]

function latestOf(migrations: readonly Migration[]): number {
  return migrations[migrations.length - 1]?.version ?? 0
}

/** The check both stores make before migrating. */
export function refuseNewer(from: number, migrations: readonly Migration[]): void {
  const latest = latestOf(migrations)
  if (from > latest) throw new Error(`database schema version ${from} is newer than this server knows (${latest}); upgrade the server`)
}

/**
 * Brings a SQLite database to the newest version; returns the versions it went from and to.
 * The whole run is one BEGIN IMMEDIATE transaction, so processes starting together on the same
 * file migrate one after the other (the second finds the work done), and a failing step leaves
 * the database as it was.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  return db
    .transaction(() => {
      const from = db.pragma('user_version', { simple: true }) as number
      refuseNewer(from, migrations)
      for (const migration of migrations) {
        if (migration.version <= from) continue
        db.exec(migration.sqlite)
        db.pragma(`user_version = ${migration.version}`)
      }
      return { from, to: Math.max(from, latestOf(migrations)) }
    })
    .immediate()
}
