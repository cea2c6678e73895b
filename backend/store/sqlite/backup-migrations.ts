/**
 * The backup store's tables, as migrations of the `backup` component (see migrate.ts). Append-only:
 * a shipped entry is never edited. Records whose shape the store never queries by are kept as JSON
 * (`doc`), beside the columns queries and indexes need.
 */
export const BACKUP_MIGRATIONS: readonly string[] = [
  `CREATE TABLE directory_users (
     tenant_id          TEXT NOT NULL,
     user_id            TEXT NOT NULL,
     upn                TEXT NOT NULL,
     display_name       TEXT NOT NULL,
     state              TEXT NOT NULL,
     updated_at         TEXT NOT NULL,
     last_backed_up_at  TEXT,
     last_error         TEXT,                 -- JSON UserBackupError
     PRIMARY KEY (tenant_id, user_id)
   ) WITHOUT ROWID;

   CREATE TABLE chats (
     tenant_id          TEXT NOT NULL,
     chat_id            TEXT NOT NULL,
     doc                TEXT NOT NULL,        -- JSON ChatRecord (with the raw Graph chat)
     PRIMARY KEY (tenant_id, chat_id)
   );

   CREATE TABLE chat_members (
     tenant_id          TEXT NOT NULL,
     chat_id            TEXT NOT NULL,
     user_id            TEXT NOT NULL,
     present            INTEGER NOT NULL,
     doc                TEXT NOT NULL,        -- JSON ChatMemberRecord
     PRIMARY KEY (tenant_id, chat_id, user_id)
   ) WITHOUT ROWID;
   -- A user's chats, for browsing.
   CREATE INDEX chat_members_by_user ON chat_members (tenant_id, user_id, chat_id);

   CREATE TABLE pinned_messages (
     tenant_id          TEXT NOT NULL,
     chat_id            TEXT NOT NULL,
     seen_at            TEXT NOT NULL,
     doc                TEXT NOT NULL,        -- JSON PinnedMessageInput[]
     PRIMARY KEY (tenant_id, chat_id)
   );

   -- Never updated, never deleted by a backup: one row per captured state of a message.
   CREATE TABLE message_versions (
     tenant_id          TEXT NOT NULL,
     chat_id            TEXT NOT NULL,
     message_id         TEXT NOT NULL,
     version_key        TEXT NOT NULL,
     captured_at        TEXT NOT NULL,
     run_id             TEXT NOT NULL,
     etag               TEXT,
     last_modified      TEXT,
     created            TEXT NOT NULL,
     deleted            TEXT,
     from_user_id       TEXT,
     message_type       TEXT NOT NULL,
     message            TEXT NOT NULL,        -- the Graph chatMessage JSON as received
     hosted_contents    TEXT NOT NULL         -- JSON HostedContentRef[]
   );
   -- The only index: it makes a version unique, walks a chat message by message (ground truth,
   -- and "a chat as of time T": per message, the latest version captured at or before T), and
   -- is all a write pays for. A message has few versions, so ordering them by capture is left to
   -- the reader; an index on captured_at would cost every write as much again.
   CREATE UNIQUE INDEX message_versions_identity
     ON message_versions (tenant_id, chat_id, message_id, version_key);

   CREATE TABLE message_heads (
     tenant_id          TEXT NOT NULL,
     chat_id            TEXT NOT NULL,
     message_id         TEXT NOT NULL,
     deleted            INTEGER NOT NULL,
     version_count      INTEGER NOT NULL,
     doc                TEXT NOT NULL,        -- JSON MessageHead
     PRIMARY KEY (tenant_id, chat_id, message_id)
   ) WITHOUT ROWID;

   CREATE TABLE checkpoints (
     tenant_id          TEXT NOT NULL,
     key                TEXT NOT NULL,
     value              TEXT NOT NULL,        -- JSON
     updated_at         TEXT NOT NULL,
     PRIMARY KEY (tenant_id, key)
   ) WITHOUT ROWID;

   CREATE TABLE runs (
     tenant_id          TEXT NOT NULL,
     run_id             TEXT NOT NULL,
     started_at         TEXT NOT NULL,
     finished_at        TEXT,
     doc                TEXT NOT NULL,        -- JSON RunRecord
     PRIMARY KEY (tenant_id, run_id)
   );
   CREATE INDEX runs_by_start ON runs (tenant_id, started_at, run_id);
   CREATE INDEX runs_by_finish ON runs (tenant_id, finished_at) WHERE finished_at IS NOT NULL;

   CREATE TABLE leases (
     tenant_id          TEXT NOT NULL,
     name               TEXT NOT NULL,
     holder_id          TEXT NOT NULL,
     acquired_at        TEXT NOT NULL,
     expires_at         TEXT NOT NULL,
     revision           INTEGER NOT NULL,     -- the compare-and-swap token
     PRIMARY KEY (tenant_id, name)
   ) WITHOUT ROWID;

   CREATE TABLE work_items (
     tenant_id          TEXT NOT NULL,
     run_id             TEXT NOT NULL,
     key                TEXT NOT NULL,
     state              TEXT NOT NULL,        -- pending | claimed | done | failed
     holder_id          TEXT,
     expires_at         TEXT,
     attempts           INTEGER NOT NULL,
     revision           INTEGER NOT NULL,     -- the compare-and-swap token
     PRIMARY KEY (tenant_id, run_id, key)
   ) WITHOUT ROWID;
   CREATE INDEX work_items_by_state ON work_items (tenant_id, run_id, state, expires_at, key);`,
];
