import type Database from 'better-sqlite3';
import type { Clock } from '../../connection/clock';
import type { Checkpoint } from '../backup-records';
import type { CheckpointStore } from '../backup-store';

export class SqliteCheckpointStore implements CheckpointStore {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.statements = {
      get: db.prepare('SELECT value, updated_at FROM checkpoints WHERE tenant_id = ? AND key = ?'),
      put: db.prepare(`INSERT INTO checkpoints (tenant_id, key, value, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
      delete: db.prepare('DELETE FROM checkpoints WHERE tenant_id = ? AND key = ?'),
    };
  }

  async getCheckpoint<T = unknown>(tenantId: string, key: string): Promise<Checkpoint<T> | undefined> {
    const row = this.statements.get.get(tenantId, key) as { value: string; updated_at: string } | undefined;
    return row ? { tenantId, key, value: JSON.parse(row.value) as T, updatedAt: row.updated_at } : undefined;
  }

  async putCheckpoint<T>(tenantId: string, key: string, value: T): Promise<Checkpoint<T>> {
    const updatedAt = this.clock.now().toISOString();
    this.statements.put.run(tenantId, key, JSON.stringify(value), updatedAt);
    return { tenantId, key, value, updatedAt };
  }

  async deleteCheckpoint(tenantId: string, key: string): Promise<boolean> {
    return this.statements.delete.run(tenantId, key).changes === 1;
  }
}
