import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ManualClock } from '../../test/support/manual-clock';
import { silentLogger } from '../observability/logger';
import { EnvelopeSealer } from '../secrets/envelope-sealer';
import { LocalKeyWrapper } from '../secrets/local-key-wrapper';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import type { ConnectionStatusChanged } from './connection-events';
import { ConnectionRechecker } from './connection-rechecker';
import { ConnectionService, NotConnectedError } from './connection-service';
import { DAY_MS } from './connection-status';
import type { ConnectionTester, TestRequest, TestVerdict } from './connection-tester';
import type { OutcomeCode, TestStage } from './outcomes';
import { bindTenant } from './tenant-binding';

const TENANT = bindTenant('2bc09791-95cd-4267-92af-50f8e38327ca', 'teams-activity');
const APP = 'd0ef0cef-578e-411c-9c3d-3bf4ae424cb7';
const GOOD = 'Qx8~goodGOOD0123456789.abcdefghij_klmnop';
const OTHER = 'Zz9~otherOTHER0123456789.abcdefghij_klmn';
const ADMIN = { kind: 'user' as const, id: 'admin-object-id', name: 'Ada' };
const PERMISSIONS = ['Chat.Read.All', 'User.Read.All'];

/** A tester whose answer per secret the test sets; it records what it was asked. */
class ScriptedTester implements ConnectionTester {
  answers = new Map<string, { code: OutcomeCode; stage: TestStage }>();
  calls: TestRequest[] = [];
  during?: () => Promise<void>;

  async test(request: TestRequest): Promise<TestVerdict> {
    this.calls.push(request);
    await this.during?.();
    const answer = this.answers.get(request.secret) ?? { code: 'invalid_secret', stage: 'token' };
    return {
      code: answer.code,
      stage: answer.stage,
      details: { appId: request.appId, tenantId: request.tenantId },
      permissions: answer.code === 'active' ? PERMISSIONS : [],
      proof: answer.code === 'active' ? 'messages' : 'none',
      durationMs: 1,
    };
  }
}

