import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { startTestSimulator, type SimulatorHandle } from '../../test/support/simulator';
import { systemClock } from '../connection/clock';
import { ConnectionService } from '../connection/connection-service';
import { GraphConnectionTester } from '../connection/connection-tester';
import { bindTenant } from '../connection/tenant-binding';
import { silentLogger } from '../observability/logger';
import { EnvelopeSealer } from '../secrets/envelope-sealer';
import { LocalKeyWrapper } from '../secrets/local-key-wrapper';
import type { BackupStore } from '../store/backup-store';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../store/sqlite/sqlite-backup-store';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { connectedUserLookups, type UserLookupSource } from './connected-user-lookups';
import { isDirectoryError } from './directory-error';
import { TenantUserDirectory } from './tenant-user-directory';

interface SimUser {
  id: string;
  upn: string;
  displayName: string;
  mail: string | null;
}

describe('TenantUserDirectory (against the tenant simulator)', function () {
  this.timeout(60_000);

  let sim: SimulatorHandle;
  let contoso: string;
  let fabrikam: string;
  let users: SimUser[];
  let strangers: SimUser[];
  let db: Database.Database;
  let store: BackupStore;
  /** Which demo app each tenant's saved connection holds (none: not connected). */
  let saved: Map<string, 'ok' | 'chat_only'>;
  let live: UserLookupSource;
  let directory: TenantUserDirectory;

  function simUsers(tenantId: string): SimUser[] {
    const rows = sim.state.db
      .prepare(
        'SELECT id, upn, display_name, json FROM users WHERE tenant_id = ? AND deleted = 0 ORDER BY ordinal',
      )
      .all(tenantId) as { id: string; upn: string; display_name: string; json: string }[];
    return rows.map((r) => ({
      id: r.id,
      upn: r.upn,
      displayName: r.display_name,
      mail: (JSON.parse(r.json) as { mail?: string | null }).mail ?? null,
    }));
  }

  /** Graph requests the directory made since the last call. */
  function graphRequests(): string[] {
    const urls = sim.requestLog().map((entry) => entry.url);
    sim.resetCounters();
    return urls;
  }

  before(async () => {
    sim = await startTestSimulator();
    contoso = sim.demoApp('ok').tenantId;
    fabrikam = sim.demoApp('ok', 'fabrikam.onmicrosoft.com').tenantId;
    users = simUsers(contoso);
    strangers = simUsers(fabrikam);
    assert.ok(users.length >= 4, 'the test tenant has too few users');
  });
  after(() => sim?.close());

  beforeEach(async () => {
    db = openSqlite(':memory:');
    store = createSqliteBackupStore(db);
    // The first two users were discovered by a backup; the others were not.
    await store.upsertUsers(
      contoso,
      users
        .slice(0, 2)
        .map((u) => ({ userId: u.id, upn: u.upn, displayName: u.displayName, state: 'active' })),
    );
    saved = new Map([[contoso, 'ok']]);
    live = connectedUserLookups({
      endpoints: { graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost },
      connection: {
        openCredentials: async (tenantId) => {
          const scenario = saved.get(tenantId);
          if (!scenario) return undefined;
          const app = sim.demoApp(scenario, tenantId);
          return { appId: app.appId, secret: app.secret };
        },
      },
      clock: systemClock,
      logger: silentLogger(),
    });
    directory = new TenantUserDirectory({ store, live, logger: silentLogger() });
    sim.resetCounters();
  });
  afterEach(() => db.close());

  const person = (u: SimUser) => ({
    id: u.id,
    userPrincipalName: u.upn,
    displayName: u.displayName,
    ...(u.mail ? { mail: u.mail } : {}),
  });

  it('finds a discovered user by object id or UPN in any case without asking Graph', async () => {
    const [first, second] = users as [SimUser, SimUser];
    assert.deepEqual(await directory.find(contoso, first.id), {
      id: first.id,
      userPrincipalName: first.upn,
      displayName: first.displayName,
    });
    assert.equal((await directory.find(contoso, ` ${second.upn.toUpperCase()} `))?.id, second.id);
    assert.equal((await directory.find(contoso, first.id.toUpperCase()))?.id, first.id);
    assert.deepEqual(graphRequests(), []);
  });

  it('asks the live directory for a user no backup discovered yet, by UPN or object id', async () => {
    const undiscovered = users[3]!;
    assert.deepEqual(await directory.find(contoso, undiscovered.upn), person(undiscovered));
    assert.deepEqual(await directory.find(contoso, undiscovered.id), person(undiscovered));
    const requests = graphRequests();
    assert.equal(requests.length, 2);
    assert.ok(
      requests.every((url) => url.startsWith('/users/')),
      requests.join(', '),
    );
  });

  it('finds a guest by their #EXT# UPN through the live directory', async () => {
    const guest = users.find((u) => u.upn.includes('#EXT#'));
    assert.ok(guest, 'the seeded tenant has a guest');
    assert.equal((await directory.find(contoso, guest.upn))?.id, guest.id);
  });

  it('knows no one of another tenant, whether by UPN or object id', async () => {
    const stranger = strangers[0]!;
    assert.equal(await directory.find(contoso, stranger.upn), undefined);
    assert.equal(await directory.find(contoso, stranger.id), undefined);
    assert.equal(await directory.find(contoso, 'nobody@contoso.example'), undefined);
    // And the other tenant (not connected) does not see contoso's discovered users.
    assert.equal(await directory.find(fabrikam, users[0]!.id), undefined);
  });

  it('answers undefined for what is no reference at all, without asking Graph', async () => {
    for (const junk of [
      '',
      '   ',
      'just a name',
      'x'.repeat(300),
      `${'a'.repeat(300)}@contoso.example`,
      'a@b\u0007c',
    ]) {
      assert.equal(await directory.find(contoso, junk), undefined, JSON.stringify(junk));
    }
    assert.deepEqual(graphRequests(), []);
  });

  it('answers from the discovered users alone for a tenant with no saved connection', async () => {
    await store.upsertUsers(fabrikam, [
      {
        userId: strangers[0]!.id,
        upn: strangers[0]!.upn,
        displayName: strangers[0]!.displayName,
        state: 'active',
      },
    ]);
    assert.equal((await directory.find(fabrikam, strangers[0]!.upn))?.id, strangers[0]!.id);
    assert.equal(await directory.find(fabrikam, strangers[1]!.upn), undefined);
    assert.deepEqual(graphRequests(), []);
  });

  it('skips discovered users that are gone and asks Graph about them', async () => {
    const gone = users[0]!;
    await store.upsertUsers(contoso, [
      { userId: gone.id, upn: gone.upn, displayName: gone.displayName, state: 'deleted' },
    ]);
    // The simulator still has them: the live directory is the authority.
    assert.deepEqual(await directory.find(contoso, gone.id), person(gone));
    assert.equal(graphRequests().length, 1);
  });

  it('reports an app without User.Read.All as unavailable, not as an unknown user', async () => {
    saved.set(contoso, 'chat_only');
    live.clear();
    await assert.rejects(
      directory.find(contoso, users[3]!.upn),
      (e) => isDirectoryError(e, 'unavailable') && /User\.Read\.All/.test(e.message),
    );
    // Discovered users are still found.
    assert.equal((await directory.find(contoso, users[0]!.upn))?.id, users[0]!.id);
  });

  describe('search', () => {
    it('matches discovered users first, then the live directory, by prefix in any case, up to the limit', async () => {
      const target = users[3]!;
      const prefix = target.displayName.slice(0, 3).toLowerCase();
      const expected = users.filter(
        (u) =>
          u.displayName.toLowerCase().startsWith(prefix) ||
          u.upn.toLowerCase().startsWith(prefix) ||
          (u.mail ?? '').toLowerCase().startsWith(prefix),
      );
      const found = await directory.search(contoso, prefix.toUpperCase(), 20);
      assert.deepEqual(found.map((p) => p.id).sort(), expected.map((u) => u.id).sort());
      assert.ok(found.some((p) => p.id === target.id));
      const requests = graphRequests();
      assert.equal(requests.length, 1);
      assert.match(
        decodeURIComponent(requests[0]!),
        /startswith\(displayName,'[^']+'\) or startswith\(userPrincipalName/,
      );
    });

    it('never returns another tenant’s people, and answers the discovered ones alone when Graph refuses', async () => {
      const stranger = strangers[0]!;
      const mine = await directory.search(contoso, stranger.displayName.slice(0, 4), 50);
      assert.ok(mine.every((p) => users.some((u) => u.id === p.id)));
      saved.set(contoso, 'chat_only');
      live.clear();
      const discovered = users[0]!;
      const found = await directory.search(contoso, discovered.displayName, 5);
      assert.deepEqual(
        found.map((p) => p.id),
        [discovered.id],
      );
    });

    it('stops at the limit without asking Graph when the discovered users fill it', async () => {
      const both = await directory.search(contoso, '', 5);
      assert.deepEqual(both, []);
      const first = users[0]!;
      const one = await directory.search(contoso, first.displayName, 1);
      assert.deepEqual(
        one.map((p) => p.id),
        [first.id],
      );
      assert.deepEqual(graphRequests(), []);
    });

    it('quotes the text as an OData string: a quote in it is no injection', async () => {
      const found = await directory.search(contoso, "x') or startswith(displayName,'", 10);
      assert.deepEqual(found, []);
      assert.equal(graphRequests().length, 1);
    });
  });

  it('reads through the saved connection of ConnectionService', async () => {
    const connections = new ConnectionService({
      store: new SqliteConnectionStore(db),
      sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
      tester: new GraphConnectionTester({ graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost }),
      clock: systemClock,
      logger: silentLogger(),
    });
    const app = sim.demoApp('ok');
    const report = await connections.testAndSave(bindTenant(contoso, 'operator'), app, {
      kind: 'operator',
      name: 'test',
    });
    assert.equal(report.saved, true, report.message);
    const viaConnection = new TenantUserDirectory({
      store,
      live: connectedUserLookups({
        endpoints: { graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost },
        connection: connections,
        clock: systemClock,
        logger: silentLogger(),
      }),
      logger: silentLogger(),
    });
    assert.equal((await viaConnection.find(contoso, users[3]!.upn))?.id, users[3]!.id);
    assert.equal(await viaConnection.find(fabrikam, strangers[3]!.upn), undefined);
  });
});
