import assert from 'node:assert/strict';
import { silentLogger } from '../../observability/logger';
import type { Checkpoint, RunRecord } from '../../store/backup-records';
import { ManualClock } from '../../../test/support/manual-clock';
import type { RunHandle, StartRunOptions } from '../backup-service';
import { ACTIVE_RUN_CHECKPOINT } from '../run/active-run';
import { LAST_GOOD_FULL_CHECKPOINT, lastRunCheckpoint, type LastRun } from '../run/run-participant';
import { DEFAULT_SCHEDULE, dueRun, nextRunAt, readSchedule, writeSchedule } from './backup-schedule';
import { BackupScheduler } from './backup-scheduler';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const run = (startedMs: number, outcome: LastRun['outcome'] = 'succeeded'): LastRun => ({
  runId: `run-${startedMs}`,
  outcome,
  startedAt: new Date(startedMs).toISOString(),
  finishedAt: new Date(startedMs + 60_000).toISOString(),
});

describe('backup schedule', () => {
  it('asks for a full run first, then incremental ones hourly, and a full one weekly', () => {
    const s = DEFAULT_SCHEDULE;
    assert.equal(dueRun(s, {}, new Date(T0)), 'full');
    const full = run(T0);
    const history = { lastFull: full, lastGoodFull: full };
    assert.equal(dueRun(s, history, new Date(T0 + 30 * 60_000)), undefined);
    assert.equal(dueRun(s, history, new Date(T0 + HOUR)), 'incremental');
    assert.equal(
      dueRun(s, { ...history, lastIncremental: run(T0 + 7 * DAY - HOUR) }, new Date(T0 + 7 * DAY)),
      'full',
    );
  });

  it('retries a failed first run on the next interval, not in a loop', () => {
    const failed = run(T0, 'failed');
    assert.equal(dueRun(DEFAULT_SCHEDULE, { lastFull: failed }, new Date(T0 + 60_000)), undefined);
    assert.equal(dueRun(DEFAULT_SCHEDULE, { lastFull: failed }, new Date(T0 + HOUR)), 'full');
    assert.equal(nextRunAt(DEFAULT_SCHEDULE, { lastFull: failed }, new Date(T0))?.getTime(), T0 + HOUR);
  });

  it('keeps a per-tenant interval and refuses nonsense', async () => {
    const saved = new Map<string, unknown>();
    const store = {
      getCheckpoint: async <T>(tenantId: string, key: string) =>
        saved.has(`${tenantId}/${key}`)
          ? ({ tenantId, key, value: saved.get(`${tenantId}/${key}`) as T, updatedAt: '' } as Checkpoint<T>)
          : undefined,
      putCheckpoint: async <T>(tenantId: string, key: string, value: T) => {
        saved.set(`${tenantId}/${key}`, value);
        return { tenantId, key, value, updatedAt: '' };
      },
    };
    await writeSchedule(store, 't1', { incrementalEveryMinutes: 15 });
    assert.equal((await readSchedule(store, 't1')).incrementalEveryMinutes, 15);
    assert.equal((await readSchedule(store, 't2')).incrementalEveryMinutes, 60);
    await assert.rejects(writeSchedule(store, 't1', { incrementalEveryMinutes: 1 }), {
      reason: 'invalid_schedule',
    });
    await assert.rejects(writeSchedule(store, 't1', { fullEveryDays: 0 }), { reason: 'invalid_schedule' });
  });

  it('starts due runs on the clock, one per tenant, and joins a run already under way', async () => {
    const clock = new ManualClock(new Date(T0));
    const checkpoints = new Map<string, unknown>();
    const started: { tenantId: string; options: StartRunOptions }[] = [];
    const scheduler = new BackupScheduler({
      service: {
        isRunning: () => false,
        startRun: async (tenantId: string, options: StartRunOptions): Promise<RunHandle> => {
          started.push({ tenantId, options });
          const mode = options.mode === 'full' ? 'full' : 'incremental';
          checkpoints.set(`${tenantId}/${lastRunCheckpoint(mode)}`, run(clock.now().getTime()));
          if (mode === 'full')
            checkpoints.set(`${tenantId}/${LAST_GOOD_FULL_CHECKPOINT}`, run(clock.now().getTime()));
          return { tenantId, mode, done: new Promise(() => undefined) };
        },
      },
      store: {
        getCheckpoint: async <T>(tenantId: string, key: string) =>
          checkpoints.has(`${tenantId}/${key}`)
            ? ({
                tenantId,
                key,
                value: checkpoints.get(`${tenantId}/${key}`) as T,
                updatedAt: '',
              } as Checkpoint<T>)
            : undefined,
        getRun: async (_tenantId: string, runId: string) => ({ runId, status: 'running' }) as RunRecord,
        getLatestFinishedRun: async () => undefined,
      },
      tenants: async () => ['t1', 't2'],
      clock,
      logger: silentLogger(),
    });
    // Another process runs t2's incremental run right now.
    checkpoints.set(`t2/${ACTIVE_RUN_CHECKPOINT}`, { runId: 'elsewhere', mode: 'incremental' });
    await scheduler.tick();
    assert.deepEqual(
      started.map((s) => [s.tenantId, s.options.mode, s.options.trigger.kind]),
      [
        ['t1', 'full', 'schedule'],
        ['t2', 'incremental', 'schedule'],
      ],
    );
    started.length = 0;
    checkpoints.delete(`t2/${ACTIVE_RUN_CHECKPOINT}`);
    clock.advance(30 * 60_000);
    await scheduler.tick();
    assert.equal(started.length, 0, 'both ran less than an hour ago');
    clock.advance(31 * 60_000);
    await scheduler.tick();
    assert.deepEqual(
      started.map((s) => [s.tenantId, s.options.mode]),
      [
        ['t1', 'incremental'],
        ['t2', 'full'],
      ],
      't2 never had a full run of its own',
    );

    // On its own clock: a look at once, then one a minute, until stopped.
    started.length = 0;
    scheduler.start();
    clock.advance(0);
    await scheduler.tick();
    assert.equal(clock.pendingTimers(), 1);
    clock.advance(60 * 60_000);
    await scheduler.tick();
    assert.deepEqual(started.map((s) => s.tenantId).sort(), ['t1', 't2']);
    await scheduler.stop();
    assert.equal(clock.pendingTimers(), 0);
  });
});
