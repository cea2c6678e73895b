import { randomBytes } from 'node:crypto';
import { ACTIVE_RUN_CHECKPOINT, RUN_LEASE, type ActiveRun } from '../../backup/run/active-run';
import { LeaseKeeper } from '../../backup/run/lease-keeper';
import type { BackupStore } from '../../store/backup-store';
import { RecoveryError } from '../recovery-error';

const LEASE_TTL_MS = 30_000;

/**
 * Runs `work` while no backup of the tenant can write: it holds the tenant's backup-run lease (the
 * one every run's coordinator holds, docs/backup.md), renewed while the work goes on, so a run
 * asked for meanwhile waits for it. Refused with `backup_running` while a run is under way, or
 * unfinished (a run whose coordinator died is resumed by whoever takes the lease next, and its
 * helpers may still be writing). Removing versions and blobs needs this: a backup writing a version
 * that names a blob the sweep is about to delete would lose that image.
 *
 * `held()` tells the work whether the lease is still held; work should stop when it is not.
 */
export async function withBackupsPaused<T>(
  store: Pick<BackupStore, 'acquireLease' | 'renewLease' | 'releaseLease' | 'getCheckpoint' | 'getRun'>,
  tenantId: string,
  work: (held: () => boolean) => Promise<T>,
): Promise<T> {
  const holderId = `recovery:${randomBytes(6).toString('hex')}`;
  const lease = await store.acquireLease(tenantId, RUN_LEASE, holderId, LEASE_TTL_MS);
  if (!lease) throw running();
  let lost = false;
  const keeper = new LeaseKeeper(lease, store, LEASE_TTL_MS, () => {
    lost = true;
  });
  try {
    const active = (await store.getCheckpoint<ActiveRun>(tenantId, ACTIVE_RUN_CHECKPOINT))?.value;
    const run = active && (await store.getRun(tenantId, active.runId));
    if (run && run.status === 'running') throw running();
    return await work(() => !lost);
  } finally {
    await keeper.release();
  }
}

function running(): RecoveryError {
  return new RecoveryError(
    'backup_running',
    'A backup of this organization is running; removing backed-up data waits until it has finished. Try again then.',
  );
}

/** Thrown by work that finds its lease lost (the process stalled past its ttl). */
export function leaseLost(): RecoveryError {
  return new RecoveryError(
    'backup_running',
    'A backup started while data was being removed; run the removal again.',
  );
}
