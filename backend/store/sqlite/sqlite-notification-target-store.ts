import type Database from 'better-sqlite3';
import type { NotificationTarget, NotificationTargetStore } from '../../notifications/notification-targets';
import { migrateGovernance } from './governance-migrations';

/** The embedded default's notification targets and claimed notices. */
export class SqliteNotificationTargetStore implements NotificationTargetStore {
  private readonly statements;

  constructor(db: Database.Database) {
    migrateGovernance(db);
    this.statements = {
      put: db.prepare(`INSERT INTO notification_targets (tenant_id, target_id, doc) VALUES (?, ?, ?)
          ON CONFLICT (tenant_id, target_id) DO UPDATE SET doc = excluded.doc`),
      get: db.prepare('SELECT doc FROM notification_targets WHERE tenant_id = ? AND target_id = ?').pluck(),
      list: db.prepare('SELECT doc FROM notification_targets WHERE tenant_id = ? ORDER BY target_id').pluck(),
      remove: db.prepare('DELETE FROM notification_targets WHERE tenant_id = ? AND target_id = ?'),
      claim: db.prepare(`INSERT INTO notice_claims (tenant_id, notice_key, claimed_at) VALUES (?, ?, ?)
          ON CONFLICT (tenant_id, notice_key) DO NOTHING`),
    };
  }

  async putTarget(target: NotificationTarget): Promise<void> {
    this.statements.put.run(target.tenantId, target.targetId, JSON.stringify(target));
  }

  async getTarget(tenantId: string, targetId: string): Promise<NotificationTarget | undefined> {
    const doc = this.statements.get.get(tenantId, targetId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as NotificationTarget);
  }

  async listTargets(tenantId: string): Promise<NotificationTarget[]> {
    return (this.statements.list.all(tenantId) as string[]).map(
      (doc) => JSON.parse(doc) as NotificationTarget,
    );
  }

  async removeTarget(tenantId: string, targetId: string): Promise<boolean> {
    return this.statements.remove.run(tenantId, targetId).changes === 1;
  }

  async claimNotice(tenantId: string, noticeKey: string, at: string): Promise<boolean> {
    return this.statements.claim.run(tenantId, noticeKey, at).changes === 1;
  }
}
