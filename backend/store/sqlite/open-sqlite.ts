import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Opens (creating when missing) the embedded store's SQLite file; `:memory:` for tests. */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  // WAL lets the re-check and a request write while readers read; the busy timeout covers the
  // moments two writers meet.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // In WAL mode NORMAL fsyncs at checkpoints, not every commit: a power loss may drop the last
  // commits but never reorders them, so a backup checkpoint can never outlive the data it covers
  // (the engine writes data, then the checkpoint). It doubles the write rate of mixed pages.
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 10000');
  return db;
}
