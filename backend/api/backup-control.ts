import type { BackupService } from '../backup/backup-service';
import type { RunRecord } from '../store/backup-records';
import { RunInProgressError, type TabBackup } from './tab-api-ports';

export interface BackupControlOptions {
  /** How often to look for the run's record while waiting for it to be created. */
  pollMs?: number;
  /** How long a start may take to record its run before the request fails. */
  startTimeoutMs?: number;
}

/**
 * `BackupService` as the tab drives it. The service resolves a start before its run is recorded
 * (the run's id comes later, with the run-started event, from whichever process takes the lease),
 * so a start waits for that event, or for the run to show in the store.
 */
export function backupControl(
  service: Pick<BackupService, 'startRun' | 'cancel' | 'status' | 'schedule' | 'setSchedule' | 'onProgress'>,
  options: BackupControlOptions = {},
): TabBackup {
  return {
    async startRun(tenantId, { trigger, mode }) {
      const before = await service.status(tenantId);
      if (before.active) throw new RunInProgressError(before.active.run.runId);
      const since = new Date().toISOString();
      let settled = false;
      let onStarted: (run: RunRecord) => void = () => undefined;
      const started = new Promise<RunRecord>((resolve) => (onStarted = resolve));
      const unsubscribe = service.onProgress((event) => {
        if (event.tenantId === tenantId && event.type === 'run-started') onStarted(event.run);
      });
      try {
        const handle = await service.startRun(tenantId, { trigger, mode });
        const finished = handle.done.then((result) => result.run);
        // The run goes on after this request: its end is the service's business, not an unhandled rejection here.
        finished.catch(() => undefined);
        const recorded = (async (): Promise<RunRecord> => {
          const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
          while (!settled) {
            const active = (await service.status(tenantId)).active?.run;
            if (active && active.startedAt >= since.slice(0, 19)) return active;
            if (Date.now() > deadline)
              throw new Error(`the run of tenant ${tenantId} was not recorded in time`);
            await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
          }
          return new Promise<RunRecord>(() => undefined);
        })();
        recorded.catch(() => undefined);
        const run = await Promise.race([started, finished, recorded]);
        return { runId: run.runId, mode: handle.mode };
      } finally {
        settled = true;
        unsubscribe();
      }
    },

    async cancel(tenantId) {
      const active = (await service.status(tenantId)).active;
      if (!active) return undefined;
      return (await service.cancel(tenantId)) ? active.run.runId : undefined;
    },

    status: (tenantId) => service.status(tenantId),
    schedule: (tenantId) => service.schedule(tenantId),
    setSchedule: (tenantId, change) => service.setSchedule(tenantId, change),
  };
}
