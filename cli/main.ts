import { Command, CommanderError } from 'commander';
import { loadConfig } from '../backend/config/config';
import { commands } from './commands';
import { rerunTrustingSimulator } from './local-tenant';
import { UsageError } from './usage-error';

/** Exit codes shared by every command (documented in the README). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Runs the `chatvault` command line and resolves to the process exit code. Commands are thin
 * adapters over backend services: each lives in `cli/commands/<name>.ts` and registers itself here.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const rerun = await rerunForLocalTenant(argv);
  if (rerun !== undefined) return rerun;
  const program = new Command('chatvault')
    .description('ChatVault: backs up the private Teams chats of a Microsoft 365 tenant')
    .exitOverride()
    .showHelpAfterError();
  let exitCode: number = EXIT.ok;
  for (const register of commands) {
    register(program, (code) => {
      exitCode = code;
    });
  }
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`chatvault: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`chatvault: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

/** Commands that talk to Microsoft (or, with nothing configured, to the local tenant simulator). */
const TENANT_COMMANDS = new Set(['start', 'connect', 'status', 'backup']);

async function rerunForLocalTenant(argv: readonly string[]): Promise<number | undefined> {
  if (!TENANT_COMMANDS.has(argv[2] ?? '')) return undefined;
  let config;
  try {
    config = loadConfig();
  } catch {
    return undefined; // the command itself reports the configuration problem
  }
  return rerunTrustingSimulator(config, argv);
}
