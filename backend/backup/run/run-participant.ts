import { setTimeout as sleep } from 'node:timers/promises';
import type { BlobStore } from '../../blobs/blob-store';
import type { Clock } from '../../connection/clock';
import { GraphReadError, type TenantGraphSource } from '../../graph/tenant-graph-source';
import type { Logger } from '../../observability/logger';
import type { Lease, RunRecord, RunTrigger } from '../../store/backup-records';
import type { BackupStore } from '../../store/backup-store';
import type { BackupSettings } from '../backup-settings';
import { activeUsers } from '../discovery/active-users';
import { discoverUsers } from '../discovery/discover-users';
import { HostedContentCapture } from '../hosted/hosted-content-capture';
import { harvestStrategy } from '../messages/harvest-strategies';
import type { HarvestStrategyName } from '../messages/harvest-strategy';
import { advanceWatermark } from '../messages/harvest-items';
import { MessageSink } from '../messages/message-sink';
import { planInput } from '../messages/plan-input';
import { refreshScopeGroups, ScopeGroupsUnreadableError } from '../scope/group-refresh';
import { readWholeBy, runScope } from '../scope/run-scope';
import {
  ACTIVE_RUN_CHECKPOINT,
  PHASE_LABEL,
  RUN_LEASE,
  type ActiveRun,
  type RunMode,
  type RunPhase,
} from './active-run';
import type { BackupHooks } from './backup-hooks';
import { LeaseKeeper } from './lease-keeper';
import type { BackupEvent, ParticipantRole } from './progress-events';
import { ProgressReporter } from './progress-reporter';
import { addItems, nowIso, type RunContext } from './run-context';
import { decideOutcome } from './run-outcome';
import { RunTally } from './run-tally';
import type { WorkItem } from './work-item-key';
import { RunInterruptedError } from './work-item-runner';
import { allItemsSettled, workUntilIdle } from './work-pool';

export interface RunRequest {
  mode: RunMode;
  trigger: RunTrigger;
  /** The full run's strategy; the settings' when absent. */
  strategy?: HarvestStrategyName;
}

export interface ParticipantDeps {
  tenantId: string;
  /** Unique to this process and call: who holds the lease and the claims. */
  holderId: string;
  store: BackupStore;
  blobs: BlobStore;
  graph: TenantGraphSource;
  clock: Clock;
  settings: BackupSettings;
  hooks: BackupHooks;
  logger: Logger;
  emit: (event: BackupEvent) => void;
}

export interface Participation {
  run: RunRecord;
  /** The last role this process had in the run. */
  role: ParticipantRole;
}

/** Checkpoint of the last finished run of each mode (the scheduler's memory). */
export function lastRunCheckpoint(mode: RunMode): string {
  return `run:last:${mode}`;
}

/** Checkpoint of the last full run that backed the tenant up (succeeded or partial). */
export const LAST_GOOD_FULL_CHECKPOINT = 'run:last-good:full';

export interface LastRun {
  runId: string;
  outcome: NonNullable<RunRecord['outcome']>;
  startedAt: string;
  finishedAt: string;
}

/**
 * This process's part in the tenant's backup run, from start to finish of the run:
 *
 * - whoever takes the tenant's run lease coordinates: it resumes the run named in the `run:active`
 *   checkpoint if one is unfinished (its previous coordinator died), or starts a new one; it moves
 *   the run through its phases, and finishes it;
 * - any other process helps: it claims the run's work items until the run is over, and takes the
 *   lease over if the coordinator's expires.
 *
 * So two processes started on one tenant make one run, share its work, and either finishes it if
 * the other dies. Resolves with the finished run; rejects with `RunInterruptedError` when `signal`
 * stops this process's part before the run is over (the run goes on, or resumes, elsewhere).
 */
