import assert from 'node:assert/strict';
import type { TenantAdmin, TenantAdminStore } from '../governance/tenant-admins';

/** The behaviour every TenantAdminStore adapter must show; the SQLite and Cosmos DB specs run it. */
export function describeTenantAdminStoreContract(
  name: string,
  open: () => Promise<{ store: TenantAdminStore; close(): Promise<void> | void }>,
): void {
  describe(`TenantAdminStore contract: ${name}`, () => {
    let store: TenantAdminStore;
    let close: () => Promise<void> | void;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    const A = 'aaaaaaaa-0000-4000-8000-000000000001';
    const B = 'bbbbbbbb-0000-4000-8000-000000000002';
    const ADA = '5f6a1d0e-0000-4000-8000-00000000ad01';
    const GRACE = '5f6a1d0e-0000-4000-8000-00000000ad02';
    const LIN = '5f6a1d0e-0000-4000-8000-00000000ad03';

    function admin(tenantId: string, userId: string, overrides: Partial<TenantAdmin> = {}): TenantAdmin {
      return {
        tenantId,
        userId,
        displayName: `Person ${userId.slice(-2)}`,
        userPrincipalName: `p${userId.slice(-2)}@contoso.example`,
        addedAt: '2026-05-01T10:00:00.000Z',
        addedBy: { kind: 'user', id: ADA, name: 'Ada' },
        via: 'added',
        ...overrides,
      };
    }

    it('makes a first admin only while the tenant has none', async () => {
      assert.deepEqual(await store.listAdmins(A), []);
      const first = admin(A, ADA, { via: 'first-connect', addedBy: { kind: 'user', id: ADA } });
      assert.equal(await store.addFirstAdmin(first), true);
      assert.equal(await store.addFirstAdmin(admin(A, GRACE, { via: 'first-connect' })), false);
      assert.equal(await store.addFirstAdmin(first), false);
      assert.deepEqual(await store.listAdmins(A), [first]);
      assert.deepEqual(await store.getAdmin(A, ADA), first);
      assert.equal(await store.getAdmin(A, GRACE), undefined);
    });

    it('makes exactly one first admin when first connects race', async () => {
      const contenders = [ADA, GRACE, LIN].map((userId) => admin(A, userId, { via: 'first-connect' }));
      const won = await Promise.all(contenders.map((c) => store.addFirstAdmin(c)));
      assert.equal(won.filter(Boolean).length, 1);
      const winner = contenders[won.indexOf(true)]!;
      assert.deepEqual(await store.listAdmins(A), [winner]);
    });

    it('adds admins idempotently, an existing admin keeping the record it was added with', async () => {
      const ada = admin(A, ADA, { via: 'first-connect' });
      await store.addFirstAdmin(ada);
      const grace = admin(A, GRACE, { addedAt: '2026-05-02T10:00:00.000Z' });
      assert.deepEqual(await store.addAdmin(grace), grace);
      const again = await store.addAdmin({
        ...grace,
        addedAt: '2026-06-01T10:00:00.000Z',
        displayName: 'Other',
      });
      assert.deepEqual(again, grace);
      assert.deepEqual(await store.addAdmin(admin(A, ADA, { via: 'added' })), ada);
      assert.deepEqual(await store.listAdmins(A), [ada, grace]);
    });

    it('lists admins in the order they were added', async () => {
      const late = admin(A, ADA, { addedAt: '2026-05-03T10:00:00.000Z' });
      const early = admin(A, LIN, { addedAt: '2026-05-01T10:00:00.000Z' });
      const middle = admin(A, GRACE, { addedAt: '2026-05-02T10:00:00.000Z' });
      for (const a of [late, early, middle]) await store.addAdmin(a);
      assert.deepEqual(
        (await store.listAdmins(A)).map((a) => a.userId),
        [LIN, GRACE, ADA],
      );
    });

    it('removes an admin, answering false when there was none', async () => {
      await store.addAdmin(admin(A, ADA));
      await store.addAdmin(admin(A, GRACE));
      assert.equal(await store.removeAdmin(A, GRACE), true);
      assert.equal(await store.removeAdmin(A, GRACE), false);
      assert.equal(await store.getAdmin(A, GRACE), undefined);
      assert.equal(await store.removeAdmin(A, ADA), true);
      assert.deepEqual(await store.listAdmins(A), []);
    });

    it('never removes the last admin through removeAdminUnlessLast', async () => {
      await store.addAdmin(admin(A, ADA));
      assert.equal(await store.removeAdminUnlessLast(A, GRACE), 'not_admin');
      assert.equal(await store.removeAdminUnlessLast(A, ADA), 'last_admin');
      await store.addAdmin(admin(A, GRACE));
      assert.equal(await store.removeAdminUnlessLast(A, ADA), 'removed');
      assert.equal(await store.removeAdminUnlessLast(A, GRACE), 'last_admin');
      assert.deepEqual(
        (await store.listAdmins(A)).map((a) => a.userId),
        [GRACE],
      );
    });

    it('keeps one admin when the last two remove each other at the same moment', async () => {
      await store.addAdmin(admin(A, ADA));
      await store.addAdmin(admin(A, GRACE));
      const results = await Promise.all([
        store.removeAdminUnlessLast(A, ADA),
        store.removeAdminUnlessLast(A, GRACE),
      ]);
      assert.deepEqual([...results].sort(), ['last_admin', 'removed']);
      assert.equal((await store.listAdmins(A)).length, 1);
    });

    it("keeps tenants apart: tenant B never sees, counts or removes tenant A's admins", async () => {
      await store.addFirstAdmin(admin(A, ADA, { via: 'first-connect' }));
      await store.addAdmin(admin(A, GRACE));
      assert.deepEqual(await store.listAdmins(B), []);
      assert.equal(await store.getAdmin(B, ADA), undefined);
      assert.equal(await store.removeAdmin(B, ADA), false);
      assert.equal(await store.removeAdminUnlessLast(B, GRACE), 'not_admin');
      // A tenant with admins elsewhere still gets its own first admin.
      const bFirst = admin(B, LIN, { via: 'first-connect' });
      assert.equal(await store.addFirstAdmin(bFirst), true);
      assert.deepEqual(await store.listAdmins(B), [bFirst]);
      assert.equal((await store.listAdmins(A)).length, 2);
      assert.equal(await store.getAdmin(A, LIN), undefined);
    });
  });
}
