import assert from 'node:assert/strict';
import { useCosmosServer } from '../../../test/support/cosmos-server';
import { describeConnectionStoreContract } from '../connection-store.contract';
import { createCosmosBackupStore } from './cosmos-backup-store';
import { CosmosConnectionStore } from './cosmos-connection-store';

describe('CosmosConnectionStore (against the in-memory Cosmos DB server)', function () {
  this.timeout(20_000);
  const cosmos = useCosmosServer();

  describeConnectionStoreContract('cosmos', async () => {
    const { containers, drop } = await cosmos.freshContainers('connection');
    return { store: new CosmosConnectionStore(containers.tenant), close: drop };
  });

  it('bumps the revision once per save when saves race', async () => {
    const { containers, drop } = await cosmos.freshContainers('connection-race');
    try {
      const store = new CosmosConnectionStore(containers.tenant);
      const tenantId = 'aaaaaaaa-0000-4000-8000-000000000001';
      const saves = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.putConnection({
            tenantId,
            appId: `app-${i}`,
            sealedSecret: 'cvs1.sealed',
            secretHint: 'Qx8',
            savedAt: '2026-05-01T10:00:00.000Z',
            savedBy: { kind: 'operator', name: 'ops' },
            expiresAt: '2028-05-01T10:00:00.000Z',
            permissions: [],
            lastTest: { at: '2026-05-01T10:00:00.000Z', ok: true, code: 'active', stage: 'graph' },
            status: 'active',
          }),
        ),
      );
      assert.deepEqual(saves.map((s) => s.revision).sort(), [1, 2, 3, 4, 5]);
      const stored = await store.getConnection(tenantId);
      assert.equal(stored?.revision, 5);
      assert.equal(stored?.appId, saves.find((s) => s.revision === 5)?.appId);
    } finally {
      await drop();
    }
  });

  it('shares the tenant container with the backup store without either seeing the other', async () => {
    const { containers, drop } = await cosmos.freshContainers('connection-shared');
    try {
      const tenantId = 'aaaaaaaa-0000-4000-8000-000000000001';
      const connections = new CosmosConnectionStore(containers.tenant);
      const backup = createCosmosBackupStore(containers);
      await backup.createRun(tenantId, { trigger: { kind: 'cli' }, runId: 'connection' });
      await backup.putCheckpoint(tenantId, 'connection', 1);
      await backup.upsertUsers(tenantId, [
        { userId: 'connection', upn: 'c@contoso.com', displayName: 'C', state: 'active' },
      ]);
      assert.equal(await connections.getConnection(tenantId), undefined);
      assert.deepEqual(await connections.listAudit(tenantId), []);
      assert.deepEqual(await connections.listConnectedTenantIds(), []);
      await connections.appendAudit({
        tenantId,
        at: '2026-05-01T10:00:00.000Z',
        actor: { kind: 'operator', name: 'ops' },
        action: 'connected',
      });
      assert.deepEqual(
        (await backup.listRuns(tenantId)).items.map((r) => r.runId),
        ['connection'],
      );
    } finally {
      await drop();
    }
  });
});
