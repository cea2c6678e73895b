import { relative } from 'node:path';
import type { RegisterCommand } from './index';
import { EXIT } from '../main';
import { UsageError } from '../usage-error';

/**
 * `chatvault package [--env <name>]`: writes the Teams app package for one Teams Toolkit
 * environment to appPackage/build/appPackage.<name>.zip.
 */
export const registerPackage: RegisterCommand = (program, setExitCode) => {
  program
    .command('package')
    .description(
      'write the Teams app package appPackage/build/appPackage.<env>.zip (manifest.json and icons)',
    )
    .option(
      '--env <name>',
      'Teams Toolkit environment whose env/.env.<name> files fill the manifest',
      'local',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 written, 1 the manifest or an icon is not valid, 2 bad usage (unknown --env).',
    )
    .action(async (options: { env: string }) => {
      // Loaded here, not at the top: packaging needs development-only packages (yazl, pngjs, ajv and
      // the manifest schemas), and the other commands must run where only dependencies are installed.
      // require, not import(): it stays synchronous CommonJS under both tsc and the test loader.
      const { buildAppPackage } =
        require('../../backend/app-package/build-app-package') as typeof import('../../backend/app-package/build-app-package');
      const { AppPackageError } =
        require('../../backend/app-package/app-package-error') as typeof import('../../backend/app-package/app-package-error');
      const root = process.cwd();
      try {
        const built = await buildAppPackage({ root, env: options.env, overrides: process.env });
        process.stdout.write(
          `Wrote ${relative(root, built.zipFile)} (${built.entries.join(', ')}) for env ${options.env}.\n`,
        );
        setExitCode(EXIT.ok);
      } catch (error) {
        if (error instanceof AppPackageError && error.reason === 'unknown-environment') {
          throw new UsageError(error.message);
        }
        if (error instanceof AppPackageError) {
          process.stderr.write(`chatvault package: ${error.message}\n`);
          setExitCode(EXIT.failed);
          return;
        }
        throw error;
      }
    });
};
