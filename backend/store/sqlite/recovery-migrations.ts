/**
 * The recovery store's tables, as migrations of the `recovery` component (see migrate.ts), beside
 * the backup's in the same database. Append-only: a shipped entry is never edited.
 *
 * The search index is fed by an explicit step (`updateSearchIndex`), not by a trigger on the
 * backup's inserts: the text of a version comes out of its HTML through the sanitiser, which SQL
 * cannot call, and the backup's write path stays exactly as it was.
 */
export const RECOVERY_MIGRATIONS: readonly string[] = [
  `-- One row per message version the search index holds. entry_id is stable (an INTEGER PRIMARY
   -- KEY survives VACUUM, which may renumber message_versions' implicit rowids) and is the FTS rowid;
   -- source_rowid is the message_versions rowid it was read from, the index step's watermark.
   CREATE TABLE recovery_indexed (
     entry_id           INTEGER PRIMARY KEY,
     source_rowid       INTEGER NOT NULL,
     tenant_id          TEXT NOT NULL,
     chat_id            TEXT NOT NULL,
     message_id         TEXT NOT NULL,
     version_key        TEXT NOT NULL,
     created            TEXT NOT NULL,
     created_ms         INTEGER NOT NULL,
     from_user_id       TEXT
   );
   CREATE UNIQUE INDEX recovery_indexed_identity
     ON recovery_indexed (tenant_id, chat_id, message_id, version_key);
   CREATE INDEX recovery_indexed_by_source ON recovery_indexed (source_rowid);
   -- Erasure finds a user's messages, retention old ones, without reading message_versions.
   CREATE INDEX recovery_indexed_by_sender ON recovery_indexed (tenant_id, from_user_id);
   CREATE INDEX recovery_indexed_by_created ON recovery_indexed (tenant_id, created_ms);

   -- The words of each indexed version (body) and tokens naming its tenant, chat and sender (scope),
   -- so that a search is one MATCH restricted to its tenant inside the full-text index. Contentless:
   -- the text stays in message_versions only; contentless_delete lets erasure remove entries.
   CREATE VIRTUAL TABLE recovery_search USING fts5(
     body,
     scope,
     content = '',
     contentless_delete = 1,
     tokenize = 'unicode61 remove_diacritics 2'
   );

   -- Each hosted content an indexed version references: a blob may be deleted once no row names it.
   CREATE TABLE recovery_blob_refs (
     entry_id           INTEGER NOT NULL,
     tenant_id          TEXT NOT NULL,
     sha256             TEXT NOT NULL,
     PRIMARY KEY (entry_id, sha256)
   ) WITHOUT ROWID;
   CREATE INDEX recovery_blob_refs_by_hash ON recovery_blob_refs (tenant_id, sha256);

   CREATE TABLE retention_policies (
     tenant_id          TEXT PRIMARY KEY,
     doc                TEXT NOT NULL         -- JSON RetentionPolicy
   ) WITHOUT ROWID;

   -- Hashes removed versions referenced, until each blob is deleted or found still in use.
   CREATE TABLE blob_sweeps (
     tenant_id          TEXT NOT NULL,
     sweep_id           TEXT NOT NULL,
     created_at         TEXT NOT NULL,
     hashes             TEXT NOT NULL,        -- JSON string[]
     PRIMARY KEY (tenant_id, sweep_id)
   ) WITHOUT ROWID;`,
];
