import assert from 'node:assert/strict';
import { useCosmosServer } from '../../../test/support/cosmos-server';
import type { DirectoryPerson } from '../../directory/user-directory';
import { createCosmosBackupStore } from '../../store/cosmos/cosmos-backup-store';
import { MAX_SCOPE_USERS } from './scope-input';
import { ScopeService } from './scope-service';

const TENANT = '5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a';
const ADMIN = { kind: 'operator', name: 'ops' } as const;

describe('ScopeService on the Cosmos DB store', function () {
  this.timeout(60_000);
  const cosmos = useCosmosServer();

  it('keeps the longest list in one item, and serialises saves through the store’s lease', async () => {
    const { containers, drop } = await cosmos.freshContainers('scope');
    try {
      const store = createCosmosBackupStore(containers);
      const people = new Map<string, DirectoryPerson>();
      for (let i = 0; i < MAX_SCOPE_USERS; i++) {
        const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        people.set(id, {
          id,
          userPrincipalName: `first.last${i}@contoso.com`,
          displayName: `First Last ${i}`,
        });
      }
      const service = () =>
        new ScopeService({
          store,
          directory: { find: async (_tenant, key) => people.get(key) },
          audit: { appendAudit: async (event) => ({ ...event, id: '1' }) },
          clock: { now: () => new Date() },
        });
      const saved = await service().set(TENANT, ADMIN, { mode: 'allExcept', users: [...people.keys()] });
      const read = await service().get(TENANT);
      assert.equal(read.users.length, MAX_SCOPE_USERS);
      assert.deepEqual(read, saved.scope);

      const [a, b] = await Promise.allSettled([
        service().set(
          TENANT,
          ADMIN,
          { mode: 'only', users: ['00000000-0000-4000-8000-000000000001'] },
          { expectedVersion: 1 },
        ),
        service().set(
          TENANT,
          ADMIN,
          { mode: 'only', users: ['00000000-0000-4000-8000-000000000002'] },
          { expectedVersion: 1 },
        ),
      ]);
      assert.deepEqual([a.status, b.status].sort(), ['fulfilled', 'rejected']);
      assert.equal((await service().get(TENANT)).version, 2);
    } finally {
      await drop();
    }
  });
});
