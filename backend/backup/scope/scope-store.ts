import type { CheckpointStore } from '../../store/backup-store';
import { DEFAULT_SCOPE, SCOPE_MODES, type BackupScopeRecord } from './backup-scope';

/**
 * The scope lives with the tenant's checkpoints, like its schedule: one small JSON value per tenant
 * that both store adapters already keep (contract-tested), that the engine reads from the store it
 * already holds, and that needs no table or container of its own.
 */
export const SCOPE_CHECKPOINT = 'backup:scope';

/** Serialises saves of one tenant's scope across processes (the store's compare-and-swap lease). */
export const SCOPE_LEASE = 'backup-scope';

/** The tenant's scope; `all` (version 0) when it never saved one. */
export async function readScope(
  store: Pick<CheckpointStore, 'getCheckpoint'>,
  tenantId: string,
): Promise<BackupScopeRecord> {
  const saved = (await store.getCheckpoint<Partial<BackupScopeRecord>>(tenantId, SCOPE_CHECKPOINT))?.value;
  if (!saved) return DEFAULT_SCOPE;
  // Never fall back to `all` over a record that says otherwise: a scope narrowed on purpose (people
  // who must not be backed up) would silently widen.
  if (!SCOPE_MODES.includes(saved.mode as BackupScopeRecord['mode'])) {
    throw new Error(`The stored backup scope of tenant ${tenantId} has an unknown mode.`);
  }
  return {
    ...DEFAULT_SCOPE,
    ...saved,
    users: Array.isArray(saved.users) ? saved.users : [],
    since: saved.since ?? {},
  } as BackupScopeRecord;
}

export async function writeScope(
  store: Pick<CheckpointStore, 'putCheckpoint'>,
  tenantId: string,
  record: BackupScopeRecord,
): Promise<void> {
  await store.putCheckpoint(tenantId, SCOPE_CHECKPOINT, record);
}
