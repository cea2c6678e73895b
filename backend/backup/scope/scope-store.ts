import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lease } from '../../store/backup-records';
import type { CheckpointStore, LeaseStore } from '../../store/backup-store';
import {
  DEFAULT_SCOPE,
  SCOPE_MODES,
  UserScope,
  type BackupScopeRecord,
  type ScopedGroup,
} from './backup-scope';

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
    groups: Array.isArray(saved.groups) ? saved.groups : [],
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

/**
 * A named group's user members as last read, one checkpoint per group: a group may hold tens of
 * thousands of people, which the scope record (read by every page of the tab) should not carry.
 */
export interface GroupMembersSnapshot {
  groupId: string;
  members: string[];
  readAt: string;
}

export function groupMembersKey(groupId: string): string {
  return `backup:scope-group:${groupId.toLowerCase()}`;
}

/** The members of each group as last read; a group never read is absent from the map. */
export async function readGroupMembers(
  store: Pick<CheckpointStore, 'getCheckpoint'>,
  tenantId: string,
  groups: readonly ScopedGroup[],
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  for (const group of groups) {
    const snapshot = (await store.getCheckpoint<GroupMembersSnapshot>(tenantId, groupMembersKey(group.id)))
      ?.value;
    if (snapshot && Array.isArray(snapshot.members)) members.set(group.id, snapshot.members);
  }
  return members;
}

export async function writeGroupMembers(
  store: Pick<CheckpointStore, 'putCheckpoint'>,
  tenantId: string,
  snapshot: GroupMembersSnapshot,
): Promise<void> {
  await store.putCheckpoint(tenantId, groupMembersKey(snapshot.groupId), snapshot);
}

export async function deleteGroupMembers(
  store: Pick<CheckpointStore, 'deleteCheckpoint'>,
  tenantId: string,
  groupId: string,
): Promise<void> {
  await store.deleteCheckpoint(tenantId, groupMembersKey(groupId));
}

/**
 * The scope with its groups' members as last read. `strict` (what a run asks for): a group whose
 * members were never stored fails under `allExcept` rather than leave its people in scope. Saves
 * store them before the record names the group, so only a damaged store gets there.
 */
export async function loadUserScope(
  store: Pick<CheckpointStore, 'getCheckpoint'>,
  tenantId: string,
  options: { strict?: boolean } = {},
): Promise<UserScope> {
  const record = await readScope(store, tenantId);
  const groups = record.groups ?? [];
  const members = await readGroupMembers(store, tenantId, groups);
  const unknown = groups.filter((group) => !members.has(group.id));
  if (options.strict && record.mode === 'allExcept' && unknown.length > 0) {
    throw new Error(
      `The members of ${unknown.map((g) => `"${g.displayName}"`).join(', ')}, left out of the backup of ` +
        `tenant ${tenantId}, were never stored: nothing is backed up until the scope is saved again.`,
    );
  }
  return new UserScope(record, members);
}

/** Waits for the tenant's scope lease up to `waitMs`; undefined when someone held it all along. */
export async function takeScopeLease(
  store: Pick<LeaseStore, 'acquireLease'>,
  tenantId: string,
  options: { ttlMs: number; waitMs: number; pollMs?: number },
): Promise<Lease | undefined> {
  const holder = `scope:${randomUUID()}`;
  const giveUpAt = Date.now() + options.waitMs;
  for (;;) {
    const lease = await store.acquireLease(tenantId, SCOPE_LEASE, holder, options.ttlMs);
    if (lease) return lease;
    if (Date.now() >= giveUpAt) return undefined;
    await sleep(options.pollMs ?? 100);
  }
}
