import type { BackupStatus, StartRunOptions } from '../../backend/backup/backup-service';
import type { RunMode } from '../../backend/backup/run/active-run';
import type { BackupEvent, BackupListener } from '../../backend/backup/run/progress-events';
import {
  nextRunAt,
  readSchedule,
  writeSchedule,
  type RunHistory,
} from '../../backend/backup/schedule/backup-schedule';
import { notConnected } from '../../backend/backup/backup-error';
import type { Clock } from '../../backend/connection/clock';
import type {
  Checkpoint,
  MessageCounts,
  Page,
  PageOptions,
  RunOutcome,
  RunRecord,
} from '../../backend/store/backup-records';
import type { BotBackup } from '../bot-services';

interface TenantState {
  active?: { run: RunRecord; mode: RunMode };
  runs: RunRecord[];
  checkpoints: Map<string, Checkpoint>;
  counts: MessageCounts;
}

/**
 * The backup engine as the bot sees it, in memory: runs the test starts, moves and ends by hand.
 * The schedule goes through the engine's own read/write rules (so its refusals are the real ones).
 */
export class FakeBackup implements BotBackup {
  private readonly tenants = new Map<string, TenantState>();
  private readonly listeners = new Set<BackupListener>();
  /** Tenants whose start fails as without a saved connection. */
  readonly notConnected = new Set<string>();
  readonly started: { tenantId: string; options: StartRunOptions }[] = [];
  private nextRun = 1;

  constructor(private readonly clock: Clock) {}

  async startRun(tenantId: string, options: StartRunOptions): Promise<void> {
    if (this.notConnected.has(tenantId)) throw notConnected(tenantId);
    const state = this.state(tenantId);
    this.started.push({ tenantId, options });
    if (state.active) return;
    const now = this.clock.now().toISOString();
    const run: RunRecord = {
      tenantId,
      runId: `run-${this.nextRun++}`,
      trigger: options.trigger,
      startedAt: now,
      updatedAt: now,
      status: 'running',
      phase: 'discovering users',
      percent: 0,
      counters: {
        users: 0,
        chats: 0,
        messagesNew: 0,
        messagesChanged: 0,
        messagesDeleted: 0,
        versions: 0,
        blobs: 0,
        bytes: 0,
        requests: 0,
        throttled: 0,
      },
      errors: [],
    };
    state.active = { run, mode: 'full' };
    this.emit({ type: 'run-started', tenantId, run, role: 'coordinator' });
  }

  /** Moves the tenant's run on, as the engine's progress events do. */
  progress(tenantId: string, percent: number, add: Partial<RunRecord['counters']> = {}): RunRecord {
    const active = this.state(tenantId).active;
    if (!active) throw new Error('no run under way');
    const run = active.run;
    run.percent = percent;
    run.phase = percent < 20 ? 'discovering chats' : 'reading messages';
    run.updatedAt = this.clock.now().toISOString();
    for (const [k, v] of Object.entries(add)) run.counters[k as keyof RunRecord['counters']] += v ?? 0;
    this.emit({ type: 'progress', tenantId, run: structuredClone(run) });
    return run;
  }

  finish(tenantId: string, outcome: RunOutcome, errors: RunRecord['errors'] = []): RunRecord {
    const state = this.state(tenantId);
    const active = state.active;
    if (!active) throw new Error('no run under way');
    const now = this.clock.now().toISOString();
    const run: RunRecord = {
      ...active.run,
      status: 'finished',
      outcome,
      finishedAt: now,
      updatedAt: now,
      percent: 100,
      errors,
    };
    state.active = undefined;
    state.runs.unshift(run);
    this.emit({ type: 'run-finished', tenantId, run });
    return run;
  }

  /** A finished run in the history, as if it had run earlier. */
  addFinishedRun(run: RunRecord): void {
    this.state(run.tenantId).runs.unshift(run);
  }

  setCounts(tenantId: string, counts: MessageCounts): void {
    this.state(tenantId).counts = counts;
  }

  async cancel(tenantId: string): Promise<boolean> {
    const active = this.state(tenantId).active;
    if (!active) return false;
    active.run.cancelRequestedAt = this.clock.now().toISOString();
    return true;
  }

  async status(tenantId: string): Promise<BackupStatus> {
    const state = this.state(tenantId);
    const status: BackupStatus = { tenantId };
    if (state.active) status.active = structuredClone(state.active);
    const last = state.runs.find((r) => r.status === 'finished');
    if (last) status.last = structuredClone(last);
    return status;
  }

  async schedule(tenantId: string) {
    const schedule = await readSchedule(this.checkpoints(tenantId), tenantId);
    const last = (await this.status(tenantId)).last;
    const history: RunHistory = last
      ? {
          lastIncremental: {
            runId: last.runId,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt ?? last.updatedAt,
            outcome: last.outcome ?? 'succeeded',
          },
        }
      : {};
    const next = nextRunAt(schedule, history, this.clock.now());
    return next ? { schedule, nextRunAt: next.toISOString() } : { schedule };
  }

  setSchedule(tenantId: string, change: Parameters<BotBackup['setSchedule']>[1]) {
    return writeSchedule(this.checkpoints(tenantId), tenantId, change);
  }

  onProgress(listener: BackupListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  async listRuns(tenantId: string, options: PageOptions = {}): Promise<Page<RunRecord>> {
    const state = this.state(tenantId);
    const all = [...(state.active ? [state.active.run] : []), ...state.runs];
    return { items: structuredClone(all.slice(0, options.limit ?? 100)) };
  }

  async countMessages(tenantId: string): Promise<MessageCounts> {
    return { ...this.state(tenantId).counts };
  }

  private emit(event: BackupEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private checkpoints(tenantId: string) {
    const map = this.state(tenantId).checkpoints;
    return {
      getCheckpoint: async <T>(_tenant: string, key: string) => map.get(key) as Checkpoint<T> | undefined,
      putCheckpoint: async <T>(tenant: string, key: string, value: T): Promise<Checkpoint<T>> => {
        const checkpoint = { tenantId: tenant, key, value, updatedAt: this.clock.now().toISOString() };
        map.set(key, checkpoint);
        return checkpoint;
      },
    };
  }

  private state(tenantId: string): TenantState {
    let state = this.tenants.get(tenantId);
    if (!state) {
      state = { runs: [], checkpoints: new Map(), counts: { messages: 0, versions: 0, deleted: 0 } };
      this.tenants.set(tenantId, state);
    }
    return state;
  }
}
