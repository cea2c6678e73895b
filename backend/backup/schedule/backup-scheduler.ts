import type { Clock } from '../../connection/clock';
import type { Logger } from '../../observability/logger';
import type { BackupStore } from '../../store/backup-store';
import { backupStatus } from '../backup-status';
import type { BackupService } from '../backup-service';
import { dueRun, readSchedule } from './backup-schedule';

export interface BackupSchedulerDeps {
  service: Pick<BackupService, 'startRun' | 'isRunning'>;
  store: Pick<BackupStore, 'getCheckpoint' | 'getRun' | 'getLatestFinishedRun'>;
  /** The tenants to back up: those with a saved connection. */
  tenants(): Promise<string[]>;
  clock: Clock;
  logger: Logger;
  /** How often due runs are looked for (default a minute). */
  tickMs?: number;
}

const DEFAULT_TICK_MS = 60_000;

/**
 * Starts each tenant's runs when they fall due: incremental on the tenant's interval, a full
 * reconciliation on its longer one (backup-schedule.ts). Every process may run a scheduler: a run
 * already under way elsewhere is joined, not started twice (the run lease).
 */
export class BackupScheduler {
  private cancelTimer: (() => void) | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = true;
  private readonly logger: Logger;

  constructor(private readonly deps: BackupSchedulerDeps) {
    this.logger = deps.logger.child({ component: 'backup-scheduler' });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.arm(0);
  }

  /** Stops looking for due runs (runs under way go on; `BackupService.close` stops them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.ticking;
  }

  /** One look at every tenant; resolves once the due runs are started (not finished). */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.startDueRuns());
    return this.ticking;
  }

  private arm(ms: number): void {
    this.cancelTimer = this.deps.clock.setTimer(ms, () => {
      void this.tick().finally(() => {
        if (!this.stopped) this.arm(this.deps.tickMs ?? DEFAULT_TICK_MS);
      });
    });
  }

  private async startDueRuns(): Promise<void> {
    let tenants: string[];
    try {
      tenants = await this.deps.tenants();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not list the tenants to back up');
      return;
    }
    const now = this.deps.clock.now();
    for (const tenantId of tenants) {
      if (this.deps.service.isRunning(tenantId)) continue;
      try {
        const schedule = await readSchedule(this.deps.store, tenantId);
        const status = await backupStatus(this.deps.store, tenantId);
        const mode = status.active ? status.active.mode : dueRun(schedule, status, now);
        if (!mode) continue;
        const handle = await this.deps.service.startRun(tenantId, { trigger: { kind: 'schedule' }, mode });
        handle.done.catch((error: unknown) =>
          this.logger.warn({ err: error, tenantId }, 'scheduled backup stopped'),
        );
      } catch (error) {
        this.logger.warn({ err: error, tenantId }, 'could not start the scheduled backup');
      }
    }
  }
}
