import type Database from 'better-sqlite3';
import type { Clock } from '../../connection/clock';
import type {
  DirectoryUser,
  DirectoryUserInput,
  Page,
  PageOptions,
  UserBackupStatus,
} from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import type { DirectoryStore } from '../backup-store';
import { decodeKeyCursor, encodeKeyCursor, pageLimit } from '../paging';

interface UserRow {
  tenant_id: string;
  user_id: string;
  upn: string;
  display_name: string;
  state: DirectoryUser['state'];
  updated_at: string;
  last_backed_up_at: string | null;
  last_error: string | null;
}

export class SqliteDirectoryStore implements DirectoryStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.statements = {
      upsert:
        db.prepare(`INSERT INTO directory_users (tenant_id, user_id, upn, display_name, state, updated_at)
          VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (tenant_id, user_id) DO UPDATE SET
            upn = excluded.upn, display_name = excluded.display_name, state = excluded.state,
            updated_at = excluded.updated_at`),
      setStatus: db.prepare(`UPDATE directory_users
          SET last_backed_up_at = COALESCE(?, last_backed_up_at), last_error = ?
          WHERE tenant_id = ? AND user_id = ?`),
      get: db.prepare('SELECT * FROM directory_users WHERE tenant_id = ? AND user_id = ?'),
      list: db.prepare(
        'SELECT * FROM directory_users WHERE tenant_id = ? AND user_id > ? ORDER BY user_id LIMIT ?',
      ),
    };
  }

  async upsertUsers(tenantId: string, users: DirectoryUserInput[]): Promise<void> {
    const at = this.clock.now().toISOString();
    this.db.transaction(() => {
      for (const u of users)
        this.statements.upsert.run(tenantId, u.userId, u.upn, u.displayName, u.state, at);
    })();
  }

  async setUserBackupStatus(tenantId: string, userId: string, status: UserBackupStatus): Promise<void> {
    const result = this.statements.setStatus.run(
      status.lastBackedUpAt ?? null,
      status.lastError ? JSON.stringify(status.lastError) : null,
      tenantId,
      userId,
    );
    if (result.changes === 0)
      throw new BackupStoreError('not_found', `No user ${userId} in the tenant's directory.`);
  }

  async getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    const row = this.statements.get.get(tenantId, userId) as UserRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async listUsers(tenantId: string, options: PageOptions = {}): Promise<Page<DirectoryUser>> {
    const limit = pageLimit(options.limit);
    const [after] = options.cursor ? decodeKeyCursor(options.cursor, 1) : [''];
    const rows = this.statements.list.all(tenantId, after, limit) as UserRow[];
    const items = rows.map(fromRow);
    return rows.length === limit
      ? { items, next: encodeKeyCursor([rows[rows.length - 1]!.user_id]) }
      : { items };
  }
}

function fromRow(row: UserRow): DirectoryUser {
  const user: DirectoryUser = {
    tenantId: row.tenant_id,
    userId: row.user_id,
    upn: row.upn,
    displayName: row.display_name,
    state: row.state,
    updatedAt: row.updated_at,
  };
  if (row.last_backed_up_at !== null) user.lastBackedUpAt = row.last_backed_up_at;
  if (row.last_error !== null) user.lastError = JSON.parse(row.last_error) as DirectoryUser['lastError'];
  return user;
}
