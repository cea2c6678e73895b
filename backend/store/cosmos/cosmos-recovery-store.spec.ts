import assert from 'node:assert/strict';
import type { CosmosClient } from '@azure/cosmos';
import {
  createCosmosTestClient,
  startCosmosServer,
  type CosmosTestServer,
} from '../../../test/support/cosmos-server';
import { describeRecoveryStoreContract } from '../recovery-store.contract';
import { searchTerms } from '../search-text';
import { createCosmosBackupStore } from './cosmos-backup-store';
import { openCosmosRecoveryContainers } from './cosmos-recovery-containers';
import { createCosmosRecoveryStore, searchQuerySpec } from './cosmos-recovery-store';

describe('CosmosRecoveryStore (against the in-memory Cosmos DB server)', function () {
  this.timeout(30_000);
  let server: CosmosTestServer;
  let client: CosmosClient;
  let databases = 0;

  before(async () => {
    server = await startCosmosServer();
    client = createCosmosTestClient(server);
  });
  after(async () => {
    client?.dispose();
    await server?.close();
  });

  describeRecoveryStoreContract('cosmos', async () => {
    const id = `recovery-${++databases}`;
    const containers = await openCosmosRecoveryContainers(client, id);
    return {
      backup: createCosmosBackupStore(containers),
      recovery: createCosmosRecoveryStore(containers),
      close: async () => {
        await client.database(id).delete();
      },
    };
  });

  it('falls back to term arrays where full-text search is not offered', async () => {
    const containers = await openCosmosRecoveryContainers(client, `recovery-${++databases}`);
    assert.equal(containers.searchMode, 'terms');
  });
});

describe('searchQuerySpec', () => {
  const tenant = 'aaaaaaaa-0000-4000-8000-000000000001';

  it("asks the service's full-text search for whole words and the term array for a word begun", () => {
    const spec = searchQuerySpec(
      tenant,
      { terms: searchTerms('Ship Thurs'), prefix: true, limit: 10 },
      'full-text',
    );
    assert.match(spec.query, /FullTextContainsAll\(c\.text, @w0\)/);
    assert.match(spec.query, /STARTSWITH\(term, @p\)/);
    assert.doesNotMatch(spec.query, /ARRAY_CONTAINS/);
    assert.deepEqual(spec.parameters, [
      { name: '@t', value: tenant },
      { name: '@w0', value: 'ship' },
      { name: '@p', value: 'thurs' },
    ]);
  });

  it('falls back to one ARRAY_CONTAINS per word', () => {
    const spec = searchQuerySpec(tenant, { terms: ['ship', 'thursday'], prefix: false, limit: 10 }, 'terms');
    assert.match(spec.query, /ARRAY_CONTAINS\(c\.terms, @w0\) AND ARRAY_CONTAINS\(c\.terms, @w1\)/);
    assert.doesNotMatch(spec.query, /FullText/);
  });
});
