import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import { DirectoryError } from '../../directory/directory-error';
import type { DirectoryPerson, UserDirectory } from '../../directory/user-directory';
import type { BackupStore } from '../../store/backup-store';
import type { AuditEvent } from '../../store/connection-records';
import { openSqlite } from '../../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../../store/sqlite/sqlite-backup-store';
import { ScopeError, scopeErrorStatus, type ScopeErrorReason } from './scope-error';
import { MAX_SCOPE_USERS, splitUserList } from './scope-input';
import { ScopeService } from './scope-service';
import { SCOPE_CHECKPOINT } from './scope-store';

const TENANT = '7b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const OTHER_TENANT = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ADMIN = { kind: 'user', id: 'admin-1', name: 'Ada Admin' } as const;

const ann: DirectoryPerson = {
  id: 'a0000000-0000-4000-8000-000000000001',
  userPrincipalName: 'ann@contoso.test',
  displayName: 'Ann',
};
const bob: DirectoryPerson = {
  id: 'b0000000-0000-4000-8000-000000000002',
  userPrincipalName: 'bob@contoso.test',
  displayName: 'Bob',
};
const cy: DirectoryPerson = {
  id: 'c0000000-0000-4000-8000-000000000003',
  userPrincipalName: 'cy@contoso.test',
  displayName: 'Cy',
};
const fay: DirectoryPerson = {
  id: 'f0000000-0000-4000-8000-000000000006',
  userPrincipalName: 'fay@fabrikam.test',
  displayName: 'Fay',
};

/** A directory of two tenants; counts lookups; can be made to fail. */
class FakeDirectory implements UserDirectory {
  lookups = 0;
  failing = false;
  private readonly people = new Map<string, DirectoryPerson[]>([
    [TENANT, [ann, bob, cy]],
    [OTHER_TENANT, [fay]],
  ]);

  async find(tenantId: string, upnOrId: string): Promise<DirectoryPerson | undefined> {
    this.lookups++;
    if (this.failing) throw new DirectoryError('unavailable', 'Graph answered 503');
    const key = upnOrId.toLowerCase();
    return this.people.get(tenantId)?.find((p) => p.id === key || p.userPrincipalName.toLowerCase() === key);
  }

  async search(): Promise<DirectoryPerson[]> {
    return [];
  }
}

