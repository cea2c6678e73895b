import { ensureSimulatorCertificate, type SimulatorCertificate } from '../../simulator/tls';

/**
 * The certificate test servers present. test/run-tests.js creates it and starts mocha with
 * NODE_EXTRA_CA_CERTS pointing at it, so every client in the test process trusts it the way a
 * production client trusts a real certificate: nothing turns TLS verification off.
 */
export function testCertificate(): SimulatorCertificate {
  const dir = process.env.CHATVAULT_TEST_TLS_DIR;
  if (!dir) {
    throw new Error(
      'CHATVAULT_TEST_TLS_DIR is not set: run tests through `node test/run-tests.js`, which creates the ' +
        'test certificate and makes Node trust it (NODE_EXTRA_CA_CERTS) before mocha starts.',
    );
  }
  return ensureSimulatorCertificate(dir);
}