describe('ConnectionService', () => {
  let db: Database.Database;
  let clock: ManualClock;
  let tester: ScriptedTester;
  let events: ConnectionStatusChanged[];
  let service: ConnectionService;
  let store: SqliteConnectionStore;

  beforeEach(() => {
    db = openSqlite(':memory:');
    store = new SqliteConnectionStore(db);
    clock = new ManualClock('2026-05-01T10:00:00Z');
    tester = new ScriptedTester();
    tester.answers.set(GOOD, { code: 'active', stage: 'graph' });
    events = [];
    service = new ConnectionService({
      store,
      sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
      tester,
      clock,
      logger: silentLogger(),
      onStatusChange: (e) => {
        events.push(e);
      },
    });
  });
  afterEach(() => db.close());

  it('saves a passing connection sealed, with a hint, 24 months of expiry and an audit entry', async () => {
    const report = await service.testAndSave(TENANT, { appId: APP.toUpperCase(), secret: GOOD }, ADMIN);
    assert.equal(report.ok, true);
    assert.equal(report.code, 'active');
    assert.equal(report.saved, true);
    assert.deepEqual(report.permissions, PERMISSIONS);
    assert.equal(report.status.status, 'active');
    assert.equal(report.status.connection?.appId, APP);
    assert.equal(report.status.connection?.secretHint, 'Qx8');
    assert.equal(report.status.connection?.expiresAt, '2028-05-01T10:00:00.000Z');
    const stored = await store.getConnection(TENANT.tenantId);
    assert.ok(stored && !stored.sealedSecret.includes(GOOD) && stored.sealedSecret.startsWith('cvs1.'));
    assert.deepEqual(await service.openCredentials(TENANT.tenantId), { appId: APP, secret: GOOD });
    assert.deepEqual(
      (await service.auditTrail(TENANT.tenantId)).map((e) => [e.action, e.actor]),
      [['connected', ADMIN]],
    );
    assert.deepEqual(
      events.map((e) => [e.from, e.to]),
      [['inactive', 'active']],
    );
    assert.ok(!JSON.stringify(report).includes(GOOD));
  });

  it('refuses bad input without calling Microsoft, with a message per field, and records the attempt', async () => {
    const report = await service.testAndSave(
      TENANT,
      { appId: TENANT.tenantId, secret: 'a359261c-cd02-4ef4-a1e2-95590ab6dca2' },
      ADMIN,
    );
    assert.equal(tester.calls.length, 0);
    assert.equal(report.code, 'invalid_app_id');
    assert.equal(report.step, 'register-5');
    assert.equal(report.stage, 'input');
    assert.deepEqual(
      report.fields.map((f) => [f.field, f.code]),
      [
        ['appId', 'invalid_app_id'],
        ['secret', 'secret_id_pasted'],
      ],
    );
    assert.match(report.fields[1]!.message, /Value/);
    assert.equal(report.status.status, 'inactive');
    assert.equal(report.status.lastAttempt?.code, 'invalid_app_id');
    assert.equal(report.status.lastAttempt?.secretHint, 'a35');
    assert.deepEqual(
      (await service.auditTrail(TENANT.tenantId)).map((e) => e.action),
      ['attempt_failed'],
    );
  });

  it('keeps a working connection when a later test fails, recording that as the last attempt', async () => {
    await service.testAndSave(TENANT, { appId: APP, secret: GOOD }, ADMIN);
    const before = await store.getConnection(TENANT.tenantId);
    clock.advance(60_000);
    const report = await service.testAndSave(TENANT, { appId: APP, secret: OTHER }, ADMIN);
    assert.equal(report.ok, false);
    assert.equal(report.code, 'invalid_secret');
    assert.equal(report.saved, false);
    assert.equal(report.status.status, 'active');
    assert.deepEqual(await store.getConnection(TENANT.tenantId), before);
    assert.deepEqual(await service.openCredentials(TENANT.tenantId), { appId: APP, secret: GOOD });
    assert.equal(report.status.lastAttempt?.code, 'invalid_secret');
    assert.equal(report.status.lastAttempt?.at, '2026-05-01T10:01:00.000Z');
    assert.deepEqual(
      (await service.auditTrail(TENANT.tenantId)).map((e) => e.action),
      ['attempt_failed', 'connected'],
    );
  });

  it('audits a second passing save as a replacement', async () => {
    tester.answers.set(OTHER, { code: 'active', stage: 'graph' });
    await service.testAndSave(TENANT, { appId: APP, secret: GOOD }, ADMIN);
    await service.testAndSave(TENANT, { appId: APP, secret: OTHER }, { kind: 'operator', name: 'ops' });
    assert.deepEqual(
      (await service.auditTrail(TENANT.tenantId)).map((e) => e.action),
      ['replaced', 'connected'],
    );
    assert.equal((await service.openCredentials(TENANT.tenantId))?.secret, OTHER);
  });

  it('shows Expiring for a secret the admin says expires within 30 days', async () => {
    const report = await service.testAndSave(
      TENANT,
      { appId: APP, secret: GOOD, secretExpiresAt: '2026-05-20' },
      ADMIN,
    );
    assert.equal(report.status.status, 'expiring');
    assert.equal(report.status.connection?.daysUntilExpiry, 20);
    assert.deepEqual(
      events.map((e) => [e.to, e.daysUntilExpiry]),
      [['expiring', 20]],
    );
  });

  it('turns Failing when a re-check fails, keeps "since" across failures, ignores transient trouble, and recovers', async () => {
    await service.testAndSave(TENANT, { appId: APP, secret: GOOD }, ADMIN);
    tester.answers.set(GOOD, { code: 'consent_missing', stage: 'permissions' });
    clock.advance(DAY_MS);
    await service.recheck(TENANT.tenantId);
    let view = await service.status(TENANT.tenantId);
    assert.equal(view.status, 'failing');
    assert.equal(view.failing?.code, 'consent_missing');
    assert.equal(view.failing?.step, 'setup-12');
    assert.equal(view.failing?.since, '2026-05-02T10:00:00.000Z');
    assert.deepEqual(events.at(-1), {
      type: 'connection.status_changed',
      tenantId: TENANT.tenantId,
      from: 'active',
      to: 'failing',
      at: '2026-05-02T10:00:00.000Z',
      code: 'consent_missing',
      message: view.failing?.message,
      step: 'setup-12',
      failingSince: '2026-05-02T10:00:00.000Z',
    });

    tester.answers.set(GOOD, { code: 'expired_secret', stage: 'token' });
    clock.advance(DAY_MS);
    await service.recheck(TENANT.tenantId);
    view = await service.status(TENANT.tenantId);
    assert.equal(view.failing?.code, 'expired_secret');
    assert.equal(view.failing?.since, '2026-05-02T10:00:00.000Z');

    tester.answers.set(GOOD, { code: 'active', stage: 'graph' });
    await service.recheck(TENANT.tenantId);
    assert.equal((await service.status(TENANT.tenantId)).status, 'active');

    tester.answers.set(GOOD, { code: 'unreachable', stage: 'token' });
    await service.recheck(TENANT.tenantId);
    view = await service.status(TENANT.tenantId);
    assert.equal(view.status, 'active');
    assert.equal(view.connection?.lastTest.code, 'unreachable');
    assert.deepEqual(
      events.map((e) => e.to),
      ['active', 'failing', 'active'],
    );
    const audit = await service.auditTrail(TENANT.tenantId);
    assert.deepEqual(
      audit.filter((e) => e.action === 'status_changed').map((e) => [e.from, e.to, e.actor.kind]),
      [
        ['failing', 'active', 'system'],
        ['active', 'failing', 'system'],
      ],
    );
  });

  it('drops a re-check verdict when the connection was replaced while it ran', async () => {
    tester.answers.set(OTHER, { code: 'active', stage: 'graph' });
    await service.testAndSave(TENANT, { appId: APP, secret: GOOD }, ADMIN);
    tester.answers.set(GOOD, { code: 'expired_secret', stage: 'token' });
    tester.during = async () => {
      tester.during = undefined;
      await service.testAndSave(TENANT, { appId: APP, secret: OTHER }, ADMIN);
    };
    await service.recheck(TENANT.tenantId);
    const view = await service.status(TENANT.tenantId);
    assert.equal(view.status, 'active');
    assert.equal(view.connection?.lastTest.code, 'active');
  });

  it("re-tests on an admin's request, auditing it, and refuses when nothing is saved", async () => {
    await assert.rejects(service.retest(TENANT, ADMIN), NotConnectedError);
    await service.testAndSave(TENANT, { appId: APP, secret: GOOD }, ADMIN);
    const report = await service.retest(TENANT, ADMIN);
    assert.equal(report.code, 'active');
    assert.deepEqual(
      (await service.auditTrail(TENANT.tenantId)).map((e) => e.action),
      ['retested', 'connected'],
    );
  });

  it('removes a connection: Inactive, audited, announced', async () => {
    await service.testAndSave(TENANT, { appId: APP, secret: GOOD }, ADMIN);
    assert.equal(await service.remove(TENANT, ADMIN), true);
    assert.equal((await service.status(TENANT.tenantId)).status, 'inactive');
    assert.equal(await service.openCredentials(TENANT.tenantId), undefined);
    assert.deepEqual(
      events.map((e) => [e.from, e.to]),
      [
        ['inactive', 'active'],
        ['active', 'inactive'],
      ],
    );
    assert.deepEqual(
      (await service.auditTrail(TENANT.tenantId)).map((e) => e.action),
      ['removed', 'connected'],
    );
    assert.equal(await service.remove(TENANT, ADMIN), false);
  });

  describe('periodic re-check', () => {
    it('re-tests once a day from start, and reports Expiring when the date comes near', async () => {
      await service.testAndSave(TENANT, { appId: APP, secret: GOOD, secretExpiresAt: '2026-06-15' }, ADMIN);
      const rechecker = new ConnectionRechecker(service, clock, silentLogger(), { firstTickMs: 1000 });
      rechecker.start();
      try {
        clock.advance(1000);
        await rechecker.settled();
        assert.equal(tester.calls.length, 1, 'not due yet: no new test');
        clock.advance(DAY_MS);
        await rechecker.settled();
        assert.equal(tester.calls.length, 2);
        for (let hour = 0; hour < 24 * 15; hour++) {
          clock.advance(60 * 60 * 1000);
          await rechecker.settled();
        }
        assert.equal(tester.calls.length, 17);
        assert.equal((await service.status(TENANT.tenantId)).status, 'expiring');
        assert.deepEqual(
          events.map((e) => e.to),
          ['active', 'expiring'],
        );
      } finally {
        await rechecker.stop();
      }
      assert.equal(clock.pendingTimers(), 0);
    });

    it('goes on with the other tenants when one fails to re-check', async () => {
      const other = bindTenant('3cd19791-95cd-4267-92af-50f8e38327cb', 'operator');
      await service.testAndSave(TENANT, { appId: APP, secret: GOOD }, ADMIN);
      await service.testAndSave(other, { appId: APP, secret: GOOD }, ADMIN);
      await store.putConnection({
        ...(await store.getConnection(TENANT.tenantId))!,
        sealedSecret: 'cvs1.broken',
      });
      clock.advance(DAY_MS);
      const summary = await new ConnectionRechecker(service, clock, silentLogger()).runOnce();
      assert.deepEqual(summary, { rechecked: 1, notDue: 0, errors: 1 });
    });
  });
});
