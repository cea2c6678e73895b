import assert from 'node:assert/strict';
import type { ConnectionRecord } from './connection-records';
import type { ConnectionStore } from './connection-store';

/**
 * The behaviour every ConnectionStore adapter must show. The SQLite spec runs it today; a Cosmos
 * DB adapter runs the same suite.
 */
export function describeConnectionStoreContract(
  name: string,
  open: () => Promise<{ store: ConnectionStore; close(): Promise<void> | void }>,
): void {
  describe(`ConnectionStore contract: ${name}`, () => {
    let store: ConnectionStore;
    let close: () => Promise<void> | void;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close();
    });

    const A = 'aaaaaaaa-0000-4000-8000-000000000001';
    const B = 'bbbbbbbb-0000-4000-8000-000000000002';

    function record(
      tenantId: string,
      overrides: Partial<ConnectionRecord> = {},
    ): Omit<ConnectionRecord, 'revision'> {
      return {
        tenantId,
        appId: 'd0ef0cef-578e-411c-9c3d-3bf4ae424cb7',
        sealedSecret: 'cvs1.sealed',
        secretHint: 'Qx8',
        savedAt: '2026-05-01T10:00:00.000Z',
        savedBy: { kind: 'user', id: 'admin-1', name: 'Ada' },
        expiresAt: '2028-05-01T10:00:00.000Z',
        permissions: ['Chat.Read.All', 'User.Read.All'],
        lastTest: { at: '2026-05-01T10:00:00.000Z', ok: true, code: 'active', stage: 'graph' },
        status: 'active',
        ...overrides,
      };
    }

    it('saves, reads back and replaces a connection, bumping its revision', async () => {
      assert.equal(await store.getConnection(A), undefined);
      const first = await store.putConnection(record(A));
      assert.equal(first.revision, 1);
      assert.deepEqual(await store.getConnection(A), first);
      const second = await store.putConnection(record(A, { appId: '11111111-2222-4333-8444-555555555555' }));
      assert.equal(second.revision, 2);
      assert.equal((await store.getConnection(A))?.appId, '11111111-2222-4333-8444-555555555555');
    });

    it('keeps tenants apart', async () => {
      await store.putConnection(record(A));
      assert.equal(await store.getConnection(B), undefined);
      await store.putLastAttempt({
        tenantId: A,
        at: '2026-05-01T10:00:00.000Z',
        actor: { kind: 'operator', name: 'ops' },
        ok: false,
        code: 'invalid_secret',
        stage: 'token',
      });
      assert.equal(await store.getLastAttempt(B), undefined);
      await store.appendAudit({
        tenantId: A,
        at: '2026-05-01T10:00:00.000Z',
        actor: { kind: 'operator', name: 'ops' },
        action: 'connected',
      });
      assert.deepEqual(await store.listAudit(B), []);
      assert.equal(await store.deleteConnection(B), false);
      assert.ok(await store.getConnection(A));
    });

    it('applies a check only to the revision it was made for', async () => {
      const saved = await store.putConnection(record(A));
      const failing = {
        since: '2026-05-02T10:00:00.000Z',
        code: 'expired_secret' as const,
        stage: 'token' as const,
      };
      const check = {
        at: '2026-05-02T10:00:00.000Z',
        ok: false,
        code: 'expired_secret' as const,
        stage: 'token' as const,
      };
      assert.equal(
        await store.updateConnectionCheck(A, saved.revision, { lastTest: check, status: 'failing', failing }),
        true,
      );
      const after = await store.getConnection(A);
      assert.equal(after?.status, 'failing');
      assert.deepEqual(after?.failing, failing);
      assert.deepEqual(after?.permissions, saved.permissions);

      await store.putConnection(record(A));
      assert.equal(
        await store.updateConnectionCheck(A, saved.revision, { lastTest: check, status: 'failing', failing }),
        false,
      );
      const replaced = await store.getConnection(A);
      assert.equal(replaced?.status, 'active');
      assert.equal(replaced?.failing, undefined);
    });

    it('updates permissions with a passing check and clears failing', async () => {
      const saved = await store.putConnection(
        record(A, {
          status: 'failing',
          failing: { since: '2026-05-02T10:00:00.000Z', code: 'consent_missing', stage: 'permissions' },
        }),
      );
      await store.updateConnectionCheck(A, saved.revision, {
        lastTest: { at: '2026-05-03T10:00:00.000Z', ok: true, code: 'active', stage: 'graph' },
        status: 'active',
        failing: undefined,
        permissions: ['Chat.ReadWrite.All', 'User.Read.All'],
      });
      const after = await store.getConnection(A);
      assert.equal(after?.failing, undefined);
      assert.deepEqual(after?.permissions, ['Chat.ReadWrite.All', 'User.Read.All']);
    });

    it('removes a connection', async () => {
      await store.putConnection(record(A));
      assert.equal(await store.deleteConnection(A), true);
      assert.equal(await store.getConnection(A), undefined);
      assert.equal(await store.deleteConnection(A), false);
    });

    it('keeps only the last attempt', async () => {
      const actor = { kind: 'user' as const, id: 'admin-1' };
      await store.putLastAttempt({
        tenantId: A,
        at: '2026-05-01T10:00:00.000Z',
        actor,
        ok: false,
        code: 'invalid_secret',
        stage: 'token',
        appId: 'x',
        secretHint: 'abc',
      });
      await store.putLastAttempt({
        tenantId: A,
        at: '2026-05-01T11:00:00.000Z',
        actor,
        ok: true,
        code: 'active',
        stage: 'graph',
      });
      assert.deepEqual(await store.getLastAttempt(A), {
        tenantId: A,
        at: '2026-05-01T11:00:00.000Z',
        actor,
        ok: true,
        code: 'active',
        stage: 'graph',
      });
    });

    it('lists audit events newest first, with ids, up to a limit', async () => {
      const actor = { kind: 'user' as const, id: 'admin-1' };
      await store.appendAudit({ tenantId: A, at: '2026-05-01T10:00:00.000Z', actor, action: 'connected' });
      await store.appendAudit({ tenantId: A, at: '2026-05-01T10:00:00.000Z', actor, action: 'retested' });
      await store.appendAudit({ tenantId: A, at: '2026-05-02T10:00:00.000Z', actor, action: 'removed' });
      const events = await store.listAudit(A);
      assert.deepEqual(
        events.map((e) => e.action),
        ['removed', 'retested', 'connected'],
      );
      assert.equal(new Set(events.map((e) => e.id)).size, 3);
      assert.deepEqual(
        (await store.listAudit(A, { limit: 1 })).map((e) => e.action),
        ['removed'],
      );
    });

    it("keeps an audit event's subject and details exactly, and adds neither to events without them", async () => {
      const actor = { kind: 'user' as const, id: 'admin-1', name: 'Ada' };
      const detailed = await store.appendAudit({
        tenantId: A,
        at: '2026-05-01T10:00:00.000Z',
        actor,
        action: 'admin_added',
        subject: '5f6a1d0e-0000-4000-8000-00000000ad02',
        details: { via: 'added', upn: 'grace@contoso.example', count: 2, firstConnect: false },
      });
      const plain = await store.appendAudit({
        tenantId: A,
        at: '2026-05-01T11:00:00.000Z',
        actor: { kind: 'system', name: 'notifier' },
        action: 'unsubscribed',
      });
      const [newest, oldest] = await store.listAudit(A);
      assert.deepEqual(newest, plain);
      assert.equal(Object.hasOwn(newest!, 'subject'), false);
      assert.equal(Object.hasOwn(newest!, 'details'), false);
      assert.deepEqual(oldest, detailed);
      assert.deepEqual(oldest?.details, {
        via: 'added',
        upn: 'grace@contoso.example',
        count: 2,
        firstConnect: false,
      });
      assert.deepEqual(await store.listAudit(B), []);
    });

    it('lists the tenants that have a connection', async () => {
      await store.putConnection(record(B));
      await store.putConnection(record(A));
      assert.deepEqual((await store.listConnectedTenantIds()).sort(), [A, B]);
    });
  });
}
