import type { Clock } from '../../connection/clock';
import type { Logger } from '../../observability/logger';
import { isRecoveryError } from '../recovery-error';
import type { RetentionService } from './retention-service';

export interface RetentionSchedulerDeps {
  retention: Pick<RetentionService, 'apply'>;
  /** The tenants to apply retention to: those with a saved connection. */
  tenants(): Promise<string[]>;
  clock: Clock;
  logger: Logger;
  /** The first pass, after the server started (default 10 minutes: not during the start's own work). */
  firstAfterMs?: number;
  /** Then one pass per this long (default a day). */
  everyMs?: number;
  /** After a pass that found a tenant's backup running, the next pass comes this soon (default 30 minutes). */
  busyRetryMs?: number;
}

export const RETENTION_FIRST_AFTER_MS = 10 * 60_000;
export const RETENTION_EVERY_MS = 24 * 60 * 60_000;
export const RETENTION_BUSY_RETRY_MS = 30 * 60_000;

/**
 * Applies each connected tenant's retention policy once a day (docs/recovery.md, Retention): a
 * policy change removes nothing by itself, this does. A tenant whose backup is running refuses
 * (`backup_running`: removal waits for backups); the next pass then comes after half an hour, not a
 * day, so frequent backups do not put retention off indefinitely (applying again is harmless). Any
 * other failure is logged and the next tenant goes on. Tenants keeping everything cost one read.
 * Timers come from the clock (unref'd by the system clock): a pending pass keeps no process alive.
 */
export class RetentionScheduler {
  private cancelTimer: (() => void) | undefined;
  private passing: Promise<void> = Promise.resolve();
  private started = false;
  /** Set by `stop`: a pass under way ends after its current tenant. */
  private halted = false;
  private readonly logger: Logger;

  constructor(private readonly deps: RetentionSchedulerDeps) {
    this.logger = deps.logger.child({ component: 'retention-scheduler' });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.halted = false;
    this.arm(this.deps.firstAfterMs ?? RETENTION_FIRST_AFTER_MS);
  }

  /** Stops the passes; resolves once a pass under way has finished its tenant. */
  async stop(): Promise<void> {
    this.started = false;
    this.halted = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.passing;
  }

  /** One pass over every tenant; resolves with how many were busy (their backup running) when it is done. */
  pass(): Promise<number> {
    const pass = this.passing.then(() => this.applyAll());
    this.passing = pass.then(() => undefined);
    return pass;
  }

  private arm(ms: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.deps.clock.setTimer(ms, () => {
      this.cancelTimer = undefined;
      void this.pass().then(
        (busy) => this.rearm(busy > 0),
        () => this.rearm(false),
      );
    });
  }

  /** After a pass: unless stopped, or restarted meanwhile (which armed its own timer). */
  private rearm(busy: boolean): void {
    if (!this.started || this.cancelTimer) return;
    this.arm(
      busy ? (this.deps.busyRetryMs ?? RETENTION_BUSY_RETRY_MS) : (this.deps.everyMs ?? RETENTION_EVERY_MS),
    );
  }

  private async applyAll(): Promise<number> {
    let tenants: string[];
    try {
      tenants = await this.deps.tenants();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not list the tenants to apply retention to');
      return 0;
    }
    let busy = 0;
    for (const tenantId of tenants) {
      if (this.halted) return busy;
      try {
        const run = await this.deps.retention.apply(tenantId);
        if (run.messages > 0 || run.blobsDeleted > 0) {
          this.logger.info({ tenantId, ...run }, 'retention removed what the policy no longer keeps');
        }
      } catch (error) {
        if (isRecoveryError(error, 'backup_running')) {
          busy++;
          this.logger.info(
            { tenantId },
            'retention waits: a backup of the tenant is running; tried again at the next pass',
          );
        } else {
          this.logger.error({ tenantId, err: error }, 'retention could not be applied');
        }
      }
    }
    return busy;
  }
}
