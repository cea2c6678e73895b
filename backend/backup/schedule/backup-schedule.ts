import type { BackupStore } from '../../store/backup-store';
import type { RunMode } from '../run/active-run';
import type { LastRun } from '../run/run-participant';

/** When a tenant is backed up on its own: a per-tenant setting, kept in the store. */
export interface BackupSchedule {
  /** Scheduled runs at all; a run on demand works either way. */
  enabled: boolean;
  /** An incremental run this often (default hourly). */
  incrementalEveryMinutes: number;
  /** A full reconciliation this often (default weekly): it catches whatever a watermark missed. */
  fullEveryDays: number;
}

export const DEFAULT_SCHEDULE: BackupSchedule = {
  enabled: true,
  incrementalEveryMinutes: 60,
  fullEveryDays: 7,
};

/** Shorter intervals would poll Graph harder than incremental runs need (and the API terms allow). */
export const MIN_INCREMENTAL_MINUTES = 5;

export const SCHEDULE_CHECKPOINT = 'backup:schedule';

export class ScheduleError extends Error {
  readonly reason = 'invalid_schedule';
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

export async function readSchedule(
  store: Pick<BackupStore, 'getCheckpoint'>,
  tenantId: string,
): Promise<BackupSchedule> {
  const saved = (await store.getCheckpoint<Partial<BackupSchedule>>(tenantId, SCHEDULE_CHECKPOINT))?.value;
  return { ...DEFAULT_SCHEDULE, ...saved };
}

/** Changes the tenant's schedule; refuses intervals that make no sense (with the reason). */
export async function writeSchedule(
  store: Pick<BackupStore, 'getCheckpoint' | 'putCheckpoint'>,
  tenantId: string,
  change: Partial<BackupSchedule>,
): Promise<BackupSchedule> {
  const next = { ...(await readSchedule(store, tenantId)), ...change };
  if (
    !Number.isFinite(next.incrementalEveryMinutes) ||
    next.incrementalEveryMinutes < MIN_INCREMENTAL_MINUTES
  ) {
    throw new ScheduleError(
      `An incremental backup can run at most every ${MIN_INCREMENTAL_MINUTES} minutes.`,
    );
  }
  if (!Number.isFinite(next.fullEveryDays) || next.fullEveryDays < 1) {
    throw new ScheduleError('A full backup can run at most once a day.');
  }
  if (next.fullEveryDays * 1440 < next.incrementalEveryMinutes) {
    throw new ScheduleError('Full backups cannot be more frequent than incremental ones.');
  }
  await store.putCheckpoint(tenantId, SCHEDULE_CHECKPOINT, next);
  return next;
}

export interface RunHistory {
  lastFull?: LastRun;
  lastGoodFull?: LastRun;
  lastIncremental?: LastRun;
}

/**
 * The run a tenant is due for at `now`, if any. One run per interval at most, whatever became of
 * the last one (a failing tenant is retried on the next beat, not in a loop); a full run when the
 * tenant was never backed up in full or its last good full run is older than the full interval.
 */
export function dueRun(schedule: BackupSchedule, history: RunHistory, now: Date): RunMode | undefined {
  if (!schedule.enabled) return undefined;
  const starts = [history.lastFull?.startedAt, history.lastIncremental?.startedAt]
    .filter((at): at is string => at !== undefined)
    .map((at) => Date.parse(at));
  const lastAttempt = starts.length > 0 ? Math.max(...starts) : undefined;
  if (lastAttempt !== undefined && now.getTime() - lastAttempt < schedule.incrementalEveryMinutes * 60_000)
    return undefined;
  const goodFull = history.lastGoodFull ? Date.parse(history.lastGoodFull.startedAt) : undefined;
  if (goodFull === undefined || now.getTime() - goodFull >= schedule.fullEveryDays * 86_400_000)
    return 'full';
  return 'incremental';
}

/** When the next run falls due (for the status card): now when it is already due. */
export function nextRunAt(schedule: BackupSchedule, history: RunHistory, now: Date): Date | undefined {
  if (!schedule.enabled) return undefined;
  const starts = [history.lastFull?.startedAt, history.lastIncremental?.startedAt]
    .filter((at): at is string => at !== undefined)
    .map((at) => Date.parse(at));
  if (starts.length === 0) return now;
  const next = Math.max(...starts) + schedule.incrementalEveryMinutes * 60_000;
  return new Date(Math.max(next, now.getTime()));
}
