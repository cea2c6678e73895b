import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConnectionStoreContract } from '../connection-store.contract';
import { migrate } from './migrate';
import { openSqlite } from './open-sqlite';
import { SqliteConnectionStore } from './sqlite-connection-store';

describeConnectionStoreContract('sqlite', async () => {
  const db = openSqlite(':memory:');
  return {
    store: new SqliteConnectionStore(db),
    close: () => {
      db.close();
    },
  };
});

describe('SqliteConnectionStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatvault-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its data in the file across reopening, migrating once', async () => {
    const file = join(dir, 'nested', 'chatvault.sqlite');
    const first = openSqlite(file);
    await new SqliteConnectionStore(first).appendAudit({
      tenantId: 't',
      at: '2026-05-01T10:00:00.000Z',
      actor: { kind: 'operator', name: 'ops' },
      action: 'connected',
    });
    first.close();
    const second = openSqlite(file);
    try {
      assert.equal((await new SqliteConnectionStore(second).listAudit('t')).length, 1);
      assert.equal(
        second.prepare("SELECT version FROM schema_migrations WHERE component = 'connection'").pluck().get(),
        1,
      );
    } finally {
      second.close();
    }
  });

  it('refuses a database whose schema is newer than the code', () => {
    const db = openSqlite(':memory:');
    try {
      migrate(db, 'demo', ['CREATE TABLE a (x)', 'CREATE TABLE b (x)']);
      assert.throws(() => migrate(db, 'demo', ['CREATE TABLE a (x)']), /newer than this ChatVault knows/);
      migrate(db, 'demo', ['CREATE TABLE a (x)', 'CREATE TABLE b (x)', 'CREATE TABLE c (x)']);
      assert.equal(
        db.prepare("SELECT version FROM schema_migrations WHERE component = 'demo'").pluck().get(),
        3,
      );
    } finally {
      db.close();
    }
  });
});
