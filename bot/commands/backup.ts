import { BackupError } from '../../backend/backup/backup-error';
import { text, type CommandContext, type Reply } from './command-context';
import { status } from './status';

/** Backup now: starts the tenant's run (or finds the one under way) and answers with its status card. */
export async function backupStart(ctx: CommandContext): Promise<Reply> {
  const { services, tenant } = ctx;
  const tenantId = tenant.tenantId;
  if ((await services.connection.status(tenantId)).status === 'inactive')
    return text('Connect the tenant app first: type connect. Backups need a working connection.');
  if ((await services.backup.status(tenantId)).active) return status(ctx, 'A backup is already under way.');
  try {
    await services.backup.startRun(tenantId, {
      trigger: {
        kind: 'manual',
        by: { userId: ctx.person.userId, displayName: ctx.person.name ?? ctx.person.userId },
      },
      mode: 'auto',
    });
  } catch (error) {
    if (error instanceof BackupError && error.reason === 'not_connected')
      return text('Connect the tenant app first: type connect. Backups need a working connection.');
    throw error;
  }
  const runId = (await services.backup.status(tenantId)).active?.run.runId;
  await services.audit.record(tenantId, ctx.actor, 'backup_started', {
    ...(runId ? { subject: runId } : {}),
    details: { mode: 'auto', via: 'bot' },
  });
  return status(ctx, 'Backup started.');
}

/**
 * Cancel: asks the run under way to stop. From a card, `runId` is the run that card showed: a
 * card of a run that has ended cancels nothing, even if another run is under way now.
 */
export async function backupCancel(ctx: CommandContext, runId?: string): Promise<Reply> {
  const { services, tenant } = ctx;
  const tenantId = tenant.tenantId;
  const active = (await services.backup.status(tenantId)).active?.run;
  if (!active) return status(ctx, 'No backup is under way: nothing to cancel.');
  if (runId !== undefined && runId !== active.runId)
    return status(ctx, 'The backup that card showed has already ended: nothing was cancelled.');
  if (active.cancelRequestedAt)
    return status(ctx, 'Cancel was already requested: the backup stops within a few seconds.');
  if (!(await services.backup.cancel(tenantId)))
    return status(ctx, 'The backup ended before it could be cancelled.');
  await services.audit.record(tenantId, ctx.actor, 'backup_cancelled', {
    subject: active.runId,
    details: { via: 'bot' },
  });
  return status(ctx, 'Cancel requested: the backup stops within a few seconds.');
}
