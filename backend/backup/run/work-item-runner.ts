import { GraphReadError } from '../../graph/tenant-graph-source';
import type { UserState, WorkItemClaim } from '../../store/backup-records';
import { runChatsItem, runMembersItem, runPinnedItem } from '../discovery/chat-items';
import { runListItem, runReadItem, runSenderItem, StrategyUnsupportedError } from '../messages/harvest-items';
import { nowIso, type RunContext } from './run-context';
import type { RunErrorKind } from './run-error-kinds';
import { parseWorkItemKey, type WorkItem } from './work-item-key';

/** What became of a claimed item. */
export type ItemResult = 'done' | 'failed' | 'released';

/** The run stopped under the item: cancelled, or this process lost the lease. Not a failure. */
export class RunInterruptedError extends Error {
  constructor() {
    super('The run was interrupted.');
    this.name = 'RunInterruptedError';
  }
}

/**
 * Runs one claimed work item to its end and records what became of it. The claim is renewed while
 * the item runs; an item that fails is handed back for another try until it has had
 * `maxItemAttempts`, then marked failed with its error in the run record. What Graph says about
 * the tenant (a user without a license, a chat deleted meanwhile) is recorded and the item counts
 * as done: trying again would not change the answer.
 */
export async function runClaimedItem(ctx: RunContext, claim: WorkItemClaim): Promise<ItemResult> {
  const item = parseWorkItemKey(claim.key);
  let current = claim;
  let lost = false;
  const renewEvery = Math.max(100, Math.floor(ctx.settings.claimTtlMs / 3));
  const renewal = setInterval(() => {
    void ctx.store.renewWorkItem(current, ctx.settings.claimTtlMs).then(
      (renewed) => {
        if (renewed) current = renewed;
        else lost = true;
      },
      () => undefined,
    );
  }, renewEvery);
  try {
    await dispatch(ctx, item);
    await recordUserSuccess(ctx, item);
    if (!(await ctx.store.completeWorkItem(current, 'done')) && !lost) lost = true;
    await ctx.hooks.at('item-done');
    return 'done';
  } catch (error) {
    if (ctx.signal.aborted) {
      await ctx.store.releaseWorkItem(current).catch(() => false);
      throw new RunInterruptedError();
    }
    const judged = judge(error, item);
    ctx.tally.error({ kind: judged.kind, message: judged.message, at: nowIso(ctx), ...subjectOf(item) });
    if (judged.notice) {
      if (judged.userState && 'userId' in item)
        await recordUserSkipped(ctx, item.userId, judged.userState, judged);
      await ctx.store.completeWorkItem(current, 'done');
      return 'done';
    }
    if (judged.retry && current.attempts < ctx.settings.maxItemAttempts) {
      await ctx.store.releaseWorkItem(current);
      return 'released';
    }
    if ('userId' in item) {
      await ctx.store
        .setUserBackupStatus(ctx.tenantId, item.userId, {
          lastError: { kind: judged.kind, message: judged.message, at: nowIso(ctx) },
        })
        .catch(() => undefined);
    }
    await ctx.store.completeWorkItem(current, 'failed');
    return 'failed';
  } finally {
    clearInterval(renewal);
  }
}

function dispatch(ctx: RunContext, item: WorkItem): Promise<void> {
  switch (item.kind) {
    case 'chats':
      return runChatsItem(ctx, item.userId);
    case 'read':
      return runReadItem(ctx, item.userId);
    case 'sender':
      return runSenderItem(ctx, item.userId);
    case 'list':
      return runListItem(ctx, item.chatId);
    case 'members':
      return runMembersItem(ctx, item.chatId);
    case 'pinned':
      return runPinnedItem(ctx, item.chatId);
    default: {
      const unreachable: never = item;
      throw new Error(`unknown work item ${JSON.stringify(unreachable)}`);
    }
  }
}

interface Judgement {
  kind: RunErrorKind;
  message: string;
  /** Recorded, and the item counts as done. */
  notice: boolean;
  /** Worth another try by this or another process. */
  retry: boolean;
  userState?: UserState;
}

function judge(error: unknown, item: WorkItem): Judgement {
  const message = error instanceof Error ? error.message : String(error);
  const userItem = item.kind === 'chats' || item.kind === 'read' || item.kind === 'sender';
  if (error instanceof GraphReadError) {
    switch (error.reason) {
      case 'not_found':
        return userItem
          ? { kind: 'user_not_found', message, notice: true, retry: false, userState: 'notFound' }
          : { kind: 'chat_not_found', message, notice: true, retry: false };
      case 'unlicensed':
        return { kind: 'user_unlicensed', message, notice: true, retry: false, userState: 'unlicensed' };
      case 'forbidden':
        // A refusal of one user's chats while the app may read others' is how Graph answers for a
        // user without a Teams license; a revoked consent refuses every user, which the run's
        // outcome catches (every user skipped).
        return userItem
          ? { kind: 'user_unlicensed', message, notice: true, retry: false, userState: 'unlicensed' }
          : { kind: 'graph_forbidden', message, notice: false, retry: false };
      case 'unauthorized':
        return { kind: 'graph_unauthorized', message, notice: false, retry: true };
      case 'bad_request':
        return { kind: 'graph_bad_request', message, notice: false, retry: false };
      case 'unavailable':
      case 'cancelled':
        return { kind: 'graph_unavailable', message, notice: false, retry: true };
      default: {
        const unreachable: never = error.reason;
        throw new Error(`unknown Graph failure ${String(unreachable)}`);
      }
    }
  }
  if (error instanceof StrategyUnsupportedError)
    return { kind: 'strategy_unsupported', message, notice: false, retry: false };
  // The store, the blob store or the medium under them: worth another try, by this or another process.
  return { kind: 'storage_failed', message, notice: false, retry: true };
}

function subjectOf(item: WorkItem): { userId?: string; chatId?: string } {
  return 'userId' in item ? { userId: item.userId } : { chatId: item.chatId };
}

async function recordUserSuccess(ctx: RunContext, item: WorkItem): Promise<void> {
  if (item.kind !== 'read' && item.kind !== 'sender') return;
  await ctx.store.setUserBackupStatus(ctx.tenantId, item.userId, {
    lastBackedUpAt: nowIso(ctx),
    lastError: null,
  });
}

async function recordUserSkipped(
  ctx: RunContext,
  userId: string,
  state: UserState,
  judged: Judgement,
): Promise<void> {
  const user = await ctx.store.getUser(ctx.tenantId, userId);
  if (!user) return;
  await ctx.store.upsertUsers(ctx.tenantId, [
    { userId, upn: user.upn, displayName: user.displayName, state },
  ]);
  await ctx.store.setUserBackupStatus(ctx.tenantId, userId, {
    lastError: { kind: judged.kind, message: judged.message, at: nowIso(ctx) },
  });
}
