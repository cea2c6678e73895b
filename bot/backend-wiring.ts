import type { BackupService } from '../backend/backup/backup-service';
import type { Logger } from '../backend/observability/logger';
import type { BackupStore } from '../backend/store/backup-store';
import type { BotBackup } from './bot-services';

/**
 * The bot's backup port over BackupService and its store. A run the bot starts goes on after the
 * turn that started it; its end is watched here only so that an interrupted run (the process
 * closing) is logged instead of becoming an unhandled rejection.
 */
export function botBackupFrom(
  service: BackupService,
  store: Pick<BackupStore, 'listRuns' | 'countMessages'>,
  logger: Logger,
): BotBackup {
  return {
    async startRun(tenantId, options) {
      const handle = await service.startRun(tenantId, options);
      handle.done.catch((error: unknown) => {
        logger.warn(
          { tenantId, error: { name: (error as Error)?.name } },
          'backup started from the bot ended early',
        );
      });
    },
    cancel: (tenantId) => service.cancel(tenantId),
    status: (tenantId) => service.status(tenantId),
    schedule: (tenantId) => service.schedule(tenantId),
    setSchedule: (tenantId, change) => service.setSchedule(tenantId, change),
    onProgress: (listener) => service.onProgress(listener),
    listRuns: (tenantId, options) => store.listRuns(tenantId, options),
    countMessages: (tenantId) => store.countMessages(tenantId),
  };
}
