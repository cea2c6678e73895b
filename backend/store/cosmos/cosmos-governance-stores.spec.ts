import assert from 'node:assert/strict';
import { useCosmosServer } from '../../../test/support/cosmos-server';
import { describeNotificationTargetStoreContract } from '../notification-target-store.contract';
import { describeTenantAdminStoreContract } from '../tenant-admin-store.contract';
import { CosmosConnectionStore } from './cosmos-connection-store';
import { CosmosNotificationTargetStore } from './cosmos-notification-target-store';
import { CosmosTenantAdminStore } from './cosmos-tenant-admin-store';

describe('Cosmos DB governance stores (against the in-memory Cosmos DB server)', function () {
  this.timeout(30_000);
  const cosmos = useCosmosServer();
  const freshContainers = () => cosmos.freshContainers('governance');

  describeTenantAdminStoreContract('cosmos', async () => {
    const { containers, drop } = await freshContainers();
    return { store: new CosmosTenantAdminStore(containers.tenant), close: drop };
  });

  describeNotificationTargetStoreContract('cosmos', async () => {
    const { containers, drop } = await freshContainers();
    return { store: new CosmosNotificationTargetStore(containers.tenant), close: drop };
  });

  it('shares the tenant container with the connection store without either seeing the other', async () => {
    const { containers, drop } = await freshContainers();
    try {
      const tenantId = 'aaaaaaaa-0000-4000-8000-000000000001';
      const connections = new CosmosConnectionStore(containers.tenant);
      const admins = new CosmosTenantAdminStore(containers.tenant);
      const targets = new CosmosNotificationTargetStore(containers.tenant);
      await admins.addFirstAdmin({
        tenantId,
        userId: '5f6a1d0e-0000-4000-8000-00000000ad01',
        addedAt: '2026-05-01T10:00:00.000Z',
        addedBy: { kind: 'user', id: '5f6a1d0e-0000-4000-8000-00000000ad01' },
        via: 'first-connect',
      });
      await targets.claimNotice(tenantId, 'audit:0000', '2026-05-01T10:00:00.000Z');
      await targets.putTarget({
        tenantId,
        targetId: 'connection',
        kind: 'channel',
        label: 'x',
        conversation: {},
        addedAt: '2026-05-01T10:00:00.000Z',
        addedBy: { kind: 'operator', name: 'ops' },
      });
      assert.equal(await connections.getConnection(tenantId), undefined);
      assert.deepEqual(await connections.listAudit(tenantId), []);
      assert.deepEqual(await connections.listConnectedTenantIds(), []);
      assert.equal((await targets.listTargets(tenantId)).length, 1);
    } finally {
      await drop();
    }
  });
});
