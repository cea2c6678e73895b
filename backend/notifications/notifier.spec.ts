import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import sinon from 'sinon';
import { ManualClock } from '../../test/support/manual-clock';
import type { BackupEvent, BackupListener } from '../backup/run/progress-events';
import type { ConnectionStatusChanged } from '../connection/connection-events';
import type { ConnectionStatusView } from '../connection/connection-service';
import { AuditLog } from '../governance/audit-log';
import { silentLogger } from '../observability/logger';
import type { RunOutcome, RunRecord } from '../store/backup-records';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { SqliteNotificationTargetStore } from '../store/sqlite/sqlite-notification-target-store';
import type { Notice } from './notice';
import { NoticeSendError, type NoticeSender } from './notice-sender';
import type { NotificationTarget } from './notification-targets';
import { Notifier, type NotifierDeps } from './notifier';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const APP = 'd0ef0cef-578e-411c-9c3d-3bf4ae424cb7';

type Script = (target: NotificationTarget, notice: Notice, call: number) => 'sent' | 'gone' | Error;

/** A sender whose answer per call the test scripts; it records every call (at fake time). */
class ScriptedSender implements NoticeSender {
  calls: { targetId: string; kind: Notice['kind']; at: number; notice: Notice }[] = [];
  script: Script = () => 'sent';

  async send(target: NotificationTarget, notice: Notice): Promise<'sent' | 'gone'> {
    this.calls.push({ targetId: target.targetId, kind: notice.kind, at: Date.now(), notice });
    const answer = this.script(target, notice, this.calls.length);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  to(targetId: string) {
    return this.calls.filter((c) => c.targetId === targetId);
  }
}

/** The connection's status as the notifier reads it; tests set each tenant's. */
class FakeConnection {
  views = new Map<string, ConnectionStatusView>();

  async status(tenantId: string): Promise<ConnectionStatusView> {
    return this.views.get(tenantId) ?? { tenantId, status: 'inactive' };
  }

  async connectedTenantIds(): Promise<string[]> {
    return [...this.views.keys()];
  }

