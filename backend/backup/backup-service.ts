import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { BlobStore } from '../blobs/blob-store';
import type { Clock } from '../connection/clock';
import type { TenantGraphSource } from '../graph/tenant-graph-source';
import type { Logger } from '../observability/logger';
import type { RunRecord, RunTrigger } from '../store/backup-records';
import type { BackupStore } from '../store/backup-store';
import { backupStatus, type BackupStatus } from './backup-status';
import type { BackupSettings } from './backup-settings';
import { chatSpacedGraphSource } from './chat-spaced-graph-source';
import type { HarvestStrategyName } from './messages/harvest-strategy';
import { nextRunAt, readSchedule, writeSchedule, type BackupSchedule } from './schedule/backup-schedule';
import { ACTIVE_RUN_CHECKPOINT, type ActiveRun, type RunMode } from './run/active-run';
import { NO_HOOKS, type BackupHooks } from './run/backup-hooks';
import { BackupEvents, type BackupListener, type ParticipantRole } from './run/progress-events';
import { LAST_GOOD_FULL_CHECKPOINT, lastRunCheckpoint, takePart, type LastRun } from './run/run-participant';
import { RunInterruptedError } from './run/work-item-runner';

export interface BackupServiceDeps {
  store: BackupStore;
  blobs: BlobStore;
  /** The tenant's Graph reads, built from its saved connection; rejects `not_connected` without one. */
  graphFor(tenantId: string): Promise<TenantGraphSource>;
  clock: Clock;
  settings: BackupSettings;
  logger: Logger;
  hooks?: BackupHooks;
}

export interface StartRunOptions {
  trigger: RunTrigger;
  /** `auto` (the default): incremental, or full when the tenant never had a full run finish. */
  mode?: RunMode | 'auto';
  /** A full run's strategy; the configured one when absent. */
  strategy?: HarvestStrategyName;
}

/** A run this process takes part in. */
export interface RunHandle {
  tenantId: string;
  mode: RunMode;
  /** The finished run; rejects when this process's part was interrupted (closing) or could not start. */
  done: Promise<BackupResult>;
}

export interface BackupResult {
  run: RunRecord;
  mode: RunMode;
  /** Whether this process coordinated the run or helped another process's run. */
  role: ParticipantRole;
}

/**
 * The backup as the bot, the tab and the CLI use it. One run per tenant at a time across every
 * process (a lease in the store); a second start joins the run under way and shares its work.
 * Layout of the engine: docs/backup.md.
 */
export class BackupService {
  private readonly events = new BackupEvents();
  private readonly running = new Map<string, { handle: RunHandle; abort: AbortController }>();
  private readonly holderPrefix = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private holders = 0;

  constructor(private readonly deps: BackupServiceDeps) {}

  /** Starts (or joins) the tenant's run; resolves once this process has its part under way. */
  async startRun(tenantId: string, options: StartRunOptions): Promise<RunHandle> {
    const existing = this.running.get(tenantId);
    if (existing) return existing.handle;
    const graph = chatSpacedGraphSource(
      await this.deps.graphFor(tenantId),
      this.deps.settings.chatGapMs,
      this.deps.settings.chatReadsInFlight,
    );
    const mode = await this.resolveMode(tenantId, options.mode ?? 'auto');
    const abort = new AbortController();
    const done = takePart(
      {
        tenantId,
        holderId: `${this.holderPrefix}:${++this.holders}`,
        store: this.deps.store,
        blobs: this.deps.blobs,
        graph,
        clock: this.deps.clock,
        settings: this.deps.settings,
        hooks: this.deps.hooks ?? NO_HOOKS,
        logger: this.deps.logger,
        emit: (event) => this.events.emit(event),
      },
      { mode, trigger: options.trigger, strategy: options.strategy },
      abort.signal,
    ).then(async (participation) => ({
      run: participation.run,
      role: participation.role,
      mode: (await this.modeOf(tenantId, participation.run.runId)) ?? mode,
    }));
    const handle: RunHandle = { tenantId, mode, done };
    this.running.set(tenantId, { handle, abort });
    const forget = () => {
      if (this.running.get(tenantId)?.handle === handle) this.running.delete(tenantId);
    };
    done.then(forget, forget);
    return handle;
  }

  /**
   * Asks the tenant's run under way to stop, wherever it runs; resolves false when none is. Its
   * processes see the request within a few seconds, stop, and the run finishes as `cancelled`.
   */
  async cancel(tenantId: string): Promise<boolean> {
    const active = (await this.deps.store.getCheckpoint<ActiveRun>(tenantId, ACTIVE_RUN_CHECKPOINT))?.value;
    if (!active) return false;
    return this.deps.store.requestRunCancel(tenantId, active.runId);
  }

  status(tenantId: string): Promise<BackupStatus> {
    return backupStatus(this.deps.store, tenantId);
  }

  /** The tenant's schedule, and when its next run falls due. */
  async schedule(tenantId: string): Promise<{ schedule: BackupSchedule; nextRunAt?: string }> {
    const schedule = await readSchedule(this.deps.store, tenantId);
    const next = nextRunAt(schedule, await this.status(tenantId), this.deps.clock.now());
    return next ? { schedule, nextRunAt: next.toISOString() } : { schedule };
  }

  /** Changes the tenant's schedule (e.g. incremental every 30 minutes); rejects with `invalid_schedule`. */
  setSchedule(tenantId: string, change: Partial<BackupSchedule>): Promise<BackupSchedule> {
    return writeSchedule(this.deps.store, tenantId, change);
  }

  /** Every run's start, progress and end, whichever tenant; returns the unsubscribe. */
  onProgress(listener: BackupListener): () => void {
    return this.events.on(listener);
  }

  /** Whether this process takes part in a run of the tenant now. */
  isRunning(tenantId: string): boolean {
    return this.running.has(tenantId);
  }

  /**
   * Stops this process's part in every run (not the runs: a run interrupted here resumes in the
   * next process that starts it, or is finished by a process helping it now).
   */
  async close(): Promise<void> {
    const parts = [...this.running.values()];
    for (const part of parts) part.abort.abort();
    await Promise.allSettled(parts.map((part) => part.handle.done));
  }

  private async resolveMode(tenantId: string, mode: RunMode | 'auto'): Promise<RunMode> {
    if (mode !== 'auto') return mode;
    const goodFull = await this.deps.store.getCheckpoint<LastRun>(tenantId, LAST_GOOD_FULL_CHECKPOINT);
    return goodFull ? 'incremental' : 'full';
  }

  private async modeOf(tenantId: string, runId: string): Promise<RunMode | undefined> {
    for (const mode of ['full', 'incremental'] as const) {
      const last = (await this.deps.store.getCheckpoint<LastRun>(tenantId, lastRunCheckpoint(mode)))?.value;
      if (last?.runId === runId) return mode;
    }
    return undefined;
  }
}

export { RunInterruptedError };
export type { BackupStatus };
