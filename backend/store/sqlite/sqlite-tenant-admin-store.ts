import type Database from 'better-sqlite3';
import type { RemoveAdminResult, TenantAdmin, TenantAdminStore } from '../../governance/tenant-admins';
import { migrateGovernance } from './governance-migrations';

/** The embedded default's admin roster (better-sqlite3; synchronous calls behind the async port). */
export class SqliteTenantAdminStore implements TenantAdminStore {
  private readonly statements;

  constructor(db: Database.Database) {
    migrateGovernance(db);
    this.statements = {
      list: db
        .prepare('SELECT doc FROM tenant_admins WHERE tenant_id = ? ORDER BY added_at, user_id')
        .pluck(),
      get: db.prepare('SELECT doc FROM tenant_admins WHERE tenant_id = ? AND user_id = ?').pluck(),
      // One statement, so the check and the insert cannot be split by another writer (SQLite
      // serialises writers, across processes too).
      addFirst: db.prepare(`INSERT INTO tenant_admins (tenant_id, user_id, added_at, doc)
          SELECT @tenant_id, @user_id, @added_at, @doc
          WHERE NOT EXISTS (SELECT 1 FROM tenant_admins WHERE tenant_id = @tenant_id)`),
      add: db.prepare(`INSERT INTO tenant_admins (tenant_id, user_id, added_at, doc)
          VALUES (@tenant_id, @user_id, @added_at, @doc)
          ON CONFLICT (tenant_id, user_id) DO NOTHING`),
      remove: db.prepare('DELETE FROM tenant_admins WHERE tenant_id = ? AND user_id = ?'),
      removeUnlessLast: db.prepare(`DELETE FROM tenant_admins
          WHERE tenant_id = @tenant_id AND user_id = @user_id
            AND (SELECT COUNT(*) FROM tenant_admins WHERE tenant_id = @tenant_id) > 1`),
    };
  }

  async listAdmins(tenantId: string): Promise<TenantAdmin[]> {
    return (this.statements.list.all(tenantId) as string[]).map(parse);
  }

  async getAdmin(tenantId: string, userId: string): Promise<TenantAdmin | undefined> {
    const doc = this.statements.get.get(tenantId, userId) as string | undefined;
    return doc === undefined ? undefined : parse(doc);
  }

  async addFirstAdmin(admin: TenantAdmin): Promise<boolean> {
    return this.statements.addFirst.run(row(admin)).changes === 1;
  }

  async addAdmin(admin: TenantAdmin): Promise<TenantAdmin> {
    this.statements.add.run(row(admin));
    return (await this.getAdmin(admin.tenantId, admin.userId))!;
  }

  async removeAdmin(tenantId: string, userId: string): Promise<boolean> {
    return this.statements.remove.run(tenantId, userId).changes === 1;
  }

  async removeAdminUnlessLast(tenantId: string, userId: string): Promise<RemoveAdminResult> {
    const { changes } = this.statements.removeUnlessLast.run({ tenant_id: tenantId, user_id: userId });
    if (changes === 1) return 'removed';
    return this.statements.get.get(tenantId, userId) === undefined ? 'not_admin' : 'last_admin';
  }
}

function row(admin: TenantAdmin) {
  return {
    tenant_id: admin.tenantId,
    user_id: admin.userId,
    added_at: admin.addedAt,
    doc: JSON.stringify(admin),
  };
}

function parse(doc: string): TenantAdmin {
  return JSON.parse(doc) as TenantAdmin;
}
