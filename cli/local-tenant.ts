import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../backend/config/config';
import type { MicrosoftEndpoints } from '../backend/graph/microsoft-endpoints';
import { SIMULATOR_INFO_FILE, type SimulatorInfo } from '../simulator/shell/simulator-info';
import { ensureSimulatorCertificate } from '../simulator/tls';

/**
 * With no Microsoft endpoints configured, every `chatvault` command works against the local tenant
 * simulator: `chatvault start` runs it and describes it in `<dataDir>/simulator.json`, which the
 * other commands read. This module is the launcher's side of that; product code only ever sees the
 * two base URLs.
 */

/** Where the simulator keeps its certificate for this data directory. */
export function simulatorTlsDir(config: AppConfig): string {
  return join(config.dataDir, 'tls');
}

/**
 * Node reads NODE_EXTRA_CA_CERTS once, when a process starts, and @azure/identity accepts only
 * https authorities: to trust the simulator's certificate this process must be started again with
 * it. Resolves to the child's exit code when it did so, or undefined when this process already
 * trusts it (or a real tenant is configured) and should carry on.
 */
export async function rerunTrustingSimulator(
  config: AppConfig,
  argv: readonly string[],
): Promise<number | undefined> {
  if (config.microsoft) return undefined;
  const { certFile } = ensureSimulatorCertificate(simulatorTlsDir(config));
  if (process.env.NODE_EXTRA_CA_CERTS === certFile) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, ...argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
  });
}

export class NoTenantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoTenantError';
  }
}

/** The configured Microsoft endpoints, or those of the simulator `chatvault start` is running. */
export function microsoftEndpoints(config: AppConfig): MicrosoftEndpoints {
  if (config.microsoft) return config.microsoft;
  const infoFile = join(config.dataDir, SIMULATOR_INFO_FILE);
  if (!existsSync(infoFile)) {
    throw new NoTenantError(
      'No Microsoft tenant is configured and no tenant simulator is running: start one with `npm start` ' +
        '(or `npx chatvault simulator`), or set GRAPH_BASE_URL and AUTHORITY_HOST.',
    );
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as SimulatorInfo;
  return { graphBaseUrl: info.graphBaseUrl, authorityHost: info.authorityHost };
}
