import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { AppPackageError } from './app-package-error';

export type TeamsEnvVars = Readonly<Record<string, string | undefined>>;

export interface LoadTeamsEnvOptions {
  /** Project root, holding `env/`. */
  root: string;
  /** Teams Toolkit environment name: `local`, `dev`, … */
  env: string;
  /** Laid over the files, as Teams Toolkit does; the CLI passes the process environment. */
  overrides?: TeamsEnvVars;
}

// Teams Toolkit names environments with letters, digits, dashes and underscores; the name also
// becomes part of a file name, so nothing else gets through.
const ENV_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The variables Teams Toolkit would see for `env`: `env/.env.<env>` (committed), then
 * `env/.env.<env>.user` (git-ignored secrets), then `overrides`, each later one winning.
 *
 * These are the toolkit's variables (TEAMS_APP_ID, BOT_ID, TAB_ENDPOINT, …), not the server's
 * runtime configuration, which backend/config reads and validates on its own.
 */
export function loadTeamsEnv(options: LoadTeamsEnvOptions): Record<string, string | undefined> {
  const { root, env } = options;
  const envFile = join(root, 'env', `.env.${env}`);
  if (!ENV_NAME.test(env) || !existsSync(envFile)) {
    const known = knownEnvironments(root);
    throw new AppPackageError(
      'unknown-environment',
      `No Teams Toolkit environment "${env}": env/.env.${env} does not exist. ` +
        (known.length > 0
          ? `Known environments: ${known.join(', ')}.`
          : 'The env/ folder has no environment files.'),
      [env],
    );
  }
  const userFile = `${envFile}.user`;
  return {
    ...parseDotenv(readFileSync(envFile)),
    ...(existsSync(userFile) ? parseDotenv(readFileSync(userFile)) : {}),
    ...options.overrides,
  };
}

function knownEnvironments(root: string): string[] {
  const dir = join(root, 'env');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((file) => /^\.env\.([A-Za-z0-9_-]+)$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}
