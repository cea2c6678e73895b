import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { ManualClock } from '../../test/support/manual-clock';
import { DirectoryError } from '../directory/directory-error';
import type { DirectoryPerson, UserDirectory } from '../directory/user-directory';
import { silentLogger } from '../observability/logger';
import type { Actor } from '../store/connection-records';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { SqliteTenantAdminStore } from '../store/sqlite/sqlite-tenant-admin-store';
import { AdminService } from './admin-service';
import { AuditLog } from './audit-log';
import { isGovernanceError, type GovernanceErrorCode } from './governance-error';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const ADA_ID = '5f6a1d0e-0000-4000-8000-00000000ad01';
const GRACE_ID = '5f6a1d0e-0000-4000-8000-00000000ad02';
const LIN_ID = '5f6a1d0e-0000-4000-8000-00000000ad03';
const BOB_ID = '5f6a1d0e-0000-4000-8000-0000000000b0';

const ADA = { userId: ADA_ID, displayName: 'Ada Lovelace', userPrincipalName: 'ada@contoso.example' };
const asUser = (userId: string, name?: string): Actor =>
  name ? { kind: 'user', id: userId, name } : { kind: 'user', id: userId };

/** A directory per tenant, as the real one answers: by object id or UPN in any case, own tenant only. */
class FakeDirectory implements UserDirectory {
  readonly people = new Map<string, DirectoryPerson[]>();
  failing = false;
  calls: string[] = [];

  add(tenantId: string, person: DirectoryPerson): void {
    this.people.set(tenantId, [...(this.people.get(tenantId) ?? []), person]);
  }

  async find(tenantId: string, upnOrId: string): Promise<DirectoryPerson | undefined> {
    this.calls.push(upnOrId);
    if (this.failing) throw new DirectoryError('unavailable', 'Graph answered 503');
    const key = upnOrId.toLowerCase();
    return this.people
      .get(tenantId)
      ?.find((p) => p.id.toLowerCase() === key || p.userPrincipalName.toLowerCase() === key);
  }

  async search(): Promise<DirectoryPerson[]> {
    return [];
  }
}

function rejectsWith(promise: Promise<unknown>, code: GovernanceErrorCode, field?: string) {
  return assert.rejects(promise, (error) => {
    assert.ok(isGovernanceError(error, code), `expected ${code}, got ${String(error)}`);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  });
}

