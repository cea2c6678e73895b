import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type AppConfig } from '../../backend/config/config';
import type { MicrosoftEndpoints } from '../../backend/graph/microsoft-endpoints';
import { createLogger, type Logger } from '../../backend/observability/logger';
import { EXIT } from '../main';
import { simulatorTlsDir } from '../local-tenant';
import { describeSimulator } from '../simulator-description';
import { untilStopped } from '../until-stopped';
import type { RegisterCommand } from './index';

/**
 * `chatvault start`: the product. With no Microsoft endpoints configured it also runs the tenant
 * simulator in this process (seeded once into `<dataDir>/simulator/tenants.sqlite`, so what a
 * person changes in the demo tenant survives a restart), and prints every URL a person needs.
 */
export const registerStart: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('start')
    .description('run ChatVault (and the tenant simulator when no Microsoft tenant is configured)')
    .addHelpText('after', '\nStops cleanly on Ctrl+C (SIGINT) or SIGTERM. Exit codes: 0 stopped, 1 failed to start.')
    .action(async () => {
      let config: AppConfig;
      try {
        config = loadConfig();
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`${error.message}\n`);
          setExitCode(EXIT.failed);
          return;
        }
        throw error;
      }
      const logger = createLogger({ level: config.logLevel });
      const app = await startApp(config, logger);
      process.stdout.write(app.banner);
      await untilStopped();
      process.stderr.write('Stopping ChatVault…\n');
      await app.close();
      setExitCode(EXIT.ok);
    });
};

interface RunningApp {
  banner: string;
  close(): Promise<void>;
}

async function startApp(config: AppConfig, logger: Logger): Promise<RunningApp> {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    let endpoints: MicrosoftEndpoints;
    let simulatorBanner = '';
    if (config.microsoft) {
      endpoints = config.microsoft;
    } else {
      // Loaded only here: a production process never loads the simulator.
      const { startSimulator } = require('../../simulator/server') as typeof import('../../simulator/server');
      process.stderr.write('Preparing the simulated tenant (first start only: seeding takes a few seconds)…\n');
      mkdirSync(join(config.dataDir, 'simulator'), { recursive: true });
      const sim = await startSimulator({
        tlsDir: simulatorTlsDir(config),
        dbFile: join(config.dataDir, 'simulator', 'tenants.sqlite'),
        dataDir: config.dataDir,
      });
      closers.push(() => sim.close());
      endpoints = { graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost };
      simulatorBanner = describeSimulator(sim, true);
    }

    const { createConnectionModule } =
      require('../../backend/connection/create-connection-module') as typeof import('../../backend/connection/create-connection-module');
    const connections = createConnectionModule(config, { logger, endpoints });
    connections.rechecker.start();
    closers.push(() => connections.close());

    // restify patches Node's http prototypes when loaded, which breaks other in-process servers
    // (Azurite in the tests): load it only when a server actually starts.
    const { createHttpServer, listen } =
      require('../../backend/server/http-server') as typeof import('../../backend/server/http-server');
    const http = await listen(createHttpServer({ logger }), config.host, config.port);
    closers.push(() => http.close());

    const banner = [
      '',
      'ChatVault is running',
      `  Server:          ${http.url}`,
      `  Health:          ${http.url}/healthz`,
      `  Data:            ${config.dataDir}`,
      `  Microsoft:       ${config.microsoft ? `${endpoints.graphBaseUrl} (configured)` : 'the tenant simulator (below)'}`,
      '',
      'Connect a tenant app from another terminal, e.g. the demo app that works:',
      '  echo -n <secret> | npx chatvault connect --tenant <tenant id> --app-id <application id> --secret-stdin',
      '',
      simulatorBanner,
    ].join('\n');
    return { banner, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
