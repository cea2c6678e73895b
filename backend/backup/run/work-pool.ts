import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkItemClaim } from '../../store/backup-records';
import type { RunContext } from './run-context';
import { runClaimedItem, RunInterruptedError } from './work-item-runner';

/**
 * When this process finds nothing to claim and runs nothing, whether to wait and look again or to
 * stop: the coordinator stops once the phase's items are all done; a helper once the run is over
 * or its coordinator is gone (then it tries to take the lease itself).
 */
export type IdleVerdict = 'wait' | 'stop';

/**
 * Up to `concurrency` items of the run at once in this process, until `whenIdle` says stop. A
 * worker that finishes an item claims the next; one that finds nothing ends. While fewer workers
 * run than allowed, one look for new items is made per poll interval (items other processes add,
 * claims that expired with a dead process), so an idle process costs the store one query per
 * interval, not one per worker.
 */
export async function workUntilIdle(
  ctx: RunContext,
  holderId: string,
  whenIdle: () => Promise<IdleVerdict>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: unknown;
  // One promise that a finishing worker settles, rather than a race over the running workers: a
  // race leaves a reaction on each of them at every turn, and an item may run for minutes.
  let wake: (() => void) | undefined;
  const workerDone = () => new Promise<void>((resolve) => (wake = resolve));
  const claim = () => ctx.store.claimWorkItem(ctx.tenantId, ctx.run.runId, holderId, ctx.settings.claimTtlMs);
  const start = (first: WorkItemClaim): void => {
    const worker = (async () => {
      let next: WorkItemClaim | undefined = first;
      while (next && !ctx.signal.aborted && failure === undefined) {
        await runClaimedItem(ctx, next);
        if (ctx.signal.aborted || failure !== undefined) return;
        next = await claim();
      }
    })().catch((error: unknown) => {
      failure ??= error;
    });
    running.add(worker);
    void worker.finally(() => {
      running.delete(worker);
      wake?.();
    });
  };

  try {
    while (!ctx.signal.aborted && failure === undefined) {
      if (running.size < ctx.settings.concurrency) {
        const found = await claim();
        if (found) {
          start(found);
          continue;
        }
        if (running.size === 0 && (await whenIdle()) === 'stop') break;
      }
      await Promise.race([pause(ctx), workerDone()]);
    }
  } catch (error) {
    // The store failed this loop's claim or idle test: the workers finish the item in hand and
    // stop, rather than go on writing to a run whose caller is already finishing it.
    failure ??= error;
  }
  await Promise.allSettled(running);
  if (ctx.signal.aborted) throw new RunInterruptedError();
  if (failure !== undefined) throw failure;
}

/** The coordinator's idle test: every item of the run is done or failed. */
export async function allItemsSettled(ctx: RunContext): Promise<IdleVerdict> {
  const counts = await ctx.store.countWorkItems(ctx.tenantId, ctx.run.runId);
  return counts.pending === 0 && counts.claimed === 0 ? 'stop' : 'wait';
}

export async function pause(ctx: RunContext): Promise<void> {
  try {
    await sleep(ctx.settings.idlePollMs, undefined, { signal: ctx.signal });
  } catch {
    // Aborted: the caller's loop sees the signal.
  }
}
