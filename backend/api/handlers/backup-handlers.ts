import { ScheduleError } from '../../backup/schedule/backup-schedule';
import { isBackupStoreError } from '../../store/backup-store-error';
import { conflict, invalidInput, notFound } from '../api-error';
import type { HandlerDeps } from '../handler-deps';
import type { RouteHandlers } from '../route-context';

export function backupHandlers(
  deps: HandlerDeps,
): Pick<
  RouteHandlers,
  'getBackupStatus' | 'startRun' | 'listRuns' | 'getRun' | 'cancelRun' | 'getSchedule' | 'setSchedule'
> {
  const { backup, backupReads, audit } = deps;
  return {
    async getBackupStatus({ principal }) {
      const [status, schedule] = await Promise.all([
        backup.status(principal.tenantId),
        backup.schedule(principal.tenantId),
      ]);
      return {
        ...status,
        schedule: schedule.schedule,
        ...(schedule.nextRunAt ? { nextRunAt: schedule.nextRunAt } : {}),
      };
    },

    async startRun({ principal, actor, body }) {
      const started = await backup.startRun(principal.tenantId, {
        trigger: { kind: 'manual', by: { userId: principal.userId, displayName: principal.displayName } },
        mode: body.mode,
      });
      await audit.record(principal.tenantId, actor, 'backup_started', {
        subject: started.runId,
        details: { mode: started.mode, requested: body.mode },
      });
      return started;
    },

    async listRuns({ principal, query }) {
      try {
        const page = await backupReads.listRuns(principal.tenantId, {
          limit: query.limit ?? 20,
          ...(query.cursor ? { cursor: query.cursor } : {}),
        });
        return { items: page.items, ...(page.next ? { cursor: page.next } : {}) };
      } catch (error) {
        if (isBackupStoreError(error, 'invalid_argument')) {
          throw invalidInput('cursor', 'The cursor is not one this API handed out. Start again without it.');
        }
        throw error;
      }
    },

    async getRun({ principal, params }) {
      const run = await backupReads.getRun(principal.tenantId, params.runId);
      if (!run) throw notFound('The run');
      return run;
    },

    async cancelRun({ principal, actor }) {
      const runId = await backup.cancel(principal.tenantId);
      if (!runId) throw conflict('no_active_run', 'No backup is running, so there is nothing to cancel.');
      await audit.record(principal.tenantId, actor, 'backup_cancelled', { subject: runId });
      return { runId, cancelRequested: true as const };
    },

    async getSchedule({ principal }) {
      return backup.schedule(principal.tenantId);
    },

    async setSchedule({ principal, actor, body }) {
      let schedule;
      try {
        schedule = await backup.setSchedule(principal.tenantId, body);
      } catch (error) {
        // The intervals are valid alone but not together with the saved ones (full more often than incremental).
        if (error instanceof ScheduleError) {
          throw invalidInput(
            body.fullEveryDays !== undefined ? 'fullEveryDays' : 'incrementalEveryMinutes',
            error.message,
          );
        }
        throw error;
      }
      await audit.record(principal.tenantId, actor, 'schedule_changed', { details: { ...schedule } });
      return backup.schedule(principal.tenantId);
    },
  };
}
