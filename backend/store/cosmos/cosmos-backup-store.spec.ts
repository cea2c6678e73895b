import type { CosmosClient } from '@azure/cosmos';
import {
  createCosmosTestClient,
  startCosmosServer,
  type CosmosTestServer,
} from '../../../test/support/cosmos-server';
import { describeBackupStoreContract, writeFaults } from '../backup-store.contract';
import { createCosmosBackupStore } from './cosmos-backup-store';
import { openCosmosContainers } from './cosmos-containers';

describe('CosmosBackupStore (against the in-memory Cosmos DB server)', function () {
  this.timeout(20_000);
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

  // A database per store: each test starts empty on one server.
  describeBackupStoreContract('cosmos', async (clock) => {
    const id = `backup-${++databases}`;
    const containers = await openCosmosContainers(client, id);
    const faults = writeFaults();
    return {
      store: createCosmosBackupStore(containers, { clock, beforeWrite: faults.beforeWrite }),
      ...faults,
      close: async () => {
        await client.database(id).delete();
      },
    };
  });
});
