import type { BackupService } from '../../backup/backup-service';
import type { Logger } from '../../observability/logger';
import type { RecoveryStore } from '../../store/recovery-store';

/**
 * Brings a tenant's search index up to date as soon as one of its backup runs finishes, so that the
 * first search after a large backup does not wait for the versions it stored to be indexed
 * (docs/recovery.md, Search). Updates of one tenant go one after another; a failure is logged and
 * left to the next run or the next search (which updates the index itself first).
 */
export class SearchIndexFollower {
  private readonly pending = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;
  private readonly logger: Logger;

  constructor(
    backup: Pick<BackupService, 'onProgress'>,
    private readonly recovery: Pick<RecoveryStore, 'updateSearchIndex'>,
    logger: Logger,
  ) {
    this.logger = logger.child({ component: 'search-index' });
    this.unsubscribe = backup.onProgress((event) => {
      if (event.type === 'run-finished') this.update(event.tenantId);
    });
  }

  /** Resolves once every update asked for so far has ended (successful or not). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending.values());
  }

  /** Stops following runs, and waits for the updates under way (the store closes after this). */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.idle();
  }

  private update(tenantId: string): void {
    const previous = this.pending.get(tenantId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        const { indexed } = await this.recovery.updateSearchIndex(tenantId);
        this.logger.debug({ tenantId, indexed }, 'search index brought up to date after a backup run');
      } catch (error) {
        this.logger.warn(
          { tenantId, err: error },
          'could not bring the search index up to date after a backup run',
        );
      }
    });
    this.pending.set(tenantId, next);
    void next.then(() => {
      if (this.pending.get(tenantId) === next) this.pending.delete(tenantId);
    });
  }
}