export async function takePart(
  deps: ParticipantDeps,
  request: RunRequest,
  signal: AbortSignal,
): Promise<Participation> {
  let role: ParticipantRole = 'helper';
  for (;;) {
    if (signal.aborted) throw new RunInterruptedError();
    const lease = await deps.store.acquireLease(
      deps.tenantId,
      RUN_LEASE,
      deps.holderId,
      deps.settings.leaseTtlMs,
    );
    if (lease) {
      role = 'coordinator';
      const run = await coordinate(deps, lease, request, signal);
      if (run) return { run, role };
      continue;
    }
    const active = (await deps.store.getCheckpoint<ActiveRun>(deps.tenantId, ACTIVE_RUN_CHECKPOINT))?.value;
    const run = active && (await deps.store.getRun(deps.tenantId, active.runId));
    if (active && run && run.status === 'running') {
      const finished = await help(deps, active, signal);
      if (finished) return { run: finished, role };
      continue;
    }
    // The holder is starting or finishing a run: look again in a moment.
    await pauseFor(deps.settings.idlePollMs, signal);
  }
}

/** Resolves the finished run, or undefined when the lease was lost and the run goes on elsewhere. */
async function coordinate(
  deps: ParticipantDeps,
  lease: Lease,
  request: RunRequest,
  outer: AbortSignal,
): Promise<RunRecord | undefined> {
  const local = new AbortController();
  let leaseLost = false;
  let cancelRequested = false;
  const onOuterAbort = () => local.abort();
  outer.addEventListener('abort', onOuterAbort);
  const keeper = new LeaseKeeper(lease, deps.store, deps.settings.leaseTtlMs, () => {
    leaseLost = true;
    local.abort();
  });
  let reporter: ProgressReporter | undefined;
  try {
    const active = await activeRun(deps, request);
    const ctx = context(deps, active, local.signal);
    reporter = new ProgressReporter(ctx, {
      coordinator: true,
      onRecord: (run) => deps.emit({ type: 'progress', tenantId: deps.tenantId, run }),
      onCancelRequested: () => {
        cancelRequested = true;
        local.abort();
      },
    });
    const started = await deps.store.getRun(deps.tenantId, active.runId);
    if (started)
      deps.emit({ type: 'run-started', tenantId: deps.tenantId, run: started, role: 'coordinator' });
    if (started?.cancelRequestedAt || (await deps.store.isRunCancelRequested(deps.tenantId, active.runId))) {
      // Cancelled while no one coordinated it (its coordinator died): nothing more to do.
      return await finish(deps, ctx, { cancelled: true });
    }
    reporter.start();
    try {
      await runPhases(deps, ctx);
    } catch (error) {
      if (!(error instanceof RunInterruptedError) && !local.signal.aborted) {
        await reporter.stop();
        return await finish(deps, ctx, { fatal: error });
      }
      await reporter.stop();
      cancelRequested ||= await deps.store.isRunCancelRequested(deps.tenantId, active.runId);
      if (cancelRequested && !leaseLost) return await finish(deps, ctx, { cancelled: true });
      if (leaseLost) return undefined;
      throw new RunInterruptedError();
    }
    await reporter.stop();
    return await finish(deps, ctx, {});
  } finally {
    outer.removeEventListener('abort', onOuterAbort);
    keeper.stop();
    if (!leaseLost) await keeper.release();
  }
}

/** The unfinished run to resume, or a new one. */
async function activeRun(deps: ParticipantDeps, request: RunRequest): Promise<ActiveRun> {
  const { store, tenantId } = deps;
  const existing = (await store.getCheckpoint<ActiveRun>(tenantId, ACTIVE_RUN_CHECKPOINT))?.value;
  if (existing) {
    const run = await store.getRun(tenantId, existing.runId);
    if (run && run.status === 'running') {
      deps.logger.info(
        { tenantId, runId: run.runId, phase: existing.phase },
        'resuming the unfinished backup run',
      );
      return existing;
    }
    // Its coordinator finished it and died before clearing up.
    await store.removeWorkItems(tenantId, existing.runId);
  }
  const run = await store.createRun(tenantId, { trigger: request.trigger, phase: PHASE_LABEL.users });
  const active: ActiveRun = {
    runId: run.runId,
    mode: request.mode,
    strategy: request.strategy ?? deps.settings.fullStrategy,
    phase: 'users',
    startedAt: run.startedAt,
  };
  await store.putCheckpoint(tenantId, ACTIVE_RUN_CHECKPOINT, active);
  deps.logger.info({ tenantId, runId: run.runId, mode: active.mode }, 'backup run started');
  return active;
}

