import type { RunRecord } from '../store/backup-records';
import type { BackupStore } from '../store/backup-store';
import { ACTIVE_RUN_CHECKPOINT, type ActiveRun, type RunMode } from './run/active-run';
import { LAST_GOOD_FULL_CHECKPOINT, lastRunCheckpoint, type LastRun } from './run/run-participant';

export interface BackupStatus {
  tenantId: string;
  /** The run under way, in any process. */
  active?: { run: RunRecord; mode: RunMode };
  /** The run that finished last. */
  last?: RunRecord;
  lastFull?: LastRun;
  /** The last full run that backed the tenant up (succeeded or partial). */
  lastGoodFull?: LastRun;
  lastIncremental?: LastRun;
}

/** The tenant's backup as the store records it: read by the service, and by `chatvault status`. */
export async function backupStatus(
  store: Pick<BackupStore, 'getCheckpoint' | 'getRun' | 'getLatestFinishedRun'>,
  tenantId: string,
): Promise<BackupStatus> {
  const status: BackupStatus = { tenantId };
  const active = (await store.getCheckpoint<ActiveRun>(tenantId, ACTIVE_RUN_CHECKPOINT))?.value;
  const run = active && (await store.getRun(tenantId, active.runId));
  if (active && run && run.status === 'running') status.active = { run, mode: active.mode };
  const last = await store.getLatestFinishedRun(tenantId);
  if (last) status.last = last;
  const lastFull = (await store.getCheckpoint<LastRun>(tenantId, lastRunCheckpoint('full')))?.value;
  if (lastFull) status.lastFull = lastFull;
  const lastGoodFull = (await store.getCheckpoint<LastRun>(tenantId, LAST_GOOD_FULL_CHECKPOINT))?.value;
  if (lastGoodFull) status.lastGoodFull = lastGoodFull;
  const lastIncremental = (await store.getCheckpoint<LastRun>(tenantId, lastRunCheckpoint('incremental')))
    ?.value;
  if (lastIncremental) status.lastIncremental = lastIncremental;
  return status;
}
