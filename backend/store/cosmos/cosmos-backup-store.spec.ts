import { useCosmosServer } from '../../../test/support/cosmos-server';
import { describeBackupStoreContract, writeFaults } from '../backup-store.contract';
import { createCosmosBackupStore } from './cosmos-backup-store';

describe('CosmosBackupStore (against the in-memory Cosmos DB server)', function () {
  this.timeout(20_000);
  const cosmos = useCosmosServer();

  describeBackupStoreContract('cosmos', async (clock) => {
    const { containers, drop } = await cosmos.freshContainers('backup');
    const faults = writeFaults();
    return {
      store: createCosmosBackupStore(containers, { clock, beforeWrite: faults.beforeWrite }),
      ...faults,
      close: drop,
    };
  });
});
