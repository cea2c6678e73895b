import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCosmosServer } from '../../test/support/cosmos-server';
import { FsBlobStore } from '../blobs/fs-blob-store';
import type { AppConfig } from '../config/config';
import { silentLogger } from '../observability/logger';
import type { Actor } from '../store/connection-records';
import { openCosmosContainers } from '../store/cosmos/cosmos-containers';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { createRecoveryModule } from './create-recovery-module';

const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
const ADMIN: Actor = { kind: 'user', id: 'admin-1', name: 'Ada Admin' };

/** A configuration whose own store cannot be reached: only a shared one can make these tests pass. */
function configOf(store: AppConfig['store'], blobDir: string): AppConfig {
  return { store, blobs: { kind: 'fs', dir: blobDir } } as AppConfig;
}

describe('createRecoveryModule on a store the process has open', function () {
  this.timeout(60_000);
  let blobDir: string;

  beforeEach(() => {
    blobDir = mkdtempSync(join(tmpdir(), 'chatvault-recovery-module-'));
  });
  afterEach(() => rmSync(blobDir, { recursive: true, force: true }));

  it('shares an open SQLite database, and leaves it open when closed', async () => {
    const db = openSqlite(':memory:');
    try {
      const module = await createRecoveryModule(
        configOf({ kind: 'sqlite', file: join(blobDir, 'nowhere', 'x.sqlite') }, blobDir),
        {
          logger: silentLogger(),
          db,
          blobs: new FsBlobStore({ dir: blobDir }),
        },
      );
      await module.retention.setPolicy(ADMIN, TENANT, { kind: 'years', years: 3 });
      await module.close();
      const row = db.prepare('SELECT COUNT(*) AS n FROM retention_policies').get() as { n: number };
      assert.equal(row.n, 1, 'written to the shared database, which is still open');
    } finally {
      db.close();
    }
  });

  describe('Cosmos DB', () => {
    const cosmos = useCosmosServer();

    it('adds its search container beside the open containers, on their client, and keeps it open when closed', async () => {
      const containers = await openCosmosContainers(cosmos.client, 'shared');
      const module = await createRecoveryModule(
        configOf(
          { kind: 'cosmos', endpoint: 'https://127.0.0.1:9', key: 'bm90IHVzZWQ=', database: 'elsewhere' },
          blobDir,
        ),
        { logger: silentLogger(), cosmos: containers, blobs: new FsBlobStore({ dir: blobDir }) },
      );
      assert.deepEqual(await module.stores.recovery.updateSearchIndex(TENANT), { indexed: 0 });
      await module.retention.setPolicy(ADMIN, TENANT, { kind: 'years', years: 3 });
      await module.close();

      const { resources } = await cosmos.client.database('shared').containers.readAll().fetchAll();
      assert.deepEqual(resources.map((c) => c.id).sort(), ['messages', 'search', 'tenant']);
      const again = await createRecoveryModule(
        configOf(
          { kind: 'cosmos', endpoint: 'https://127.0.0.1:9', key: 'bm90IHVzZWQ=', database: 'elsewhere' },
          blobDir,
        ),
        { logger: silentLogger(), cosmos: containers, blobs: new FsBlobStore({ dir: blobDir }) },
      );
      assert.deepEqual(
        (await again.retention.getPolicy(TENANT)).keep,
        { kind: 'years', years: 3 },
        'the client still works',
      );
      await again.close();
    });
  });
});
