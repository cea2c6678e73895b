import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../backend/config/config';
import { createLogger } from '../../backend/observability/logger';
import { startApp, type RunningApp, type StartAppOptions } from '../../cli/app/start-app';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { SMALL_TENANT } from './simulator';

export interface TestApp extends RunningApp {
  dataDir: string;
}

/**
 * The whole product in this process, as `npm start` runs it, on loopback and a free port, with its
 * data in a temporary folder and the simulator's small test tenants in memory. `close()` stops
 * everything and removes the folder.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: StartAppOptions = {},
): Promise<TestApp> {
  const tlsDir = process.env.CHATVAULT_TEST_TLS_DIR;
  if (!tlsDir)
    throw new Error('CHATVAULT_TEST_TLS_DIR is not set: run tests through `node test/run-tests.js`.');
  const dataDir = mkdtempSync(join(tmpdir(), 'chatvault-app-'));
  const config = loadConfig({
    env: {
      CHATVAULT_ENV: 'test',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...env,
    },
  });
  const app = await startApp(config, createLogger({ level: config.logLevel }), {
    ...options,
    simulator: {
      tenants: defaultSimulatorTenants({ contoso: SMALL_TENANT, fabrikam: SMALL_TENANT }),
      seed: 'test',
      dbFile: undefined,
      tlsDir,
      ...options.simulator,
    },
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...app,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
