import Database from 'better-sqlite3';

/**
 * The simulator's tenant database. Rows hold the exact JSON Graph returns (`json`) beside the
 * columns queries filter and order on, so a page is one index range scan plus string joins.
 *
 * Conventions: times are epoch milliseconds (`*_ms`); every table is keyed by `tenant_id` first.
 * `seq` is a per-tenant change counter bumped on every message write (see `tenant_counters`);
 * getAllMessages/delta tokens are `seq` values. `version` counts a message's distinct states
 * (1 when posted, +1 on every edit, reaction change or deletion): the ground truth for "versions".
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS tenants (
  id            TEXT PRIMARY KEY,
  domain        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS tenant_counters (
  tenant_id     TEXT PRIMARY KEY,
  seq           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS users (
  tenant_id       TEXT NOT NULL,
  id              TEXT NOT NULL,
  upn             TEXT NOT NULL COLLATE NOCASE,
  display_name    TEXT NOT NULL,
  account_enabled INTEGER NOT NULL,
  teams_licensed  INTEGER NOT NULL,
  user_type       TEXT NOT NULL,          -- 'Member' | 'Guest'
  home_tenant_id  TEXT,                   -- a guest's own tenant (chat members and senders carry it); null for members
  deleted         INTEGER NOT NULL DEFAULT 0,
  ordinal         INTEGER NOT NULL,       -- stable paging order
  json            TEXT NOT NULL,          -- the Graph user resource (default properties of GET /users)
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS users_by_upn ON users (tenant_id, upn);
CREATE INDEX IF NOT EXISTS users_by_ordinal ON users (tenant_id, ordinal);

CREATE TABLE IF NOT EXISTS groups (
  tenant_id     TEXT NOT NULL,
  id            TEXT NOT NULL,
  display_name  TEXT NOT NULL COLLATE NOCASE,   -- directory string comparisons ignore case
  ordinal       INTEGER NOT NULL,               -- stable paging order
  json          TEXT NOT NULL,                  -- the Graph group resource (default properties of GET /groups)
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS groups_by_ordinal ON groups (tenant_id, ordinal);
CREATE INDEX IF NOT EXISTS groups_by_name ON groups (tenant_id, display_name);

CREATE TABLE IF NOT EXISTS group_members (
  tenant_id     TEXT NOT NULL,
  group_id      TEXT NOT NULL,
  member_id     TEXT NOT NULL,          -- a directory user's id, or a nested group's
  member_type   TEXT NOT NULL,          -- 'user' | 'group'
  PRIMARY KEY (tenant_id, group_id, member_id)
);
CREATE INDEX IF NOT EXISTS group_members_by_member ON group_members (tenant_id, member_id);

CREATE TABLE IF NOT EXISTS chats (
  tenant_id        TEXT NOT NULL,
  id               TEXT NOT NULL,
  chat_type        TEXT NOT NULL,         -- 'oneOnOne' | 'group' | 'meeting'
  created_ms       INTEGER NOT NULL,
  last_updated_ms  INTEGER NOT NULL,
  json             TEXT NOT NULL,         -- the Graph chat resource, without members/lastMessagePreview
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE IF NOT EXISTS chat_members (
  tenant_id        TEXT NOT NULL,
  chat_id          TEXT NOT NULL,
  membership_id    TEXT NOT NULL,         -- opaque, as Graph's conversationMember id
  user_id          TEXT NOT NULL,         -- may belong to another tenant (guests, federation)
  ordinal          INTEGER NOT NULL,      -- order members are listed and paged in
  json             TEXT NOT NULL,         -- the Graph aadUserConversationMember resource
  PRIMARY KEY (tenant_id, chat_id, membership_id)
);
CREATE INDEX IF NOT EXISTS chat_members_by_user ON chat_members (tenant_id, user_id, chat_id);
CREATE INDEX IF NOT EXISTS chat_members_by_ordinal ON chat_members (tenant_id, chat_id, ordinal);

CREATE TABLE IF NOT EXISTS messages (
  tenant_id         TEXT NOT NULL,
  chat_id           TEXT NOT NULL,
  id                TEXT NOT NULL,        -- epoch-ms string, unique within the chat
  created_ms        INTEGER NOT NULL,
  last_modified_ms  INTEGER NOT NULL,
  seq               INTEGER NOT NULL,
  version           INTEGER NOT NULL,
  deleted           INTEGER NOT NULL DEFAULT 0,
  message_type      TEXT NOT NULL,        -- 'message' | 'systemEventMessage'
  from_user_id      TEXT,                 -- null for application, device or from:null senders
  json              TEXT NOT NULL,        -- the Graph chatMessage resource; Graph URLs in it (hosted
                                          -- contents) use https://graph.microsoft.com/v1.0 as base:
                                          -- serve through rebaseGraphUrls (state/graph-urls.ts)
  PRIMARY KEY (tenant_id, chat_id, id)
);
-- The time indexes carry "deleted" too: with it they answer what a listing asks of a row before its
-- JSON, whether the row is still readable (graph/message-visibility.ts), so a page's edge is read
-- from the index alone.
CREATE INDEX IF NOT EXISTS messages_by_modified ON messages (tenant_id, chat_id, last_modified_ms, id, deleted);
CREATE INDEX IF NOT EXISTS messages_by_created ON messages (tenant_id, chat_id, created_ms, id, deleted);
CREATE INDEX IF NOT EXISTS messages_by_seq ON messages (tenant_id, seq);

CREATE TABLE IF NOT EXISTS content_blobs (
  sha256        TEXT PRIMARY KEY,
  content_type  TEXT NOT NULL,
  bytes         BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS hosted_contents (
  tenant_id     TEXT NOT NULL,
  chat_id       TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  id            TEXT NOT NULL,            -- opaque base64 id, as Graph's
  blob_sha256   TEXT NOT NULL REFERENCES content_blobs (sha256),
  PRIMARY KEY (tenant_id, chat_id, message_id, id)
);

CREATE TABLE IF NOT EXISTS pinned_messages (
  tenant_id     TEXT NOT NULL,
  chat_id       TEXT NOT NULL,
  id            TEXT NOT NULL,
  message_id    TEXT NOT NULL,
  pinned_ms     INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, chat_id, id)
);
`;

export type SimulatorDb = Database.Database;

/** Indexes whose definition changed since database files were first written: rebuilt on open. */
const REDEFINED_INDEXES: Record<string, string> = {
  messages_by_modified: 'deleted',
  messages_by_created: 'deleted',
};

/** Drops an index of an older file that lacks the column it now has; SCHEMA_SQL makes it again. */
function dropOutdatedIndexes(db: SimulatorDb): void {
  for (const [index, column] of Object.entries(REDEFINED_INDEXES)) {
    const columns = db.pragma(`index_info(${index})`) as { name: string }[];
    if (columns.length > 0 && !columns.some((c) => c.name === column)) db.exec(`DROP INDEX ${index}`);
  }
}

/** Opens (creating if needed) the simulator database; `:memory:` when no file is given. */
export function openSimulatorDb(file?: string): SimulatorDb {
  const db = new Database(file ?? ':memory:');
  // The simulator is a test double: speed over durability. WAL keeps readers off the writer's way.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -65536');
  // Pages read straight from the operating system's file cache: no read() and no copy per page. A
  // listing touches a page per message, and on a tenant file larger than the page cache above that
  // was most of a page's cost. (SQLite's default build maps at most about 2 GB; the rest is read.)
  db.pragma('mmap_size = 2147418112');
  dropOutdatedIndexes(db);
  db.exec(SCHEMA_SQL);
  return db;
}
