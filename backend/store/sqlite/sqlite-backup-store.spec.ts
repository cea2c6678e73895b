import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackupStoreContract, version, writeFaults } from '../backup-store.contract';
import { openSqlite } from './open-sqlite';
import { createSqliteBackupStore } from './sqlite-backup-store';
import { SqliteConnectionStore } from './sqlite-connection-store';

describeBackupStoreContract('sqlite', async (clock) => {
  const db = openSqlite(':memory:');
  const faults = writeFaults();
  return {
    store: createSqliteBackupStore(db, { clock, beforeWrite: faults.beforeWrite }),
    ...faults,
    close: () => {
      db.close();
    },
  };
});

describe('createSqliteBackupStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatvault-backup-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shares the database file with the connection store, each migrating its own tables once', async () => {
    const file = join(dir, 'chatvault.sqlite');
    const tenant = 'aaaaaaaa-0000-4000-8000-000000000001';
    const first = openSqlite(file);
    new SqliteConnectionStore(first);
    await createSqliteBackupStore(first).putMessageVersions(tenant, [
      version('19:c@thread.v2', '1780000000001'),
    ]);
    first.close();

    const second = openSqlite(file);
    try {
      const store = createSqliteBackupStore(second);
      new SqliteConnectionStore(second);
      assert.deepEqual(await store.countMessages(tenant), { messages: 1, versions: 1, deleted: 0 });
      assert.deepEqual(
        second.prepare('SELECT component, version FROM schema_migrations ORDER BY component').all(),
        [
          { component: 'backup', version: 1 },
          { component: 'connection', version: 1 },
        ],
      );
    } finally {
      second.close();
    }
  });

  it('writes a batch all or nothing', async () => {
    const db = openSqlite(':memory:');
    try {
      const faults = writeFaults();
      const store = createSqliteBackupStore(db, { beforeWrite: faults.beforeWrite });
      const tenant = 'aaaaaaaa-0000-4000-8000-000000000001';
      faults.failWritesFrom(3);
      await assert.rejects(
        store.putMessageVersions(tenant, [
          version('19:c@thread.v2', '1780000000001'),
          version('19:c@thread.v2', '1780000000002'),
          version('19:c@thread.v2', '1780000000003'),
        ]),
        /injected crash/,
      );
      assert.deepEqual(await store.countMessages(tenant), { messages: 0, versions: 0, deleted: 0 });
    } finally {
      db.close();
    }
  });
});
