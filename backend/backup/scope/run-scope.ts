import { userWatermarkKey, type Watermark } from '../run/active-run';
import type { RunContext } from '../run/run-context';
import type { UserScope } from './backup-scope';
import { loadUserScope } from './scope-store';

const scopes = new WeakMap<object, Promise<UserScope>>();

/**
 * The scope as this process's part in a run first read it: one read per part, whatever number of
 * items it runs. A change saved meanwhile applies from the next run (or the next process joining):
 * see docs/backup-scope.md, "While a run is under way". Its groups' members are those the users
 * phase stored (`group-refresh.ts`), so every process of a run sees the same people.
 */
export function runScope(ctx: Pick<RunContext, 'tenantId' | 'store'>): Promise<UserScope> {
  let scope = scopes.get(ctx);
  if (!scope) {
    scope = loadUserScope(ctx.store, ctx.tenantId, { strict: true });
    scope.catch(() => scopes.delete(ctx));
    scopes.set(ctx, scope);
  }
  return scope;
}

/**
 * Whether a user's watermark may be trusted: only when the read that set it saw the user in scope
 * since the same time as now. A watermark from an earlier stretch in scope says nothing of what
 * happened while they were out (chats they joined, whose history no one backed up), so such a user
 * is read whole. No clock is compared: times of different processes never meet here.
 */
export function watermarkFollowsScope(watermark: Watermark, since: string | null): boolean {
  return (watermark.scopeSince ?? null) === since;
}

/** The user's watermark if an incremental read may start from it; undefined means read everything. */
export async function usableWatermark(ctx: RunContext, userId: string): Promise<Watermark | undefined> {
  const watermark = (await ctx.store.getCheckpoint<Watermark>(ctx.tenantId, userWatermarkKey(userId)))?.value;
  if (!watermark) return undefined;
  const scope = await runScope(ctx);
  return watermarkFollowsScope(watermark, scope.sinceOf(userId)) ? watermark : undefined;
}

/**
 * Whether a full run that started at `startedAt` read all of this user's chats, so that its end may
 * move their watermark to its start: they were in scope when it began. A process that resumed the
 * run may hold a scope saved after it began, so someone who came into scope less than `marginMs`
 * (the watermark overlap: far more than any clock skew between processes) before the start is left
 * to their next incremental run, which reads them whole.
 */
export function readWholeBy(scope: UserScope, userId: string, startedAt: string, marginMs: number): boolean {
  if (!scope.covers(userId)) return false;
  const since = scope.sinceOf(userId);
  return since === null || Date.parse(since) <= Date.parse(startedAt) - marginMs;
}
