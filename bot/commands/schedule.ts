import { ScheduleError, type BackupSchedule } from '../../backend/backup/schedule/backup-schedule';
import { scheduleCard } from '../views/schedule-view';
import { card, type CommandContext, type Reply } from './command-context';

export async function schedule(ctx: CommandContext): Promise<Reply> {
  const current = await ctx.services.backup.schedule(ctx.tenant.tenantId);
  return card(await scheduleCard(current, ctx.sign));
}

/** Save schedule: the engine checks the intervals; its refusal is shown in the card, nothing changes. */
export async function scheduleSave(
  ctx: CommandContext,
  change: Pick<BackupSchedule, 'enabled' | 'incrementalEveryMinutes' | 'fullEveryDays'>,
): Promise<Reply> {
  const { services } = ctx;
  const tenantId = ctx.tenant.tenantId;
  let result: { ok: boolean; message: string };
  try {
    const saved = await services.backup.setSchedule(tenantId, change);
    await services.audit.record(tenantId, ctx.actor, 'schedule_changed', {
      details: {
        enabled: saved.enabled,
        incrementalEveryMinutes: saved.incrementalEveryMinutes,
        fullEveryDays: saved.fullEveryDays,
      },
    });
    result = { ok: true, message: 'Schedule saved.' };
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    result = { ok: false, message: `Not saved: ${error.message}` };
  }
  const current = await services.backup.schedule(tenantId);
  return card(await scheduleCard({ ...current, result }, ctx.sign));
}
