import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoApp, DemoScenario } from '../entra/demo-apps';

/** A tenant the simulator serves, with the demo apps registered in it. */
export interface SimulatorTenant {
  id: string;
  domain: string;
  displayName: string;
  apps: DemoApp[];
}

export interface SimulatorInfoApp {
  appId: string;
  secret: string;
  scenario: DemoScenario;
}

/**
 * `<dataDir>/simulator.json`: how to reach a running simulator, for the product's local
 * configuration and for scripts. The first tenant is the demo tenant (`tenantId`, `apps`).
 */
export interface SimulatorInfo {
  graphBaseUrl: string;
  authorityHost: string;
  /** The certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  tenantId: string;
  tenantDomain: string;
  apps: SimulatorInfoApp[];
  tenants: { tenantId: string; tenantDomain: string; displayName: string; apps: SimulatorInfoApp[] }[];
}

export const SIMULATOR_INFO_FILE = 'simulator.json';

export function simulatorInfo(
  urls: { graphBaseUrl: string; authorityHost: string; caFile: string },
  tenants: readonly SimulatorTenant[],
): SimulatorInfo {
  const [main] = tenants;
  if (!main) throw new Error('the simulator serves no tenant');
  const appsOf = (tenant: SimulatorTenant): SimulatorInfoApp[] =>
    tenant.apps.map((app) => ({ appId: app.appId, secret: app.secret, scenario: app.scenario }));
  return {
    ...urls,
    tenantId: main.id,
    tenantDomain: main.domain,
    apps: appsOf(main),
    tenants: tenants.map((tenant) => ({
      tenantId: tenant.id,
      tenantDomain: tenant.domain,
      displayName: tenant.displayName,
      apps: appsOf(tenant),
    })),
  };
}

/** Writes the file whole or not at all: a reader never sees half of it. */
export function writeSimulatorInfo(dataDir: string, info: SimulatorInfo): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SIMULATOR_INFO_FILE);
  const partial = `${file}.${process.pid}.tmp`;
  // It holds client secrets of simulated tenants only, yet it is still a secrets file.
  writeFileSync(partial, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, file);
  return file;
}
