/**
 * How long one full connection test takes against the tenant simulator with throttling off: a
 * fresh token from its Entra, the roles check, and the live Graph read (users, a chat, its latest
 * message). Measures the tester alone and the whole Test & Save (input checks, test, sealing,
 * SQLite write), N runs each, and prints the first run, the median and the 95th percentile.
 *
 *   npx tsx bench/connection-test.ts [runs=50]
 *
 * Prints figures only; it never passes or fails on time. The target is under 3 s per test.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { systemClock } from '../backend/connection/clock';
import { ConnectionService } from '../backend/connection/connection-service';
import { GraphConnectionTester } from '../backend/connection/connection-tester';
import { bindTenant } from '../backend/connection/tenant-binding';
import { silentLogger } from '../backend/observability/logger';
import { EnvelopeSealer } from '../backend/secrets/envelope-sealer';
import { LocalKeyWrapper } from '../backend/secrets/local-key-wrapper';
import { openSqlite } from '../backend/store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../backend/store/sqlite/sqlite-connection-store';
import { defaultSimulatorTenants, MIN_SIZES_FOR_ALL_CASES } from '../simulator/seed/seed-options';
import { startSimulator } from '../simulator/server';
import { ensureSimulatorCertificate } from '../simulator/tls';

const tlsDir = join(__dirname, '..', '.test-cache', 'tls');
const runs = Number(process.argv[2] ?? 50);

// @azure/identity insists on https and Node reads NODE_EXTRA_CA_CERTS only at start: when the
// simulator's certificate is not trusted yet, run this script again with it trusted.
const certFile = ensureSimulatorCertificate(tlsDir).certFile;
if (process.env.NODE_EXTRA_CA_CERTS !== certFile) {
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
  });
  process.exit(child.status ?? 1);
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    tlsDir,
    seed: 'bench',
    tenants: defaultSimulatorTenants({ contoso: { ...MIN_SIZES_FOR_ALL_CASES, spanDays: 60 } }).slice(0, 1),
    throttle: { enabled: false },
  });
  const db = openSqlite(':memory:');
  try {
    const ok = sim.demoApp('ok');
    const tester = new GraphConnectionTester({
      graphBaseUrl: sim.graphBaseUrl,
      authorityHost: sim.authorityHost,
    });
    const service = new ConnectionService({
      store: new SqliteConnectionStore(db),
      sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
      tester,
      clock: systemClock,
      logger: silentLogger(),
    });
    const tenant = bindTenant(ok.tenantId, 'operator');

    const testerTimes = await measure(async () => {
      const verdict = await tester.test({ tenantId: ok.tenantId, appId: ok.appId, secret: ok.secret });
      if (verdict.code !== 'active' || verdict.proof !== 'messages')
        throw new Error(`unexpected outcome ${verdict.code}`);
    });
    const saveTimes = await measure(async () => {
      const report = await service.testAndSave(
        tenant,
        { appId: ok.appId, secret: ok.secret },
        { kind: 'operator', name: 'bench' },
      );
      if (!report.ok) throw new Error(`unexpected outcome ${report.code}`);
    });
    console.log(`connection test against the simulator, throttling off, ${runs} runs each (ms)`);
    report('tester (token + roles + Graph read)', testerTimes);
    report('Test & Save (checks, test, seal, store)', saveTimes);
    console.log(
      `Graph requests served: ${sim.counters().graph.total}, tokens issued: ${sim.counters().tokens.issued}`,
    );
  } finally {
    db.close();
    await sim.close();
  }
}

async function measure(run: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

function report(label: string, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  console.log(
    `  ${label.padEnd(42)} first ${times[0]!.toFixed(1)}  median ${at(0.5).toFixed(1)}  p95 ${at(0.95).toFixed(1)}  max ${sorted.at(-1)!.toFixed(1)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
