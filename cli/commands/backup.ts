import pino from 'pino';
import type { BackupResult, BackupService } from '../../backend/backup/backup-service';
import type { BackupStatus } from '../../backend/backup/backup-status';
import {
  HARVEST_STRATEGY_NAMES,
  type HarvestStrategyName,
} from '../../backend/backup/messages/harvest-strategy';
import type { BackupEvent } from '../../backend/backup/run/progress-events';
import type { RunOutcome, RunRecord } from '../../backend/store/backup-records';
import { UsageError } from '../usage-error';
import { operatorTenant } from './connection-cli';
import type { RegisterCommand } from './index';

/** Exit codes of `chatvault backup` by outcome (also in --help). */
export const BACKUP_EXIT: Record<RunOutcome, number> = { succeeded: 0, partial: 4, failed: 1, cancelled: 1 };

/** What `chatvault backup` needs from the outside world, so tests hand in their own. */
export interface BackupCliDeps {
  /** Opens the backup service from configuration; `close` releases what it opened. */
  openService(): Promise<{ service: BackupService; close(): Promise<void> }>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Calls `handler` on Ctrl-C; returns the unsubscribe. */
  onInterrupt(handler: () => void): () => void;
}

export function defaultBackupCliDeps(): BackupCliDeps {
  return {
    async openService() {
      const { loadConfig } = await import('../../backend/config/config');
      const { createLogger } = await import('../../backend/observability/logger');
      const { createConnectionModule } = await import('../../backend/connection/create-connection-module');
      const { createBackupModule } = await import('../../backend/backup/create-backup-module');
      const { openSqlite } = await import('../../backend/store/sqlite/open-sqlite');
      const { microsoftEndpoints } = await import('../local-tenant');
      const config = loadConfig();
      // Logs go to stderr so that stdout carries only the run record with --json.
      const logger = createLogger({
        level: config.logLevel,
        destination: pino.destination({ dest: 2, sync: true }),
      });
      const endpoints = microsoftEndpoints(config);
      const db = config.store.kind === 'sqlite' ? openSqlite(config.store.file) : undefined;
      const connection = createConnectionModule(config, { logger, endpoints, ...(db ? { db } : {}) });
      const backup = await createBackupModule(config, {
        logger,
        endpoints,
        connection: connection.service,
        ...(db ? { db } : {}),
      });
      return {
        service: backup.service,
        async close() {
          await backup.close();
          await connection.close();
          db?.close();
        },
      };
    },
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/**
 * `chatvault backup --tenant <id> [--full] [--strategy <name>] [--json]`: runs the tenant's backup
 * now (or joins the one under way), with a progress bar on a terminal. Ctrl-C cancels the run.
 */
export function registerBackupCommand(deps: BackupCliDeps): RegisterCommand {
  return (program, setExitCode) => {
    program
      .command('backup')
      .description("back a tenant's chats up now: incremental, or full the first time and with --full")
      .requiredOption('--tenant <id>', 'the tenant (Directory) ID')
      .option('--full', 'read every message again (a reconciliation), not only what changed')
      .option('--strategy <name>', `how a full run reads messages: ${HARVEST_STRATEGY_NAMES.join(', ')}`)
      .option('--json', 'print the run record as one JSON object')
      .addHelpText(
        'after',
        '\nExit codes: 0 succeeded, 4 partial (some users or chats failed), 1 failed or cancelled, 2 bad usage.',
      )
      .action(async (options: { tenant: string; full?: boolean; strategy?: string; json?: boolean }) => {
        const tenant = operatorTenant(options.tenant);
        const strategy = strategyOption(options.strategy);
        const { service, close } = await deps.openService();
        const bar = deps.stderr.isTTY && !options.json ? new ProgressBar(deps.stderr) : undefined;
        const unsubscribe = service.onProgress((event) => {
          if (event.tenantId === tenant.tenantId) bar?.show(event);
        });
        const stopInterrupt = deps.onInterrupt(() => {
          deps.stderr.write('\nCancelling the run…\n');
          void service.cancel(tenant.tenantId);
        });
        let result: BackupResult;
        try {
          const handle = await service.startRun(tenant.tenantId, {
            trigger: { kind: 'cli' },
            mode: options.full ? 'full' : 'auto',
            ...(strategy ? { strategy } : {}),
          });
          result = await handle.done;
        } finally {
          stopInterrupt();
          unsubscribe();
          bar?.end();
          await close();
        }
        deps.stdout.write(
          options.json ? JSON.stringify({ ...result.run, mode: result.mode }) + '\n' : summary(result),
        );
        setExitCode(BACKUP_EXIT[result.run.outcome ?? 'failed']);
      });
  };
}

export const registerBackup: RegisterCommand = (program, setExitCode) =>
  registerBackupCommand(defaultBackupCliDeps())(program, setExitCode);

function strategyOption(value: string | undefined): HarvestStrategyName | undefined {
  if (value === undefined) return undefined;
  if (!(HARVEST_STRATEGY_NAMES as readonly string[]).includes(value)) {
    throw new UsageError(`--strategy: one of ${HARVEST_STRATEGY_NAMES.join(', ')}, not "${value}"`);
  }
  return value as HarvestStrategyName;
}

/** One line redrawn in place on a terminal. */
class ProgressBar {
  private drawn = false;

  constructor(private readonly out: BackupCliDeps['stderr']) {}

  show(event: BackupEvent): void {
    const { run } = event;
    const width = 24;
    const filled = Math.round((run.percent / 100) * width);
    const c = run.counters;
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(run.percent).padStart(3)}% ${run.phase}` +
      ` · ${c.messagesNew + c.messagesChanged + c.messagesDeleted} messages · ${c.blobs} images` +
      ` · ${c.requests} requests (${c.throttled} throttled)`;
    const columns = this.out.columns ?? 100;
    this.out.write(`\r${line.slice(0, columns - 1).padEnd(Math.min(columns - 1, line.length))}`);
    this.drawn = true;
  }

  end(): void {
    if (this.drawn) this.out.write('\n');
  }
}

function summary(result: BackupResult): string {
  const run: RunRecord = result.run;
  const c = run.counters;
  const lines = [
    `Backup ${run.runId} (${result.mode}) ${run.outcome}: ${run.startedAt} → ${run.finishedAt ?? '?'}`,
    `  ${c.users} users, ${c.chats} chats; messages ${c.messagesNew} new, ${c.messagesChanged} changed, ${c.messagesDeleted} deleted; ${c.versions} versions`,
    `  ${c.blobs} new blobs (${c.bytes} bytes); ${c.requests} Graph requests, ${c.throttled} throttled`,
  ];
  for (const group of run.errors) {
    lines.push(`  ${group.kind} × ${group.count}: ${group.examples[0]?.message ?? ''}`);
  }
  return lines.join('\n') + '\n';
}

/** The tenant's backup runs as the store records them, for `chatvault status`. */
export async function readBackupStatus(tenantId: string): Promise<BackupStatus> {
  const { loadConfig } = await import('../../backend/config/config');
  const { openBackupStore } = await import('../../backend/backup/create-backup-module');
  const { backupStatus } = await import('../../backend/backup/backup-status');
  const opened = await openBackupStore(loadConfig());
  try {
    return await backupStatus(opened.store, tenantId);
  } finally {
    await opened.close();
  }
}

export function backupStatusText(status: BackupStatus): string {
  const lines: string[] = [];
  if (status.active) {
    const run = status.active.run;
    lines.push(`  Backup under way: ${run.runId} (${status.active.mode}), ${run.percent}% ${run.phase}`);
  }
  const last = status.last;
  if (last) {
    lines.push(`  Last backup: ${last.runId} ${last.outcome} at ${last.finishedAt ?? '?'}`);
  } else if (!status.active) {
    lines.push('  No backup has run yet: run `chatvault backup`.');
  }
  if (status.lastFull)
    lines.push(`  Last full backup: ${status.lastFull.outcome} at ${status.lastFull.finishedAt}`);
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
