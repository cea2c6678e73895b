import type { Command } from 'commander';
import { ConfigError, loadConfig, type AppConfig } from '../../backend/config/config';
import { createLogger } from '../../backend/observability/logger';
import { appBanner } from '../app/app-banner';
import { startApp } from '../app/start-app';
import { EXIT } from '../main';
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
    .addHelpText(
      'after',
      '\nStops cleanly on Ctrl+C (SIGINT) or SIGTERM. Exit codes: 0 stopped, 1 failed to start.',
    )
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
      if (!config.microsoft)
        process.stderr.write(
          'Preparing the simulated tenant (first start only: seeding takes a few seconds)…\n',
        );
      const app = await startApp(config, logger, { agentsPlayground: true });
      process.stdout.write(appBanner(app));
      await untilStopped();
      process.stderr.write('Stopping ChatVault…\n');
      await app.close();
      setExitCode(EXIT.ok);
    });
};