describe('AdminService', () => {
  let db: Database.Database;
  let clock: ManualClock;
  let directory: FakeDirectory;
  let audit: AuditLog;
  let admins: AdminService;

  beforeEach(() => {
    db = openSqlite(':memory:');
    clock = new ManualClock('2026-05-01T10:00:00Z');
    directory = new FakeDirectory();
    directory.add(A, {
      id: GRACE_ID,
      userPrincipalName: 'grace@contoso.example',
      displayName: 'Grace Hopper',
    });
    directory.add(A, { id: LIN_ID, userPrincipalName: 'lin@contoso.example', displayName: 'Lin Chen' });
    directory.add(B, { id: BOB_ID, userPrincipalName: 'bob@fabrikam.example', displayName: 'Bob' });
    audit = new AuditLog({ store: new SqliteConnectionStore(db), clock });
    admins = new AdminService({
      store: new SqliteTenantAdminStore(db),
      directory,
      audit,
      clock,
      logger: silentLogger(),
    });
  });
  afterEach(() => db.close());

  describe('the first admin', () => {
    it('is whoever first saves working credentials, audited as first-connect', async () => {
      assert.equal(await admins.tenantHasAdmins(A), false);
      assert.equal(await admins.claimFirstAdmin(A, ADA), true);
      assert.equal(await admins.isAdmin(A, ADA_ID), true);
      assert.equal(await admins.isAdmin(A, ADA_ID.toUpperCase()), true, 'object ids compare in any case');
      assert.equal(await admins.tenantHasAdmins(A), true);
      assert.deepEqual(await admins.list(A), [
        {
          tenantId: A,
          userId: ADA_ID,
          displayName: 'Ada Lovelace',
          userPrincipalName: 'ada@contoso.example',
          addedAt: '2026-05-01T10:00:00.000Z',
          addedBy: asUser(ADA_ID, 'Ada Lovelace'),
          via: 'first-connect',
        },
      ]);
      const [event] = await audit.list(A);
      assert.equal(event?.action, 'admin_added');
      assert.equal(event?.subject, ADA_ID);
      assert.deepEqual(event?.actor, asUser(ADA_ID, 'Ada Lovelace'));
      assert.deepEqual(event?.details, { via: 'first-connect', upn: 'ada@contoso.example' });
    });

    it('is not made again once the tenant has an admin, and nothing is audited', async () => {
      await admins.claimFirstAdmin(A, ADA);
      assert.equal(await admins.claimFirstAdmin(A, { userId: GRACE_ID }), false);
      assert.equal(await admins.isAdmin(A, GRACE_ID), false);
      assert.equal((await audit.list(A)).length, 1);
    });

    it('is exactly one person when first connects race, with one audit event', async () => {
      const results = await Promise.all(
        [ADA_ID, GRACE_ID, LIN_ID].map((userId) => admins.claimFirstAdmin(A, { userId })),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await admins.list(A)).length, 1);
      assert.deepEqual(
        (await audit.list(A)).map((e) => e.action),
        ['admin_added'],
      );
    });

    it('is per tenant: an admin of tenant A is nobody in tenant B', async () => {
      await admins.claimFirstAdmin(A, ADA);
      assert.equal(await admins.isAdmin(B, ADA_ID), false);
      assert.equal(await admins.tenantHasAdmins(B), false);
      assert.equal(await admins.claimFirstAdmin(B, { userId: BOB_ID }), true);
      assert.deepEqual(
        (await admins.list(B)).map((a) => a.userId),
        [BOB_ID],
      );
    });

    it('refuses malformed tenant and user ids', async () => {
      await rejectsWith(admins.claimFirstAdmin('tenant-a', ADA), 'invalid_input', 'tenantId');
      await rejectsWith(admins.claimFirstAdmin(A, { userId: '' }), 'invalid_input', 'userId');
      await rejectsWith(admins.claimFirstAdmin(A, { userId: 'x'.repeat(5000) }), 'invalid_input', 'userId');
      await rejectsWith(admins.isAdmin(A, ''), 'invalid_input', 'userId');
      await rejectsWith(admins.isAdmin('', ADA_ID), 'invalid_input', 'tenantId');
      await rejectsWith(admins.tenantHasAdmins(`${A}0`), 'invalid_input', 'tenantId');
      assert.equal(await admins.tenantHasAdmins(A), false);
    });
  });

  describe('adding an admin', () => {
    beforeEach(() => admins.claimFirstAdmin(A, ADA));

    it('resolves a UPN through the directory and audits who added whom', async () => {
      clock.advance(60_000);
      const { admin, added } = await admins.addAdmin(A, asUser(ADA_ID, 'Ada'), '  GRACE@contoso.example ');
      assert.equal(added, true);
      assert.deepEqual(admin, {
        tenantId: A,
        userId: GRACE_ID,
        displayName: 'Grace Hopper',
        userPrincipalName: 'grace@contoso.example',
        addedAt: '2026-05-01T10:01:00.000Z',
        addedBy: asUser(ADA_ID, 'Ada'),
        via: 'added',
      });
      assert.equal(await admins.isAdmin(A, GRACE_ID), true);
      const [event] = await audit.list(A);
      assert.deepEqual(
        [event?.action, event?.subject, event?.actor, event?.details],
        ['admin_added', GRACE_ID, asUser(ADA_ID, 'Ada'), { via: 'added', upn: 'grace@contoso.example' }],
      );
    });

    it('resolves an object id too, and keeps an existing admin as they were, unaudited', async () => {
      const first = await admins.addAdmin(A, asUser(ADA_ID), LIN_ID);
      assert.equal(first.added, true);
      clock.advance(60_000);
      const again = await admins.addAdmin(A, asUser(ADA_ID), 'lin@contoso.example');
      assert.deepEqual(again, { admin: first.admin, added: false });
      assert.equal((await audit.list(A)).filter((e) => e.action === 'admin_added').length, 2);
    });

    it('refuses an unknown person, and a person of another tenant, as unknown_user', async () => {
      await rejectsWith(admins.addAdmin(A, asUser(ADA_ID), 'nobody@contoso.example'), 'unknown_user', 'user');
      await rejectsWith(admins.addAdmin(A, asUser(ADA_ID), 'bob@fabrikam.example'), 'unknown_user', 'user');
      await rejectsWith(admins.addAdmin(A, asUser(ADA_ID), BOB_ID), 'unknown_user', 'user');
      assert.equal(await admins.isAdmin(A, BOB_ID), false);
    });

    it('refuses empty and oversized references before asking the directory', async () => {
      await rejectsWith(admins.addAdmin(A, asUser(ADA_ID), ''), 'invalid_input', 'user');
      await rejectsWith(admins.addAdmin(A, asUser(ADA_ID), '   '), 'invalid_input', 'user');
      await rejectsWith(
        admins.addAdmin(A, asUser(ADA_ID), `${'a'.repeat(300)}@contoso.example`),
        'invalid_input',
        'user',
      );
      assert.deepEqual(directory.calls, []);
    });

    it('says the directory is unavailable rather than that the person is unknown', async () => {
      directory.failing = true;
      await rejectsWith(admins.addAdmin(A, asUser(ADA_ID), 'grace@contoso.example'), 'directory_unavailable');
      assert.equal(await admins.isAdmin(A, GRACE_ID), false);
    });

    it('lets only admins (or the server operator) add admins', async () => {
      await rejectsWith(admins.addAdmin(A, asUser(GRACE_ID), 'lin@contoso.example'), 'not_admin');
      await rejectsWith(
        admins.addAdmin(A, { kind: 'system', name: 'scheduler' }, 'lin@contoso.example'),
        'not_admin',
      );
      await rejectsWith(admins.addAdmin(A, asUser('not-a-guid'), 'lin@contoso.example'), 'not_admin');
      // An admin of tenant A is no admin of tenant B.
      await rejectsWith(admins.addAdmin(B, asUser(ADA_ID), 'bob@fabrikam.example'), 'not_admin');
      assert.equal(await admins.tenantHasAdmins(B), false);
      const byOperator = await admins.addAdmin(A, { kind: 'operator', name: 'ops' }, 'lin@contoso.example');
      assert.equal(byOperator.added, true);
      assert.deepEqual(directory.calls, ['lin@contoso.example']);
    });
  });

  describe('removing an admin', () => {
    beforeEach(async () => {
      await admins.claimFirstAdmin(A, ADA);
      await admins.addAdmin(A, asUser(ADA_ID), 'grace@contoso.example');
    });

    it('removes by object id or recorded UPN, audited with the actor', async () => {
      const removed = await admins.removeAdmin(A, asUser(ADA_ID, 'Ada'), GRACE_ID);
      assert.equal(removed.userId, GRACE_ID);
      assert.equal(await admins.isAdmin(A, GRACE_ID), false);
      const [event] = await audit.list(A);
      assert.deepEqual(
        [event?.action, event?.subject, event?.actor, event?.details],
        ['admin_removed', GRACE_ID, asUser(ADA_ID, 'Ada'), { upn: 'grace@contoso.example' }],
      );
      await admins.addAdmin(A, asUser(ADA_ID), GRACE_ID);
      await admins.removeAdmin(A, asUser(ADA_ID), 'Grace@Contoso.example');
      assert.equal(await admins.isAdmin(A, GRACE_ID), false);
    });

    it('never removes the last admin, themselves included', async () => {
      await admins.removeAdmin(A, asUser(GRACE_ID), GRACE_ID);
      await rejectsWith(admins.removeAdmin(A, asUser(ADA_ID), ADA_ID), 'last_admin');
      assert.equal(await admins.isAdmin(A, ADA_ID), true);
    });

    it('answers not_found for someone who is not an admin, and not_admin for a non-admin actor', async () => {
      await rejectsWith(admins.removeAdmin(A, asUser(ADA_ID), LIN_ID), 'not_found', 'userId');
      await rejectsWith(admins.removeAdmin(A, asUser(ADA_ID), 'lin@contoso.example'), 'not_found', 'userId');
      await rejectsWith(admins.removeAdmin(A, asUser(LIN_ID), GRACE_ID), 'not_admin');
      await rejectsWith(admins.removeAdmin(A, asUser(ADA_ID), ''), 'invalid_input', 'userId');
      await rejectsWith(admins.removeAdmin(A, asUser(ADA_ID), 'z'.repeat(1000)), 'invalid_input', 'userId');
      assert.equal((await admins.list(A)).length, 2);
    });

    it("cannot touch another tenant's admins", async () => {
      await admins.claimFirstAdmin(B, { userId: BOB_ID });
      await rejectsWith(admins.removeAdmin(B, asUser(ADA_ID), BOB_ID), 'not_admin');
      await admins.addAdmin(B, asUser(BOB_ID), 'bob@fabrikam.example');
      // Bob, admin of B, names an admin of A: in B there is no such admin.
      await rejectsWith(admins.removeAdmin(B, asUser(BOB_ID), ADA_ID), 'not_found');
      assert.equal(await admins.isAdmin(A, ADA_ID), true);
    });
  });
});