describe('ScopeService', () => {
  let db: Database.Database;
  let store: BackupStore;
  let directory: FakeDirectory;
  let audit: Omit<AuditEvent, 'id'>[];
  let now: Date;
  let service: ScopeService;

  beforeEach(() => {
    db = openSqlite(':memory:');
    store = createSqliteBackupStore(db);
    directory = new FakeDirectory();
    audit = [];
    now = new Date('2025-05-01T09:00:00.000Z');
    service = new ScopeService({
      store,
      directory,
      audit: {
        appendAudit: async (event) => {
          audit.push(event);
          return { ...event, id: String(audit.length) };
        },
      },
      clock: { now: () => now },
    });
  });
  afterEach(() => db.close());

  /** Expects a refusal, then checks nothing was stored or audited. */
  async function refused(
    attempt: Promise<unknown>,
    reason: ScopeErrorReason,
    check: (error: ScopeError) => void = () => undefined,
  ): Promise<void> {
    const before = await store.getCheckpoint(TENANT, SCOPE_CHECKPOINT);
    const audited = audit.length;
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof ScopeError, String(error));
      assert.equal(error.reason, reason, error.message);
      check(error);
      return true;
    });
    assert.deepEqual(await store.getCheckpoint(TENANT, SCOPE_CHECKPOINT), before);
    assert.equal(audit.length, audited);
  }

  it('backs everyone up until a scope is saved', async () => {
    const scope = await service.get(TENANT);
    assert.deepEqual(scope, { tenantId: TENANT, mode: 'all', users: [], groups: [], version: 0 });
  });

  it('saves a list resolved by UPN or id, audits it and says what it means', async () => {
    const saved = await service.set(TENANT, ADMIN, { mode: 'only', users: ['ANN@contoso.test', bob.id, ''] });
    assert.equal(saved.changed, true);
    assert.deepEqual(
      saved.scope.users.map((u) => u.userPrincipalName),
      ['ann@contoso.test', 'bob@contoso.test'],
    );
    assert.equal(saved.scope.version, 1);
    assert.deepEqual(saved.scope.updatedBy, ADMIN);
    assert.match(saved.message, /only the people listed.*leaves the scope/);
    assert.deepEqual(await service.get(TENANT), saved.scope);
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0], {
      tenantId: TENANT,
      at: now.toISOString(),
      actor: ADMIN,
      action: 'scope_changed',
      subject: 'only',
      details: { from: 'all', to: 'only', listed: 2, entered: 0, left: 0, others: 'left', version: 1 },
    });
  });

  it('writes and audits nothing when the scope is already what is asked', async () => {
    await service.set(TENANT, ADMIN, { mode: 'allExcept', users: [cy.userPrincipalName] });
    const again = await service.set(TENANT, ADMIN, { mode: 'allExcept', users: [cy.id] });
    assert.equal(again.changed, false);
    assert.equal(again.scope.version, 1);
    assert.equal(audit.length, 1);
    const none = await new ScopeService({
      store,
      directory,
      audit: { appendAudit: async () => assert.fail('audited') },
      clock: { now: () => now },
    }).set(OTHER_TENANT, ADMIN, { mode: 'all', users: [] });
    assert.equal(none.changed, false);
  });

  describe('refuses bad input with a field-level error, changing nothing', () => {
    beforeEach(async () => {
      await service.set(TENANT, ADMIN, { mode: 'allExcept', users: [cy.id] });
    });

    it('an unknown mode', async () => {
      await refused(service.set(TENANT, ADMIN, { mode: 'everyone' } as never), 'invalid_mode', (e) =>
        assert.equal(e.field, 'mode'),
      );
    });

    it('users that are not a list of strings', async () => {
      await refused(
        service.set(TENANT, ADMIN, { mode: 'only', users: [ann.id, 42] } as never),
        'invalid_users',
      );
    });

    it('a 10,000-entry paste, before any lookup', async () => {
      const paste = Array.from({ length: 10_000 }, (_, i) => `user${i}@contoso.test`);
      await refused(service.set(TENANT, ADMIN, { mode: 'only', users: paste }), 'too_many_users', (e) => {
        assert.equal(e.field, 'users');
        assert.match(e.message, /at most 5,000 users; this list has 10,000/);
      });
      assert.equal(directory.lookups, 1);
    });

    it('a list at the limit is taken as far as the size goes', async () => {
      const list = Array.from({ length: MAX_SCOPE_USERS }, (_, i) => `user${i}@contoso.test`);
      // Every entry is looked up, so it fails on the unknown users, not on the size.
      await refused(service.set(TENANT, ADMIN, { mode: 'only', users: list }), 'unknown_users', (e) =>
        assert.match(e.message, /and 4,990 more \(5,000 of 5,000 entries\)/),
      );
    });

    it('an entry listed twice, whatever its case', async () => {
      await refused(
        service.set(TENANT, ADMIN, {
          mode: 'only',
          users: [ann.userPrincipalName, bob.id, 'Ann@Contoso.test'],
        }),
        'duplicate_users',
        (e) => {
          assert.deepEqual(e.entries, ['Ann@Contoso.test']);
          assert.match(e.message, /Listed more than once: Ann@Contoso\.test/);
        },
      );
    });

    it('one person listed by UPN and by id', async () => {
      await refused(
        service.set(TENANT, ADMIN, { mode: 'only', users: [ann.userPrincipalName, ann.id] }),
        'duplicate_users',
        (e) => assert.match(e.message, /ann@contoso\.test and a0000000-.* \(Ann\)/),
      );
    });

    it('unknown UPNs, all named at once', async () => {
      await refused(
        service.set(TENANT, ADMIN, {
          mode: 'only',
          users: ['anne@contoso.test', ann.id, 'zed@contoso.test'],
        }),
        'unknown_users',
        (e) => {
          assert.equal(e.field, 'users');
          assert.deepEqual(e.entries, ['anne@contoso.test', 'zed@contoso.test']);
          assert.match(
            e.message,
            /Not found in this tenant's directory: anne@contoso\.test, zed@contoso\.test \(2 of 3 entries\)/,
          );
        },
      );
    });

    it('another tenant’s user, by UPN or by id', async () => {
      await refused(
        service.set(TENANT, ADMIN, { mode: 'allExcept', users: [fay.userPrincipalName] }),
        'unknown_users',
      );
      await refused(service.set(TENANT, ADMIN, { mode: 'allExcept', users: [fay.id] }), 'unknown_users');
    });

    it('a list with `all`, or no list with `only` and `allExcept`', async () => {
      await refused(service.set(TENANT, ADMIN, { mode: 'all', users: [ann.id] }), 'users_not_allowed');
      await refused(service.set(TENANT, ADMIN, { mode: 'only', users: [' ', ''] }), 'users_required');
      await refused(service.set(TENANT, ADMIN, { mode: 'allExcept' }), 'users_required');
    });

    it('an entry that cannot be a UPN or an id', async () => {
      await refused(service.set(TENANT, ADMIN, { mode: 'only', users: ['x'.repeat(300)] }), 'invalid_entry');
      await refused(
        service.set(TENANT, ADMIN, { mode: 'only', users: ['ann\u0000@contoso.test'] }),
        'invalid_entry',
      );
    });

    it('a save over a version it did not see', async () => {
      await refused(
        service.set(TENANT, ADMIN, { mode: 'only', users: [ann.id] }, { expectedVersion: 0 }),
        'conflict',
        (e) => assert.equal(scopeErrorStatus(e.reason), 409),
      );
      const saved = await service.set(
        TENANT,
        ADMIN,
        { mode: 'only', users: [ann.id] },
        { expectedVersion: 1 },
      );
      assert.equal(saved.scope.version, 2);
    });

    it('a directory that cannot answer', async () => {
      directory.failing = true;
      await refused(
        service.set(TENANT, ADMIN, { mode: 'only', users: [ann.id] }),
        'directory_unavailable',
        (e) => assert.equal(scopeErrorStatus(e.reason), 503),
      );
    });
  });

  it('lets one of two saves made at once from the same version through', async () => {
    const results = await Promise.allSettled([
      service.set(TENANT, ADMIN, { mode: 'only', users: [ann.id] }, { expectedVersion: 0 }),
      service.set(TENANT, ADMIN, { mode: 'only', users: [bob.id] }, { expectedVersion: 0 }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(failure.reason instanceof ScopeError);
    assert.equal(failure.reason.reason, 'conflict');
    assert.equal(audit.length, 1);
  });

  it('counts who is backed up for the status card, and gives each user’s place', async () => {
    await store.upsertUsers(TENANT, [
      { userId: ann.id, upn: ann.userPrincipalName, displayName: 'Ann', state: 'active' },
      { userId: bob.id, upn: bob.userPrincipalName, displayName: 'Bob', state: 'unlicensed' },
      { userId: cy.id, upn: cy.userPrincipalName, displayName: 'Cy', state: 'active' },
      { userId: 'd-gone', upn: 'dee@contoso.test', displayName: 'Dee', state: 'deleted' },
      { userId: 'e-new', upn: 'eve@contoso.test', displayName: 'Eve', state: 'active' },
    ]);
    await store.setUserBackupStatus(TENANT, ann.id, {
      lastBackedUpAt: '2025-04-30T00:00:00.000Z',
      lastError: null,
    });
    assert.equal((await service.summary(TENANT)).sentence, 'Backing up all 4 users');

    now = new Date('2025-05-02T00:00:00.000Z');
    await service.set(TENANT, ADMIN, { mode: 'allExcept', users: [cy.userPrincipalName] });
    const summary = await service.summary(TENANT);
    assert.deepEqual(summary, {
      mode: 'allExcept',
      listed: 1,
      total: 4,
      inScope: 3,
      notBackedUp: 1,
      sentence: 'Backing up 3 of 4 users',
    });

    const rows = (await service.users(TENANT, { limit: 10 })).items;
    const row = (id: string) => rows.find((r) => r.userId === id)!;
    assert.deepEqual(row(ann.id), {
      userId: ann.id,
      userPrincipalName: ann.userPrincipalName,
      displayName: 'Ann',
      state: 'active',
      inScope: true,
      since: null,
      backedUp: true,
      lastBackedUpAt: '2025-04-30T00:00:00.000Z',
    });
    assert.equal(row(bob.id).backedUp, false);
    assert.equal(row(cy.id).inScope, false);
    assert.equal(row(cy.id).since, '2025-05-02T00:00:00.000Z');
    assert.deepEqual(await service.user(TENANT, cy.id), row(cy.id));
    assert.equal(await service.user(TENANT, 'nobody'), undefined);
    // The per-user table's read: the same places, the scope read once for all of them.
    const places = await service.placesOf(TENANT, [ann.id, cy.id]);
    assert.deepEqual(places.get(ann.id), { inScope: true, since: null });
    assert.deepEqual(places.get(cy.id), { inScope: false, since: '2025-05-02T00:00:00.000Z' });
  });

  it('says so before the first backup has read the directory', async () => {
    await service.set(TENANT, ADMIN, { mode: 'only', users: [ann.id, bob.id] });
    assert.equal(
      (await service.summary(TENANT)).sentence,
      'Backing up the 2 users listed; the directory is read at the next backup.',
    );
  });

  it('splits a pasted list on lines, commas, semicolons and spaces', () => {
    assert.deepEqual(splitUserList('ann@contoso.test,\r\nbob@contoso.test; cy@contoso.test \n\n'), [
      'ann@contoso.test',
      'bob@contoso.test',
      'cy@contoso.test',
    ]);
  });
});
