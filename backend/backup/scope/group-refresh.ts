import { GUIDE_STEPS } from '../../connection/guide-steps';
import { GraphReadError } from '../../graph/tenant-graph-source';
import type { RunContext } from '../run/run-context';
import type { RunErrorKind } from '../run/run-error-kinds';
import { applyMembershipChange, type ScopedGroup } from './backup-scope';
import { ScopeError } from './scope-error';
import { readMembers } from './scope-groups';
import { readGroupMembers, readScope, takeScopeLease, writeGroupMembers, writeScope } from './scope-store';

/** The run error kind of a named group whose members could not be read. */
export const SCOPE_GROUP_UNREADABLE = 'scope_group_unreadable' satisfies RunErrorKind;

/**
 * A group that `allExcept` names could not be read: the run stops before reading anyone, rather
 * than back up people who may have joined the group since it was last read.
 */
export class ScopeGroupsUnreadableError extends Error {
  readonly kind = SCOPE_GROUP_UNREADABLE;
  constructor(message: string) {
    super(message);
    this.name = 'ScopeGroupsUnreadableError';
  }
}

/** Waiting for a save of the scope: a save holds the lease for two or three store writes. */
const LEASE_WAIT_MS = 60_000;
const LEASE_TTL_MS = 30_000;

/**
 * The first thing a run does (its coordinator, in the users phase): reads the members of every
 * group the scope names, as they are now, and stores them for every process of the run to read.
 * People who joined or left a group since the last read cross the scope's edge: their "since"
 * moves, as a saved change would move it (a returning member is read whole).
 *
 * A group that cannot be read (permission revoked, group deleted, grown past the limit, Graph
 * unavailable):
 * - under `only`, its people as last read stay in scope, and the run records a warning
 *   (`scope_group_unreadable`, which makes it partial);
 * - under `allExcept`, the run fails before reading anyone: whoever joined the group since it was
 *   last read must not be backed up, and nothing tells who that is. The next run tries again.
 */
export async function refreshScopeGroups(
  ctx: Pick<RunContext, 'tenantId' | 'store' | 'graph' | 'clock' | 'tally' | 'signal'>,
): Promise<void> {
  const record = await readScope(ctx.store, ctx.tenantId);
  const groups = record.groups ?? [];
  if (record.mode === 'all' || groups.length === 0) return;
  const known = await readGroupMembers(ctx.store, ctx.tenantId, groups);
  const fresh = new Map<string, string[]>();
  const failures: string[] = [];
  for (const group of groups) {
    try {
      fresh.set(
        group.id,
        await readMembers(
          { userMembers: (id) => ctx.graph.groupUserMembers(id, { signal: ctx.signal }) },
          group,
        ),
      );
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      if (!(error instanceof GraphReadError) && !(error instanceof ScopeError)) throw error;
      failures.push(
        unreadable(group, error, record.mode === 'only' ? known.get(group.id)?.length : undefined),
      );
    }
  }
  const at = ctx.clock.now().toISOString();
  if (failures.length > 0) {
    if (record.mode === 'allExcept') {
      throw new ScopeGroupsUnreadableError(
        `${failures.join(' ')} The scope leaves the group's people out of the backup, and who belongs ` +
          'to it now is unknown: nothing was backed up this run, so that no one left out is. The next ' +
          'run tries again.',
      );
    }
    for (const message of failures) ctx.tally.error({ kind: SCOPE_GROUP_UNREADABLE, message, at });
  }
  if (fresh.size > 0) await storeMembers(ctx, record.version, fresh, at);
}

async function storeMembers(
  ctx: Pick<RunContext, 'tenantId' | 'store'>,
  readVersion: number,
  fresh: ReadonlyMap<string, string[]>,
  at: string,
): Promise<void> {
  const lease = await takeScopeLease(ctx.store, ctx.tenantId, { ttlMs: LEASE_TTL_MS, waitMs: LEASE_WAIT_MS });
  if (!lease)
    throw new Error('The backup scope was being saved for a whole minute: the run stopped. Try again.');
  try {
    const current = await readScope(ctx.store, ctx.tenantId);
    // Saved meanwhile: the save read every group it names and stored them, after this run began.
    if (current.version !== readVersion) return;
    const before = await readGroupMembers(ctx.store, ctx.tenantId, current.groups ?? []);
    const after = new Map(before);
    for (const [groupId, members] of fresh) after.set(groupId, members);
    const { record } = applyMembershipChange(current, before, after, at);
    const changed = [...fresh].filter(([groupId, members]) => !sameMembers(before.get(groupId), members));
    if (changed.length === 0) return;
    // The record (times, counts) first: if this process dies before the members are stored, the
    // next run sees the same change again and moves the times again (one more whole read), never
    // the other way round.
    await writeScope(ctx.store, ctx.tenantId, record);
    for (const [groupId, members] of changed) {
      await writeGroupMembers(ctx.store, ctx.tenantId, { groupId, members, readAt: at });
    }
  } finally {
    await ctx.store.releaseLease(lease).catch(() => false);
  }
}

function sameMembers(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/** What went wrong with one group, and what to do about it, in a sentence or two. */
function unreadable(
  group: ScopedGroup,
  error: GraphReadError | ScopeError,
  keptCount: number | undefined,
): string {
  const kept =
    keptCount === undefined
      ? ''
      : ` Its ${keptCount.toLocaleString('en-US')} ${keptCount === 1 ? 'person' : 'people'} as last read stay in scope.`;
  if (error instanceof ScopeError) return `${error.message}${kept}`;
  const head = `The members of the group "${group.displayName}" (${group.id}) could not be read: ${error.message}`;
  const reason = error.reason;
  switch (reason) {
    case 'not_found':
      return `${head}${kept} The group no longer exists in Entra ID: change the backup scope.`;
    case 'forbidden':
      return (
        `${head}${kept} The app needs GroupMember.Read.All with admin consent (setup guide: ` +
        `${GUIDE_STEPS['setup-8-11']}; ${GUIDE_STEPS['setup-12']}).`
      );
    case 'unauthorized':
    case 'unlicensed':
    case 'bad_request':
    case 'unavailable':
    case 'cancelled':
      return `${head}${kept}`;
    default: {
      const unreachable: never = reason;
      return `${head} (${String(unreachable)})${kept}`;
    }
  }
}