function context(deps: ParticipantDeps, run: ActiveRun, signal: AbortSignal): RunContext {
  const tally = new RunTally();
  const capture = new HostedContentCapture({
    tenantId: deps.tenantId,
    graph: deps.graph,
    blobs: deps.blobs,
    hooks: deps.hooks,
    concurrency: deps.settings.hostedContentConcurrency,
  });
  const sink = new MessageSink({
    tenantId: deps.tenantId,
    runId: run.runId,
    store: deps.store,
    capture,
    tally,
    hooks: deps.hooks,
    clock: deps.clock,
  });
  return {
    tenantId: deps.tenantId,
    run: { ...run },
    graph: deps.graph,
    store: deps.store,
    sink,
    tally,
    clock: deps.clock,
    settings: deps.settings,
    hooks: deps.hooks,
    signal,
    knownChats: new Set(),
    recordedChats: new Map(),
  };
}

async function runPhases(deps: ParticipantDeps, ctx: RunContext): Promise<void> {
  for (;;) {
    switch (ctx.run.phase) {
      case 'users': {
        // The groups the scope names, read now: membership changes count from this run on.
        await refreshScopeGroups(ctx);
        const users = await discoverUsers(ctx.tenantId, ctx.graph, ctx.store, ctx.signal);
        // Every directory user is recorded; only those in the tenant's backup scope are read.
        const scope = await runScope(ctx);
        const scoped = users.active.filter((userId) => scope.covers(userId));
        ctx.tally.add({ users: scoped.length });
        const next: WorkItem[] = scoped.map((userId): WorkItem =>
          ctx.run.mode === 'full' ? { kind: 'chats', userId } : { kind: 'read', userId },
        );
        await addItems(ctx, next);
        await moveTo(ctx, ctx.run.mode === 'full' ? 'chats' : 'messages');
        break;
      }
      case 'chats': {
        await workUntilIdle(ctx, deps.holderId, () => allItemsSettled(ctx));
        const input = await planInput(ctx.tenantId, ctx.store, ctx.clock.now(), await runScope(ctx));
        const strategy = harvestStrategy(ctx.run.strategy);
        ctx.tally.add({ chats: input.chats.length });
        await addItems(ctx, [
          ...strategy.plan({ ...input, readerCeiling: ctx.settings.readerCeiling }),
          ...input.pinnedBefore.map((chatId): WorkItem => ({ kind: 'pinned', chatId })),
        ]);
        const counts = await ctx.store.countWorkItems(ctx.tenantId, ctx.run.runId);
        await moveTo(ctx, 'messages', counts.done + counts.failed);
        break;
      }
      case 'messages':
        await workUntilIdle(ctx, deps.holderId, () => allItemsSettled(ctx));
        await moveTo(ctx, 'finalize');
        break;
      case 'finalize':
        return;
      default: {
        const unreachable: never = ctx.run.phase;
        throw new Error(`unknown run phase ${String(unreachable)}`);
      }
    }
  }
}

/** Records the next phase; everything the current one did is durable by now. */
async function moveTo(ctx: RunContext, phase: RunPhase, itemsBefore?: number): Promise<void> {
  ctx.run = { ...ctx.run, phase, ...(itemsBefore === undefined ? {} : { itemsBefore }) };
  await ctx.store.putCheckpoint(ctx.tenantId, ACTIVE_RUN_CHECKPOINT, ctx.run);
}

/**
 * Ends the run: a full run that met no failure moves every backed-up user's watermark to its start
 * (it read all their chats; users out of scope, or who came into it as the run began, keep theirs),
 * then the outcome is recorded, the items are removed and the tenant is free for its next run.
 */
