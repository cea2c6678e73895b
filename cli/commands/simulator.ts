import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RegisterCommand } from './index';
import { EXIT } from '../main';
import { UsageError } from '../usage-error';
import { describeSimulator } from '../simulator-description';
import { untilStopped } from '../until-stopped';

interface SimulatorCliOptions {
  port: string;
  host: string;
  seed?: string;
  users?: string;
  chats?: string;
  messages?: string;
  db?: string;
  throttle: boolean;
  dataDir: string;
  tlsDir?: string;
}

/**
 * `chatvault simulator`: runs the tenant simulator (Entra and Graph on one HTTPS port on
 * loopback) until SIGINT or SIGTERM, and describes it in `<data-dir>/simulator.json` for the
 * product's local configuration.
 */
export const registerSimulator: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('simulator')
    .description(
      'run the tenant simulator: Microsoft Entra ID and Graph for seeded demo tenants, on loopback',
    )
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'loopback address to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated tenants and demo app secrets (same seed, same tenants)')
    .option('--users <n>', 'users of the demo tenant')
    .option('--chats <n>', 'chats of the demo tenant')
    .option('--messages <n>', 'messages of the demo tenant')
    .option(
      '--db <file>',
      'SQLite file for the tenants (reused when it already holds them); in memory when absent',
    )
    .option('--no-throttle', "serve without Graph's throttling limits")
    .option('--data-dir <dir>', 'where simulator.json (and, by default, the certificate) go', 'data')
    .option('--tls-dir <dir>', 'where the certificate is kept (default: <data-dir>/tls)')
    .addHelpText(
      'after',
      '\nStops cleanly on Ctrl+C (SIGINT) or SIGTERM. Exit codes: 0 stopped, 1 failed to start, 2 bad usage.',
    )
    .action(async (options: SimulatorCliOptions) => {
      const settings = readSettings(options);
      // Loaded here: the simulator (SQLite, seeding) is not needed by the other commands. `require`,
      // not `import()`: the CommonJS build and the TypeScript test loader both resolve it.
      const { startSimulator } = require('../../simulator/server') as typeof import('../../simulator/server');
      const { defaultSimulatorTenants } =
        require('../../simulator/seed/seed-options') as typeof import('../../simulator/seed/seed-options');
      const sizes = { users: settings.users, chats: settings.chats, messages: settings.messages };
      const seeded = (name: string) =>
        settings.seed === undefined ? {} : { seed: `${name}-${settings.seed}` };
      const tenants = defaultSimulatorTenants({
        contoso: {
          ...seeded('contoso'),
          ...Object.fromEntries(Object.entries(sizes).filter(([, n]) => n !== undefined)),
          onProgress: progressPrinter(),
        },
        fabrikam: seeded('fabrikam'),
      });
      process.stderr.write('Preparing the simulated tenants…\n');
      const sim = await startSimulator({
        tlsDir: settings.tlsDir,
        host: options.host,
        port: settings.port,
        dbFile: settings.db,
        tenants,
        seed: settings.seed,
        throttle: { enabled: options.throttle },
        dataDir: settings.dataDir,
      });
      process.stdout.write(describeSimulator(sim, options.throttle));
      await untilStopped();
      process.stderr.write('Stopping the simulator…\n');
      await sim.close();
      setExitCode(EXIT.ok);
    });
};

interface Settings {
  port: number;
  seed?: number;
  users?: number;
  chats?: number;
  messages?: number;
  db?: string;
  dataDir: string;
  tlsDir: string;
}

function readSettings(options: SimulatorCliOptions): Settings {
  const whole = (name: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`--${name} must be a whole number >= ${min}, got '${value}'`);
    return n;
  };
  const port = whole('port', options.port, 0)!;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(options.host)) {
    throw new UsageError(
      `--host must be a loopback address (127.x.x.x, ::1 or localhost), got '${options.host}'`,
    );
  }
  return {
    port,
    seed: whole('seed', options.seed, 0),
    users: whole('users', options.users, 2),
    chats: whole('chats', options.chats, 1),
    messages: whole('messages', options.messages, 0),
    db: options.db === undefined ? undefined : resolve(options.db),
    dataDir: resolve(options.dataDir),
    tlsDir: resolve(options.tlsDir ?? join(options.dataDir, 'tls')),
  };
}

function progressPrinter(): (written: number, total: number) => void {
  let shownTenth = -1;
  return (written, total) => {
    const tenth = total === 0 ? 10 : Math.floor((written / total) * 10);
    if (tenth === shownTenth) return;
    shownTenth = tenth;
    process.stderr.write(
      `  contoso: ${written.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} messages written\n`,
    );
  };
}
