import type Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../connection/clock';
import type { BackupStore } from '../backup-store';
import { composeStores } from '../compose-store';
import { BACKUP_MIGRATIONS } from './backup-migrations';
import { migrate } from './migrate';
import { SqliteChatStore } from './sqlite-chat-store';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store';
import { SqliteDirectoryStore } from './sqlite-directory-store';
import { SqliteLeaseStore } from './sqlite-lease-store';
import { SqliteMessageStore } from './sqlite-message-store';
import { SqliteRunStore } from './sqlite-run-store';

export interface SqliteBackupStoreOptions {
  /** Stamps leases, claims, runs and checkpoints; tests pass a manual clock. */
  clock?: Pick<Clock, 'now'>;
  /** Test seam: called before every message row write; throwing fails the write like a crash. */
  beforeWrite?: () => void;
}

/**
 * The embedded default's backup store, in the same SQLite database as the connection store (its
 * own `backup` migrations). better-sqlite3 is synchronous: every call completes before it resolves.
 */
export function createSqliteBackupStore(
  db: Database.Database,
  options: SqliteBackupStoreOptions = {},
): BackupStore {
  migrate(db, 'backup', BACKUP_MIGRATIONS);
  const clock = options.clock ?? systemClock;
  return composeStores<BackupStore>(
    new SqliteDirectoryStore(db, clock),
    new SqliteChatStore(db),
    new SqliteMessageStore(db, options.beforeWrite),
    new SqliteCheckpointStore(db, clock),
    new SqliteRunStore(db, clock),
    new SqliteLeaseStore(db, clock),
  );
}