async function finish(
  deps: ParticipantDeps,
  ctx: RunContext,
  how: { cancelled?: boolean; fatal?: unknown },
): Promise<RunRecord> {
  const { store, tenantId } = deps;
  const runId = ctx.run.runId;
  const errors = [];
  if (how.fatal !== undefined) {
    const message = how.fatal instanceof Error ? how.fatal.message : String(how.fatal);
    const kind =
      how.fatal instanceof GraphReadError
        ? `graph_${how.fatal.reason}`
        : how.fatal instanceof ScopeGroupsUnreadableError
          ? how.fatal.kind
          : 'run_failed';
    errors.push({ kind, message, at: nowIso(ctx) });
    deps.logger.error({ tenantId, runId, kind }, 'backup run failed');
  }
  const items = await store.countWorkItems(tenantId, runId);
  if (ctx.run.mode === 'full' && !how.cancelled && how.fatal === undefined && items.failed === 0) {
    const scope = await runScope(ctx);
    for (const userId of await activeUsers(tenantId, store)) {
      if (readWholeBy(scope, userId, ctx.run.startedAt, ctx.settings.watermarkOverlapMs))
        await advanceWatermark(ctx, userId, new Date(ctx.run.startedAt));
    }
  }
  const current = await store.getRun(tenantId, runId);
  const outcome =
    how.fatal !== undefined
      ? 'failed'
      : decideOutcome({
          cancelled: how.cancelled === true,
          items,
          errors: current?.errors ?? [],
          users: current?.counters.users ?? 0,
        });
  // The scheduler's memory first: a crash between the two leaves the run unfinished, and its
  // resumption finishes it with the same outcome (the first finish wins).
  const last: LastRun = { runId, outcome, startedAt: ctx.run.startedAt, finishedAt: nowIso(ctx) };
  await store.putCheckpoint<LastRun>(tenantId, lastRunCheckpoint(ctx.run.mode), last);
  if (ctx.run.mode === 'full' && (outcome === 'succeeded' || outcome === 'partial')) {
    await store.putCheckpoint<LastRun>(tenantId, LAST_GOOD_FULL_CHECKPOINT, last);
  }
  const run = await store.finishRun(tenantId, runId, { outcome, errors });
  await store.removeWorkItems(tenantId, runId);
  await store.deleteCheckpoint(tenantId, ACTIVE_RUN_CHECKPOINT);
  deps.logger.info({ tenantId, runId, outcome }, 'backup run finished');
  deps.emit({ type: 'run-finished', tenantId, run });
  return run;
}

/**
 * Works on another process's run until it is over (resolves the finished run), or until its
 * coordinator's lease is free or expired (resolves undefined: the caller tries to take it over).
 */
async function help(
  deps: ParticipantDeps,
  active: ActiveRun,
  outer: AbortSignal,
): Promise<RunRecord | undefined> {
  const local = new AbortController();
  const onOuterAbort = () => local.abort();
  outer.addEventListener('abort', onOuterAbort);
  const ctx = context(deps, active, local.signal);
  let finished: RunRecord | undefined;
  let cancelled = false;
  const reporter = new ProgressReporter(ctx, {
    coordinator: false,
    onRecord: (run) => deps.emit({ type: 'progress', tenantId: deps.tenantId, run }),
    onCancelRequested: () => {
      cancelled = true;
      local.abort();
    },
  });
  const started = await deps.store.getRun(deps.tenantId, active.runId);
  if (started) deps.emit({ type: 'run-started', tenantId: deps.tenantId, run: started, role: 'helper' });
  reporter.start();
  try {
    await workUntilIdle(ctx, deps.holderId, async () => {
      const run = await deps.store.getRun(deps.tenantId, active.runId);
      if (!run || run.status === 'finished') {
        finished = run;
        return 'stop';
      }
      const lease = await deps.store.getLease(deps.tenantId, RUN_LEASE);
      return !lease || Date.parse(lease.expiresAt) <= Date.now() ? 'stop' : 'wait';
    });
  } catch (error) {
    if (!(error instanceof RunInterruptedError)) throw error;
    if (!cancelled) throw error;
  } finally {
    outer.removeEventListener('abort', onOuterAbort);
    await reporter.stop();
  }
  if (cancelled) {
    // The coordinator finishes a cancelled run; wait for it to say so.
    return waitForFinish(deps, active.runId, outer);
  }
  return finished;
}

async function waitForFinish(
  deps: ParticipantDeps,
  runId: string,
  signal: AbortSignal,
): Promise<RunRecord | undefined> {
  for (;;) {
    const run = await deps.store.getRun(deps.tenantId, runId);
    if (!run || run.status === 'finished') return run;
    const lease = await deps.store.getLease(deps.tenantId, RUN_LEASE);
    if (!lease || Date.parse(lease.expiresAt) <= Date.now()) return undefined;
    await pauseFor(deps.settings.idlePollMs, signal);
    if (signal.aborted) throw new RunInterruptedError();
  }
}

async function pauseFor(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: the caller's loop sees the signal.
  }
}
