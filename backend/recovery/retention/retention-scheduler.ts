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
}

export const RETENTION_FIRST_AFTER_MS = 10 * 60_000;
export const RETENTION_EVERY_MS = 24 * 60 * 60_000;

/**
 * Applies each connected tenant's retention policy once a day (docs/recovery.md, Retention): a
 * policy change removes nothing by itself, this does. A tenant whose backup is running refuses
 * (`backup_running`: removal waits for backups) and is tried again at the next pass; any other
 * failure is logged and the next tenant goes on. Tenants keeping everything cost one read.
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

  /** One pass over every tenant; resolves when it is done. */
  pass(): Promise<void> {
    this.passing = this.passing.then(() => this.applyAll());
    return this.passing;
  }

  private arm(ms: number): void {
    this.cancelTimer = this.deps.clock.setTimer(ms, () => {
      void this.pass().finally(() => {
        if (this.started) this.arm(this.deps.everyMs ?? RETENTION_EVERY_MS);
      });
    });
  }

  private async applyAll(): Promise<void> {
    let tenants: string[];
    try {
      tenants = await this.deps.tenants();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not list the tenants to apply retention to');
      return;
    }
    for (const tenantId of tenants) {
      if (this.halted) return;
      try {
        const run = await this.deps.retention.apply(tenantId);
        if (run.messages > 0 || run.blobsDeleted > 0) {
          this.logger.info({ tenantId, ...run }, 'retention removed what the policy no longer keeps');
        }
      } catch (error) {
        if (isRecoveryError(error, 'backup_running')) {
          this.logger.info(
            { tenantId },
            'retention waits: a backup of the tenant is running; tried again next pass',
          );
        } else {
          this.logger.error({ tenantId, err: error }, 'retention could not be applied');
        }
      }
    }
  }
}
