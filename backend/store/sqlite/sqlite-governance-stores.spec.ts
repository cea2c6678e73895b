import assert from 'node:assert/strict';
import { describeNotificationTargetStoreContract } from '../notification-target-store.contract';
import { describeTenantAdminStoreContract } from '../tenant-admin-store.contract';
import { openSqlite } from './open-sqlite';
import { SqliteConnectionStore } from './sqlite-connection-store';
import { SqliteNotificationTargetStore } from './sqlite-notification-target-store';
import { SqliteTenantAdminStore } from './sqlite-tenant-admin-store';

describeTenantAdminStoreContract('sqlite', async () => {
  const db = openSqlite(':memory:');
  return { store: new SqliteTenantAdminStore(db), close: () => void db.close() };
});

describeNotificationTargetStoreContract('sqlite', async () => {
  const db = openSqlite(':memory:');
  return { store: new SqliteNotificationTargetStore(db), close: () => void db.close() };
});

describe('SQLite governance stores', () => {
  it('live in the connection store’s database under their own migration component, migrated once', async () => {
    const db = openSqlite(':memory:');
    try {
      const connections = new SqliteConnectionStore(db);
      const admins = new SqliteTenantAdminStore(db);
      new SqliteNotificationTargetStore(db);
      new SqliteTenantAdminStore(db);
      const versions = db
        .prepare('SELECT component, version FROM schema_migrations ORDER BY component')
        .all() as { component: string; version: number }[];
      assert.deepEqual(versions, [
        { component: 'connection', version: 1 },
        { component: 'governance', version: 1 },
      ]);
      await connections.appendAudit({
        tenantId: 't',
        at: '2026-05-01T10:00:00.000Z',
        actor: { kind: 'operator', name: 'ops' },
        action: 'admin_added',
      });
      assert.deepEqual(await admins.listAdmins('t'), []);
    } finally {
      db.close();
    }
  });
});
