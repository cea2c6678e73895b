import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import pino from 'pino';
import type { RecoveryServices } from '../../backend/recovery/create-recovery-module';
import type { ExportRequest, ExportScope } from '../../backend/recovery/export/export-service';
import { isRecoveryError } from '../../backend/recovery/recovery-error';
import type { Actor } from '../../backend/store/connection-records';
import { UsageError } from '../usage-error';
import { defaultConnectionCliDeps, operatorTenant } from './connection-cli';
import type { RegisterCommand } from './index';

/** Exit codes of `chatvault export` (also in --help). */
export const EXPORT_EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3 } as const;

/** What `chatvault export` needs from the outside world, so tests hand in their own. */
export interface ExportCliDeps {
  /** Opens the recovery services from configuration; `close` releases what they opened. */
  openServices(): Promise<{ services: Pick<RecoveryServices, 'exports'>; close(): Promise<void> }>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  operator(): Actor;
  /** The file an export is written to (tests may keep it in memory). */
  createFile(path: string): Writable;
}

export function defaultExportCliDeps(): ExportCliDeps {
  return {
    async openServices() {
      const { loadConfig } = await import('../../backend/config/config');
      const { createLogger } = await import('../../backend/observability/logger');
      const { createRecoveryModule } = await import('../../backend/recovery/create-recovery-module');
      const config = loadConfig();
      // Logs go to stderr so that stdout carries only the command's answer.
      const logger = createLogger({
        level: config.logLevel,
        destination: pino.destination({ dest: 2, sync: true }),
      });
      const module = await createRecoveryModule(config, { logger });
      return { services: module, close: () => module.close() };
    },
    stdout: process.stdout,
    stderr: process.stderr,
    operator: () => defaultConnectionCliDeps().operator(),
    createFile: (path) => createWriteStream(path, { mode: 0o600 }),
  };
}

interface ExportOptions {
  tenant: string;
  chat?: string;
  user?: string;
  all?: boolean;
  format: string;
  out: string;
  at?: string;
  from?: string;
  to?: string;
  zip?: boolean;
  json?: boolean;
}

/**
 * `chatvault export --tenant <id> (--chat <id> | --user <id|upn> | --all) --format html|json --out <dir>
 * [--at <ISO time>] [--from <ISO time>] [--to <ISO time>] [--zip] [--json]`: writes what the backup
 * holds to a file in `<dir>`: one chat as one file, more as a zip. Audited as the operator.
 */
export function registerExportCommand(deps: ExportCliDeps): RegisterCommand {
  return (program, setExitCode) => {
    program
      .command('export')
      .description('export backed-up chats as HTML transcripts or JSON: one chat, one user’s chats, or all')
      .requiredOption('--tenant <id>', 'the tenant (Directory) ID')
      .option('--chat <id>', 'one chat, by its id')
      .option('--user <id|upn>', 'every chat this user is or was a member of')
      .option('--all', 'every chat of the tenant')
      .requiredOption(
        '--format <format>',
        'html (self-contained transcripts) or json (every version, images included)',
      )
      .requiredOption('--out <dir>', 'the folder to write the file to (created if missing)')
      .option('--at <time>', 'as the backup saw the chats at this moment (ISO 8601)')
      .option('--from <time>', 'only messages created at or after this moment')
      .option('--to <time>', 'only messages created before this moment')
      .option('--zip', 'a zip even for one chat')
      .option('--json', 'print the summary as one JSON object')
      .addHelpText(
        'after',
        '\nExit codes: 0 exported, 1 failed, 2 bad usage, 3 no such chat or user in the backup.',
      )
      .action(async (options: ExportOptions) => {
        const tenant = operatorTenant(options.tenant);
        const request: ExportRequest = {
          scope: scopeOption(options),
          format: formatOption(options.format),
          ...(options.at ? { at: options.at } : {}),
          ...(options.from ? { from: options.from } : {}),
          ...(options.to ? { to: options.to } : {}),
          ...(options.zip ? { zip: true } : {}),
        };
        const { services, close } = await deps.openServices();
        try {
          setExitCode(await runExport(deps, services, tenant.tenantId, request, options));
        } finally {
          await close();
        }
      });
  };
}

export const registerExport: RegisterCommand = (program, setExitCode) =>
  registerExportCommand(defaultExportCliDeps())(program, setExitCode);

async function runExport(
  deps: ExportCliDeps,
  services: Pick<RecoveryServices, 'exports'>,
  tenantId: string,
  request: ExportRequest,
  options: ExportOptions,
): Promise<number> {
  try {
    const plan = await services.exports.plan(tenantId, request);
    const dir = resolve(options.out);
    await mkdir(dir, { recursive: true });
    const path = join(dir, plan.fileName);
    // Written under another name and renamed when complete: a file named like an export is one.
    const partial = `${path}.partial`;
    try {
      const summary = await services.exports.exportTo(
        deps.operator(),
        tenantId,
        request,
        deps.createFile(partial),
      );
      await rename(partial, path);
      deps.stdout.write(
        options.json
          ? JSON.stringify({ file: path, ...summary }) + '\n'
          : `Exported ${summary.chats} ${summary.chats === 1 ? 'chat' : 'chats'}, ${summary.messages} messages (${summary.versions} versions, ${summary.hostedContents} images) to ${path} (${summary.bytes} bytes)\n`,
      );
      return EXPORT_EXIT.ok;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  } catch (error) {
    if (isRecoveryError(error, 'invalid_input')) {
      throw new UsageError(`--${error.field ?? 'input'}: ${error.message}`);
    }
    if (isRecoveryError(error, 'not_found')) {
      deps.stderr.write(`chatvault: ${error.message}\n`);
      return EXPORT_EXIT.notFound;
    }
    throw error;
  }
}

function scopeOption(options: ExportOptions): ExportScope {
  const given = [options.chat !== undefined, options.user !== undefined, options.all === true].filter(
    Boolean,
  );
  if (given.length !== 1) throw new UsageError('name exactly one of --chat <id>, --user <id|upn> or --all');
  if (options.chat !== undefined) return { kind: 'chat', chatId: options.chat };
  if (options.user !== undefined) return { kind: 'user', user: options.user };
  return { kind: 'all' };
}

function formatOption(value: string): 'html' | 'json' {
  if (value === 'html' || value === 'json') return value;
  throw new UsageError(`--format: html or json, not "${value}"`);
}
