import type { ConnectionStatusView } from '../../backend/connection/connection-service';
import type { BackupStatus } from '../../backend/backup/backup-status';
import { backupStatusText, readBackupStatus } from './backup';
import { defaultConnectionCliDeps, operatorTenant, type ConnectionCliDeps } from './connection-cli';
import type { RegisterCommand } from './index';

/** `chatvault status --tenant <id> [--json]`: the tenant's app connection as admins see it. */
export function registerStatusCommand(
  deps: ConnectionCliDeps,
  readBackup?: (tenantId: string) => Promise<BackupStatus>,
): RegisterCommand {
  return (program, setExitCode) => {
    program
      .command('status')
      .description("show a tenant's app connection: Inactive, Active, Failing (why, since when) or Expiring")
      .requiredOption('--tenant <id>', 'the tenant (Directory) ID')
      .option('--json', 'print the status as one JSON object')
      .addHelpText('after', '\nExit codes: 0 shown (whatever the status), 2 bad usage, 1 any other error.')
      .action(async (options: { tenant: string; json?: boolean }) => {
        const tenant = operatorTenant(options.tenant);
        const { service, close } = await deps.openService();
        let view: ConnectionStatusView;
        try {
          view = await service.status(tenant.tenantId);
        } finally {
          await close();
        }
        const backup = readBackup ? await readBackup(tenant.tenantId) : undefined;
        deps.stdout.write(
          options.json
            ? JSON.stringify(backup ? { ...view, backup } : view) + '\n'
            : statusText(view) + (backup ? backupStatusText(backup) : ''),
        );
        setExitCode(0);
      });
  };
}

export const registerStatus: RegisterCommand = (program, setExitCode) =>
  registerStatusCommand(defaultConnectionCliDeps(), readBackupStatus)(program, setExitCode);

const LABEL: Record<ConnectionStatusView['status'], string> = {
  inactive: 'Inactive',
  active: 'Active',
  failing: 'Failing',
  expiring: 'Expiring',
};

function statusText(view: ConnectionStatusView): string {
  const lines = [`Tenant ${view.tenantId}: ${LABEL[view.status]}`];
  const c = view.connection;
  if (c) {
    lines.push(`  Application ID: ${c.appId}`);
    lines.push(
      `  Secret: ${c.secretHint}****** saved ${c.savedAt.slice(0, 10)}, expires ${c.expiresAt.slice(0, 10)} (${c.daysUntilExpiry} days)`,
    );
    lines.push(`  Permissions: ${c.permissions.join(', ') || 'none'}`);
    lines.push(`  Last test: ${c.lastTest.at} ${c.lastTest.code}`);
  } else {
    lines.push('  No app connection saved: run `chatvault connect` or use Test & Save Connection in Teams.');
  }
  if (view.failing) lines.push(`  Failing since ${view.failing.since}: ${view.failing.message}`);
  if (view.lastAttempt && !view.lastAttempt.ok) {
    lines.push(
      `  Last attempt ${view.lastAttempt.at} (${view.lastAttempt.code}): ${view.lastAttempt.message}`,
    );
  }
  return lines.join('\n') + '\n';
}
