import assert from 'node:assert/strict';
import { version } from '../backup-store.contract';
import { describeRecoveryStoreContract } from '../recovery-store.contract';
import { searchTerms } from '../search-text';
import { openSqlite } from './open-sqlite';
import { createSqliteBackupStore } from './sqlite-backup-store';
import { createSqliteRecoveryStore } from './sqlite-recovery-store';

describeRecoveryStoreContract('sqlite', async () => {
  const db = openSqlite(':memory:');
  return {
    backup: createSqliteBackupStore(db),
    recovery: createSqliteRecoveryStore(db),
    close: () => {
      db.close();
    },
  };
});

describe('SqliteRecoveryStore', () => {
  const tenant = 'aaaaaaaa-0000-4000-8000-000000000001';
  const chat = '19:0a1b2c3d4e5f@thread.v2';

  it('keeps its index whole when the rowids it read from are renumbered', async () => {
    const db = openSqlite(':memory:');
    try {
      const backup = createSqliteBackupStore(db);
      const recovery = createSqliteRecoveryStore(db);
      await backup.putMessageVersions(tenant, [
        version(chat, '1780000000001', { text: 'alpha' }),
        version(chat, '1780000000002', { text: 'beta' }),
      ]);
      assert.equal((await recovery.updateSearchIndex(tenant)).indexed, 2);
      // What a VACUUM may do to implicit rowids: the watermark then names no version it read.
      db.exec('UPDATE recovery_indexed SET source_rowid = source_rowid + 1000');
      await backup.putMessageVersions(tenant, [version(chat, '1780000000003', { text: 'gamma' })]);
      await recovery.updateSearchIndex(tenant);
      const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();
      assert.equal(count('recovery_indexed'), 3);
      for (const word of ['alpha', 'beta', 'gamma']) {
        const found = await recovery.searchMessages(tenant, {
          terms: searchTerms(word),
          prefix: false,
          limit: 10,
        });
        assert.equal(found.items.length, 1, word);
      }
      assert.deepEqual(
        db.prepare('SELECT source_rowid FROM recovery_indexed ORDER BY source_rowid').pluck().all(),
        db.prepare('SELECT rowid FROM message_versions ORDER BY rowid').pluck().all(),
      );
    } finally {
      db.close();
    }
  });

  it('answers a very common word month by month, in the same order and pages as at once', async () => {
    const db = openSqlite(':memory:');
    try {
      const backup = createSqliteBackupStore(db);
      const day = 86_400_000;
      // 40 messages over about 200 days, newest last; every one holds the word.
      const versions = Array.from({ length: 40 }, (_, i) =>
        version(i % 2 ? chat : '19:other@thread.v2', String(1_760_000_000_000 + i * 5 * day), {
          text: `budget ${i}`,
          from: i % 3 ? 'ada' : 'grace',
        }),
      );
      await backup.putMessageVersions(tenant, versions);
      const whole = createSqliteRecoveryStore(db);
      const bucketed = createSqliteRecoveryStore(db, { bucketedAbove: 0 });
      await whole.updateSearchIndex(tenant);
      const pages = async (
        store: typeof whole,
        extra: Partial<Parameters<typeof whole.searchMessages>[1]>,
      ) => {
        const ids: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.searchMessages(tenant, {
            terms: ['budget'],
            prefix: false,
            limit: 7,
            ...extra,
            ...(cursor ? { cursor } : {}),
          });
          ids.push(page.items.map((m) => m.messageId));
          cursor = page.next;
        } while (cursor);
        return ids;
      };
      const all = await pages(whole, {});
      assert.equal(all.flat().length, 40);
      assert.deepEqual(await pages(bucketed, {}), all);
      const narrowed = {
        fromUserId: 'ada',
        createdFrom: new Date(1_760_000_000_000 + 30 * day).toISOString(),
        createdBefore: new Date(1_760_000_000_000 + 150 * day).toISOString(),
      };
      const some = await pages(whole, narrowed);
      assert.ok(some.flat().length > 5 && some.flat().length < 40);
      assert.deepEqual(await pages(bucketed, narrowed), some);
    } finally {
      db.close();
    }
  });

  it('migrates its own component once, beside the backup', () => {
    const db = openSqlite(':memory:');
    try {
      createSqliteRecoveryStore(db);
      createSqliteRecoveryStore(db);
      assert.deepEqual(
        db.prepare('SELECT component, version FROM schema_migrations ORDER BY component').all(),
        [
          { component: 'backup', version: 1 },
          { component: 'recovery', version: 1 },
        ],
      );
    } finally {
      db.close();
    }
  });
});