  expiring(tenantId: string, daysLeft: number, expiresAt = '2026-06-01T10:00:00.000Z'): void {
    this.views.set(tenantId, {
      tenantId,
      status: daysLeft <= 30 ? 'expiring' : 'active',
      connection: {
        appId: APP,
        secretHint: 'Qx8',
        savedAt: '2024-06-01T10:00:00.000Z',
        savedBy: { kind: 'operator', name: 'ops' },
        expiresAt,
        daysUntilExpiry: daysLeft,
        permissions: [],
        lastTest: { at: '2026-05-01T10:00:00.000Z', ok: true, code: 'active', message: 'Active.' },
      },
    });
  }
}

function run(tenantId: string, outcome: RunOutcome, runId = `run-${outcome}`): RunRecord {
  return {
    tenantId,
    runId,
    trigger: { kind: 'schedule' },
    startedAt: '2026-05-01T09:00:00.000Z',
    updatedAt: '2026-05-01T10:00:00.000Z',
    status: 'finished',
    phase: 'done',
    percent: 100,
    counters: {
      users: 1,
      chats: 1,
      messagesNew: 1,
      messagesChanged: 0,
      messagesDeleted: 0,
      versions: 1,
      blobs: 0,
      bytes: 0,
      requests: 1,
      throttled: 0,
    },
    errors: [],
    finishedAt: '2026-05-01T10:00:00.000Z',
    outcome,
  };
}

describe('Notifier', () => {
  let fake: sinon.SinonFakeTimers;
  let db: Database.Database;
  let clock: ManualClock;
  let targets: SqliteNotificationTargetStore;
  let audit: AuditLog;
  let sender: ScriptedSender;
  let connection: FakeConnection;
  let notifiers: Notifier[];

  function notifier(overrides: Partial<NotifierDeps> = {}): Notifier {
    const created = new Notifier({
      targets,
      sender,
      audit,
      connection,
      clock,
      logger: silentLogger(),
      random: () => 0,
      ...overrides,
    });
    notifiers.push(created);
    return created;
  }

  async function subscribe(tenantId: string, targetId: string): Promise<void> {
    await targets.putTarget({
      tenantId,
      targetId,
      kind: 'channel',
      label: `Channel ${targetId}`,
      conversation: { conversation: { id: targetId } },
      addedAt: '2026-05-01T10:00:00.000Z',
      addedBy: { kind: 'operator', name: 'ops' },
    });
  }

  /** Lets fake time pass (timers and the promises they release) while `work` runs, then resolves it. */
  async function within<T>(ms: number, work: Promise<T>): Promise<T> {
    await fake.tickAsync(ms);
    return work;
  }

  beforeEach(async () => {
    fake = sinon.useFakeTimers({
      now: Date.parse('2026-05-01T10:00:00Z'),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    db = openSqlite(':memory:');
    clock = new ManualClock('2026-05-01T10:00:00Z');
    targets = new SqliteNotificationTargetStore(db);
    audit = new AuditLog({ store: new SqliteConnectionStore(db), clock });
    sender = new ScriptedSender();
    connection = new FakeConnection();
    notifiers = [];
    await subscribe(A, 'a-channel');
    await subscribe(A, 'a-personal');
    await subscribe(B, 'b-channel');
  });

  afterEach(async () => {
    for (const n of notifiers) {
      const closing = n.close({ drainMs: 0 });
      await fake.tickAsync(10);
      await closing;
    }
    fake.restore();
    db.close();
  });

  describe('backup runs', () => {
    it('tells every target of the tenant (and no other) that a run succeeded', async () => {
      const n = notifier();
      n.onBackupEvent({ type: 'run-finished', tenantId: A, run: run(A, 'succeeded') });
      await within(1000, n.settled());
      assert.deepEqual(sender.calls.map((c) => [c.targetId, c.kind]).sort(), [
        ['a-channel', 'run-finished'],
        ['a-personal', 'run-finished'],
      ]);
      assert.deepEqual(sender.calls[0]?.notice, {
        kind: 'run-finished',
        tenantId: A,
        run: run(A, 'succeeded'),
      });
    });

    it('reports partial, failed and cancelled runs as problems, and ignores starts and progress', async () => {
      const n = notifier();
      for (const outcome of ['partial', 'failed', 'cancelled'] as const) {
        n.onBackupEvent({ type: 'run-finished', tenantId: B, run: run(B, outcome) });
      }
      n.onBackupEvent({ type: 'progress', tenantId: B, run: run(B, 'succeeded') });
      n.onBackupEvent({ type: 'run-started', tenantId: B, run: run(B, 'succeeded'), role: 'coordinator' });
      await within(5000, n.settled());
      assert.deepEqual(
        sender.calls.map((c) => [c.kind, (c.notice as { run: RunRecord }).run.outcome]),
        [
          ['run-problem', 'partial'],
          ['run-problem', 'failed'],
          ['run-problem', 'cancelled'],
        ],
      );
    });

    it('listens to the backup service it is attached to until closed', async () => {
      let listener: BackupListener | undefined;
      const backup = {
        onProgress(l: BackupListener) {
          listener = l;
          return () => {
            listener = undefined;
          };
        },
      };
      const n = notifier();
      n.attachBackup(backup);
      const event: BackupEvent = { type: 'run-finished', tenantId: B, run: run(B, 'succeeded') };
      listener?.(event);
      await within(1000, n.settled());
      assert.equal(sender.calls.length, 1);
      const closing = n.close();
      await fake.tickAsync(10);
      await closing;
      assert.equal(listener, undefined);
    });
  });

  describe('pacing and retries', () => {
    it('spaces sends to one conversation and keeps their order', async () => {
      const n = notifier();
      const done = Promise.all([
        n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded', 'r1') }),
        n.notify({ kind: 'run-problem', tenantId: B, run: run(B, 'failed', 'r2') }),
        n.notify({ kind: 'run-problem', tenantId: B, run: run(B, 'partial', 'r3') }),
        n.notify({ kind: 'run-problem', tenantId: A, run: run(A, 'partial', 'r4') }),
      ]);
      await within(5000, done);
      const toB = sender.to('b-channel');
      assert.deepEqual(
        toB.map((c) => (c.notice as { run: RunRecord }).run.runId),
        ['r1', 'r2', 'r3'],
      );
      const gaps = toB.slice(1).map((c, i) => c.at - toB[i]!.at);
      assert.ok(
        gaps.every((gap) => gap >= 250),
        `gaps ${gaps.join(', ')}`,
      );
      // Other conversations do not wait for this one.
      assert.ok(sender.to('a-channel')[0]!.at < toB[1]!.at);
    });

    it("keeps a burst to one conversation within Teams' per-conversation limits", async () => {
      const n = notifier();
      const reports = Promise.all(
        // More than 60: spacing alone would put all of them within 30 s.
        Array.from({ length: 80 }, (_, i) =>
          n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded', `r${i}`) }),
        ),
      );
      await within(300_000, reports);
      const times = sender.to('b-channel').map((c) => c.at);
      assert.equal(times.length, 80);
      const mostWithin = (windowMs: number) =>
        Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
      assert.ok(mostWithin(1000) <= 7, `${mostWithin(1000)} sends in a second`);
      assert.ok(mostWithin(2000) <= 8, `${mostWithin(2000)} sends in 2 s`);
      assert.ok(mostWithin(30_000) <= 60, `${mostWithin(30_000)} sends in 30 s`);
    });

    it('waits out a 429’s Retry-After, then delivers, holding that conversation meanwhile', async () => {
      sender.script = (target, _notice, call) =>
        target.targetId === 'b-channel' && call === 1 ? new NoticeSendError('429', 3000) : 'sent';
      const n = notifier();
      const first = n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded', 'r1') });
      const second = n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded', 'r2') });
      const [report] = await within(10_000, Promise.all([first, second]));
      assert.deepEqual(report, {
        kind: 'run-finished',
        tenantId: B,
        targets: 1,
        sent: 1,
        gone: 0,
        skipped: 0,
        failed: 0,
      });
      assert.deepEqual(
        sender.calls.map((c) => (c.notice as { run: RunRecord }).run.runId),
        ['r1', 'r1', 'r2'],
        'the next notice went out while the conversation was told to wait',
      );
      const [refused, retried] = sender.calls;
      assert.ok(retried!.at - refused!.at >= 3000, `retried after ${retried!.at - refused!.at} ms`);
    });

    it('backs off with jitter without Retry-After, and gives up after the last attempt', async () => {
      sender.script = (target) => (target.targetId === 'a-channel' ? new NoticeSendError('503') : 'sent');
      const n = notifier({ retry: { maxAttempts: 3, baseMs: 1000, capMs: 5000 }, random: () => 0.5 });
      const report = await within(
        60_000,
        n.notify({ kind: 'run-finished', tenantId: A, run: run(A, 'succeeded') }),
      );
      assert.deepEqual(report, {
        kind: 'run-finished',
        tenantId: A,
        targets: 2,
        sent: 1,
        gone: 0,
        skipped: 0,
        failed: 1,
      });
      const attempts = sender.to('a-channel');
      assert.equal(attempts.length, 3, 'tried other than maxAttempts times');
      // Full jitter at 0.5: half of 1 s, then half of 2 s (plus the queue's own few ms).
      const gaps = attempts.slice(1).map((c, i) => c.at - attempts[i]!.at);
      assert.ok(gaps[0]! >= 500 && gaps[0]! < 550, `first backoff ${gaps[0]} ms`);
      assert.ok(gaps[1]! >= 1000 && gaps[1]! < 1050, `second backoff ${gaps[1]} ms`);
      assert.equal(sender.to('a-personal').length, 1);
    });

    it('does not retry what the sender refuses for good', async () => {
      sender.script = () => new TypeError('card template broken');
      const n = notifier();
      const report = await within(
        60_000,
        n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded') }),
      );
      assert.equal(report.failed, 1);
      assert.equal(sender.calls.length, 1);
    });

    it('retries a target that could not be read, and loses nothing', async () => {
      const flaky = Object.create(targets) as SqliteNotificationTargetStore;
      let reads = 0;
      flaky.getTarget = async (tenantId, targetId) => {
        if (++reads === 1) throw new Error('store busy');
        return targets.getTarget(tenantId, targetId);
      };
      const n = notifier({ targets: flaky });
      const report = await within(
        60_000,
        n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded') }),
      );
      assert.equal(report.sent, 1);
      assert.equal(sender.calls.length, 1);
    });
  });

  describe('targets that are gone', () => {
    it('drops the target, audits it as a system unsubscribe, and sends it nothing more', async () => {
      sender.script = (target) => (target.targetId === 'a-channel' ? 'gone' : 'sent');
      const n = notifier();
      const first = n.notify({ kind: 'run-finished', tenantId: A, run: run(A, 'succeeded', 'r1') });
      const second = n.notify({ kind: 'run-problem', tenantId: A, run: run(A, 'failed', 'r2') });
      const [one, two] = await within(5000, Promise.all([first, second]));
      assert.deepEqual([one.gone, one.sent, two.skipped, two.sent], [1, 1, 1, 1]);
      assert.equal(sender.to('a-channel').length, 1);
      assert.equal(sender.to('a-personal').length, 2);
      assert.equal(await targets.getTarget(A, 'a-channel'), undefined);
      const events = await audit.list(A);
      assert.deepEqual(
        events.map((e) => [e.action, e.actor, e.subject, e.details]),
        [
          [
            'unsubscribed',
            { kind: 'system', name: 'notifier' },
            'a-channel',
            { reason: 'gone', kind: 'channel', label: 'Channel a-channel' },
          ],
        ],
      );
      const third = await within(
        1000,
        n.notify({ kind: 'run-finished', tenantId: A, run: run(A, 'succeeded', 'r3') }),
      );
      assert.equal(third.targets, 1);
    });
  });

  describe('secret expiry', () => {
    it('announces each threshold once: 30, then 7, then 1 day', async () => {
      const n = notifier();
      connection.expiring(A, 25);
      assert.equal(await within(1000, n.checkExpiry(A)), 'announced');
      assert.equal(await within(1000, n.checkExpiry(A)), 'already_announced');
      connection.expiring(A, 8);
      assert.equal(await within(1000, n.checkExpiry(A)), 'already_announced');
      connection.expiring(A, 7);
      assert.equal(await within(1000, n.checkExpiry(A)), 'announced');
      connection.expiring(A, 0);
      assert.equal(await within(1000, n.checkExpiry(A)), 'announced');
      connection.expiring(A, -3);
      assert.equal(await within(1000, n.checkExpiry(A)), 'already_announced');
      assert.deepEqual(
        sender.to('a-channel').map((c) => c.notice),
        [30, 7, 1].map((daysLeft) => ({
          kind: 'secret-expiring',
          tenantId: A,
          appId: APP,
          expiresAt: '2026-06-01T10:00:00.000Z',
          daysLeft,
        })),
      );
    });

    it('announces only the tightest threshold reached when first seen late', async () => {
      const n = notifier();
      connection.expiring(B, 5);
      await within(1000, n.checkExpiry(B));
      assert.deepEqual(
        sender.calls.map((c) => (c.notice as { daysLeft: number }).daysLeft),
        [7],
      );
    });

    it('does not repeat a threshold after a restart, but does for a newly saved secret', async () => {
      connection.expiring(A, 20);
      const before = notifier();
      await within(1000, before.checkExpiry(A));
      const closing = before.close();
      await fake.tickAsync(10);
      await closing;

      const after = notifier();
      assert.equal(await within(1000, after.checkExpiry(A)), 'already_announced');
      connection.expiring(A, 29, '2026-05-30T12:00:00.000Z');
      assert.equal(await within(1000, after.checkExpiry(A)), 'announced');
      assert.equal(sender.to('a-channel').length, 2);
    });

    it('says nothing while the secret is far from expiry or the connection is not expiring', async () => {
      const n = notifier();
      connection.expiring(A, 31);
      assert.equal(await within(1000, n.checkExpiry(A)), 'not_expiring');
      assert.equal(await within(1000, n.checkExpiry(B)), 'not_expiring');
      assert.equal(sender.calls.length, 0);
    });

    it('looks at every connected tenant when the connection turns expiring and on each periodic look', async () => {
      const n = notifier({ expiryCheckMs: 3_600_000, firstExpiryCheckMs: 60_000 });
      connection.expiring(A, 30);
      n.onConnectionStatus({
        type: 'connection.status_changed',
        tenantId: A,
        from: 'active',
        to: 'expiring',
        at: '2026-05-01T10:00:00.000Z',
        daysUntilExpiry: 30,
      });
      await within(1000, n.settled());
      assert.equal(sender.to('a-channel').length, 1);

      n.start();
      connection.expiring(A, 6);
      connection.expiring(B, 1);
      clock.advance(60_000);
      await within(1000, n.settled());
      assert.deepEqual(
        sender.calls.map((c) => `${c.targetId} ${(c.notice as { daysLeft: number }).daysLeft}`).sort(),
        ['a-channel 30', 'a-channel 7', 'a-personal 30', 'a-personal 7', 'b-channel 1'],
      );
      clock.advance(3_600_000);
      await within(1000, n.settled());
      assert.equal(sender.calls.length, 5, 'the hourly look repeated a threshold');
    });
  });

  describe('failing connections', () => {
    const failing: ConnectionStatusChanged = {
      type: 'connection.status_changed',
      tenantId: B,
      from: 'active',
      to: 'failing',
      at: '2026-05-02T10:00:00.000Z',
      code: 'consent_missing',
      message: 'Admin consent was not granted.',
      step: 'setup-12',
      failingSince: '2026-05-02T10:00:00.000Z',
    } as ConnectionStatusChanged;

    it('tells the targets once per failing episode, even after a restart', async () => {
      const n = notifier();
      n.onConnectionStatus(failing);
      n.onConnectionStatus(failing);
      n.onConnectionStatus({ ...failing, to: 'active', from: 'failing' });
      await within(1000, n.settled());
      assert.deepEqual(
        sender.calls.map((c) => c.notice),
        [
          {
            kind: 'connection-failing',
            tenantId: B,
            code: 'consent_missing',
            message: 'Admin consent was not granted.',
            step: 'setup-12',
            since: '2026-05-02T10:00:00.000Z',
          },
        ],
      );
      const restarted = notifier();
      restarted.onConnectionStatus(failing);
      restarted.onConnectionStatus({ ...failing, failingSince: '2026-05-09T10:00:00.000Z' });
      await within(1000, restarted.settled());
      assert.deepEqual(
        sender.calls.map((c) => (c.notice as { since: string }).since),
        ['2026-05-02T10:00:00.000Z', '2026-05-09T10:00:00.000Z'],
      );
    });
  });

  describe('close', () => {
    it('lets deliveries under way finish when they can', async () => {
      const n = notifier();
      const report = n.notify({ kind: 'run-finished', tenantId: A, run: run(A, 'succeeded') });
      const closing = n.close({ drainMs: 5000 });
      await fake.tickAsync(1000);
      await closing;
      assert.equal((await report).sent, 2);
    });

    it('does not hang on a send the bot never answers', async () => {
      const hung = new ScriptedSender();
      hung.send = () => new Promise<'sent'>(() => undefined);
      const n = notifier({ sender: hung });
      void n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded') });
      let closed = false;
      const closing = n.close({ drainMs: 1000 }).then(() => (closed = true));
      await fake.tickAsync(5000);
      await closing;
      assert.equal(closed, true);
    });

    it('stops a delivery waiting out a long Retry-After at the drain deadline, and sends nothing after', async () => {
      sender.script = () => new NoticeSendError('429', 600_000);
      const n = notifier();
      const report = n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded') });
      await fake.tickAsync(10);
      await within(5000, n.close({ drainMs: 1000 }));
      assert.equal((await report).failed, 1);
      await fake.tickAsync(700_000);
      assert.equal(sender.calls.length, 1);
      const late = await n.notify({ kind: 'run-finished', tenantId: B, run: run(B, 'succeeded') });
      assert.equal(late.targets, 0);
      assert.equal(sender.calls.length, 1);
    });
  });
});
