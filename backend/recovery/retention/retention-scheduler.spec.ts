import assert from 'node:assert/strict';
import { ManualClock } from '../../../test/support/manual-clock';
import { createLogger } from '../../observability/logger';
import { RecoveryError } from '../recovery-error';
import {
  RETENTION_BUSY_RETRY_MS,
  RETENTION_EVERY_MS,
  RETENTION_FIRST_AFTER_MS,
  RetentionScheduler,
} from './retention-scheduler';
import type { RetentionRun } from './retention-service';

const MINUTE = 60_000;

/** Lets a pass a timer started run to its end: the fakes below answer at once, without I/O. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('RetentionScheduler', () => {
  let clock: ManualClock;
  let applied: string[];
  let busy: Set<string>;
  let broken: Set<string>;
  let logs: { level: number; msg: string; tenantId?: string }[];
  let scheduler: RetentionScheduler;

  beforeEach(() => {
    clock = new ManualClock('2026-06-10T00:00:00.000Z');
    applied = [];
    busy = new Set();
    broken = new Set();
    logs = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => logs.push(JSON.parse(line) as (typeof logs)[number]) },
    });
    scheduler = new RetentionScheduler({
      retention: {
        async apply(tenantId): Promise<RetentionRun> {
          if (busy.has(tenantId)) throw new RecoveryError('backup_running', 'A backup is running.');
          if (broken.has(tenantId)) throw new Error('store unreachable');
          applied.push(tenantId);
          return {
            keep: { kind: 'years', years: 1 },
            cutoff: '2025-06-10T00:00:00.000Z',
            messages: 0,
            versions: 0,
            blobsDeleted: 0,
          };
        },
      },
      tenants: async () => ['t1', 't2', 't3'],
      clock,
      logger,
    });
  });
  afterEach(() => scheduler.stop());

  it('applies every tenant some minutes after the start, then once a day', async () => {
    scheduler.start();
    clock.advance(RETENTION_FIRST_AFTER_MS - MINUTE);
    await settle();
    assert.deepEqual(applied, [], 'nothing during the start');
    clock.advance(MINUTE);
    await settle();
    assert.deepEqual(applied, ['t1', 't2', 't3']);

    applied = [];
    clock.advance(RETENTION_EVERY_MS - MINUTE);
    await settle();
    assert.deepEqual(applied, [], 'not again within the day');
    clock.advance(MINUTE);
    await settle();
    assert.deepEqual(applied, ['t1', 't2', 't3']);
    assert.equal(clock.pendingTimers(), 1, 'the next day is armed');
  });

  it('leaves a tenant whose backup runs for the next pass, at info, and goes on after any failure', async () => {
    busy.add('t1');
    broken.add('t2');
    await scheduler.pass();
    assert.deepEqual(applied, ['t3']);
    const waited = logs.find((l) => l.tenantId === 't1');
    assert.equal(waited?.level, 30, 'info');
    assert.match(waited?.msg ?? '', /backup of the tenant is running/);
    assert.equal(logs.find((l) => l.tenantId === 't2')?.level, 50, 'error');

    busy.clear();
    broken.clear();
    applied = [];
    await scheduler.pass();
    assert.deepEqual(applied, ['t1', 't2', 't3'], 'tried again');
  });

  it('comes back within the hour, not the next day, when a backup held a tenant', async () => {
    busy.add('t2');
    scheduler.start();
    clock.advance(RETENTION_FIRST_AFTER_MS);
    await settle();
    assert.deepEqual(applied, ['t1', 't3']);

    busy.clear();
    applied = [];
    clock.advance(RETENTION_BUSY_RETRY_MS);
    await settle();
    assert.deepEqual(applied, ['t1', 't2', 't3'], 'the busy tenant is applied half an hour later');

    applied = [];
    clock.advance(RETENTION_BUSY_RETRY_MS);
    await settle();
    assert.deepEqual(applied, [], 'then back to once a day');
    assert.equal(clock.pendingTimers(), 1);
  });

  it('arms one timer only when restarted while a pass runs', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = new RetentionScheduler({
      retention: {
        async apply(): Promise<RetentionRun> {
          await held;
          return { keep: { kind: 'forever' }, messages: 0, versions: 0, blobsDeleted: 0 };
        },
      },
      tenants: async () => ['t1'],
      clock,
      logger: createLogger({ level: 'silent' }),
      firstAfterMs: MINUTE,
    });
    slow.start();
    clock.advance(MINUTE);
    await settle();
    const stopping = slow.stop();
    slow.start();
    release();
    await stopping;
    await settle();
    assert.equal(clock.pendingTimers(), 1, 'the restart armed one, the finished pass none');
    await slow.stop();
  });

  it('stops: no timer left, no pass after', async () => {
    scheduler.start();
    assert.equal(clock.pendingTimers(), 1);
    await scheduler.stop();
    assert.equal(clock.pendingTimers(), 0);
    clock.advance(RETENTION_EVERY_MS * 2);
    assert.deepEqual(applied, []);
  });
});
