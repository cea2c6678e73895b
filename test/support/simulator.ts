import { defaultSimulatorTenants, MIN_SIZES_FOR_ALL_CASES } from '../../simulator/seed/seed-options';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../simulator/server';

export type { SimulatorHandle } from '../../simulator/server';

/** Sizes of the test tenants: small, yet holding every special case the seed plants. */
export const SMALL_TENANT = { ...MIN_SIZES_FOR_ALL_CASES, spanDays: 60 };

/**
 * Starts a simulator for a test: in-memory database, two small seeded tenants (`contoso`,
 * `fabrikam`), the certificate test/run-tests.js made and told Node to trust. Close it in an
 * `after`/`afterEach` hook: `await sim.close()` releases the port and the database.
 */
export function startTestSimulator(options: Partial<SimulatorOptions> = {}): Promise<SimulatorHandle> {
  const tlsDir = process.env.CHATVAULT_TEST_TLS_DIR;
  if (!tlsDir) {
    throw new Error(
      'CHATVAULT_TEST_TLS_DIR is not set: run tests through `node test/run-tests.js`, which creates the ' +
        'simulator certificate and makes Node trust it (NODE_EXTRA_CA_CERTS) before mocha starts.',
    );
  }
  return startSimulator({
    tenants: defaultSimulatorTenants({ contoso: SMALL_TENANT, fabrikam: SMALL_TENANT }),
    seed: 'test',
    ...options,
    tlsDir,
  });
}
