import assert from 'node:assert/strict';
import type { NotificationTarget, NotificationTargetStore } from '../notifications/notification-targets';

/** The behaviour every NotificationTargetStore adapter must show; the SQLite and Cosmos DB specs run it. */
export function describeNotificationTargetStoreContract(
  name: string,
  open: () => Promise<{ store: NotificationTargetStore; close(): Promise<void> | void }>,
): void {
  describe(`NotificationTargetStore contract: ${name}`, () => {
    let store: NotificationTargetStore;
    let close: () => Promise<void> | void;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    const A = 'aaaaaaaa-0000-4000-8000-000000000001';
    const B = 'bbbbbbbb-0000-4000-8000-000000000002';
    const AT = '2026-05-01T10:00:00.000Z';

    function target(tenantId: string, targetId: string, overrides: Partial<NotificationTarget> = {}) {
      const value: NotificationTarget = {
        tenantId,
        targetId,
        kind: 'channel',
        label: 'IT / Backups',
        conversation: {
          conversation: { id: `19:${targetId}@thread.tacv2`, conversationType: 'channel', tenantId },
          serviceUrl: 'https://smba.trafficmanager.net/emea/',
          bot: { id: '28:bot', name: 'ChatVault' },
          channelId: 'msteams',
          nested: { list: [1, 'two', { three: true }], empty: null },
        },
        addedAt: AT,
        addedBy: { kind: 'user', id: '5f6a1d0e-0000-4000-8000-00000000ad01', name: 'Ada' },
        ...overrides,
      };
      return value;
    }

    it('stores a target with its conversation reference exactly, and lists by target id', async () => {
      const second = target(A, 'zz-channel');
      const first = target(A, 'aa-personal', { kind: 'personal', label: 'Ada Lovelace' });
      await store.putTarget(second);
      await store.putTarget(first);
      assert.deepEqual(await store.getTarget(A, 'zz-channel'), second);
      assert.deepEqual(await store.listTargets(A), [first, second]);
      assert.equal(await store.getTarget(A, 'nothing'), undefined);
    });

    it('replaces a target put again under the same id', async () => {
      await store.putTarget(target(A, 't1'));
      const moved = target(A, 't1', { label: 'Renamed', conversation: { conversation: { id: 'new' } } });
      await store.putTarget(moved);
      assert.deepEqual(await store.listTargets(A), [moved]);
    });

    it('keeps ids with characters a document id may not hold', async () => {
      const odd = target(A, '19:abc/def?x#y\\z%|@thread.tacv2');
      await store.putTarget(odd);
      assert.deepEqual(await store.getTarget(A, odd.targetId), odd);
      assert.equal(await store.removeTarget(A, odd.targetId), true);
    });

    it('removes a target, answering false when there was none', async () => {
      await store.putTarget(target(A, 't1'));
      assert.equal(await store.removeTarget(A, 't1'), true);
      assert.equal(await store.removeTarget(A, 't1'), false);
      assert.deepEqual(await store.listTargets(A), []);
    });

    it("keeps tenants apart: tenant B never sees or removes tenant A's targets", async () => {
      await store.putTarget(target(A, 'shared-id'));
      await store.putTarget(target(A, 'only-a'));
      assert.deepEqual(await store.listTargets(B), []);
      assert.equal(await store.getTarget(B, 'only-a'), undefined);
      assert.equal(await store.removeTarget(B, 'only-a'), false);
      const bTarget = target(B, 'shared-id', { label: 'B channel' });
      await store.putTarget(bTarget);
      assert.deepEqual(await store.listTargets(B), [bTarget]);
      assert.equal((await store.getTarget(A, 'shared-id'))?.label, 'IT / Backups');
      assert.equal((await store.listTargets(A)).length, 2);
    });

    it('grants each notice claim once per tenant', async () => {
      assert.equal(await store.claimNotice(A, 'secret-expiring|app|2026-06-01|30', AT), true);
      assert.equal(await store.claimNotice(A, 'secret-expiring|app|2026-06-01|30', AT), false);
      assert.equal(await store.claimNotice(A, 'secret-expiring|app|2026-06-01|7', AT), true);
      assert.equal(await store.claimNotice(B, 'secret-expiring|app|2026-06-01|30', AT), true);
    });

    it('grants a claim to exactly one of several racing claimants', async () => {
      const results = await Promise.all(
        Array.from({ length: 4 }, () => store.claimNotice(A, 'connection-failing|2026-05-01', AT)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });
  });
}
