/**
 * The backup engine against the tenant simulator at Microsoft's documented rates: first full runs by
 * each message strategy, incremental runs (unchanged tenant, 1% changed), peak memory at two sizes,
 * and the Cosmos DB store against SQLite. Prints figures; never passes or fails on time.
 *
 *   npx tsx bench/backup.ts [--messages=200000] [--strategies=per-user,hybrid,per-chat]
 *                           [--rss=100000,1000000] [--cosmos=20000] [--only=full,incremental,rss,cosmos]
 *                           [--heap=128]
 *
 * `--heap` is the backup process's V8 old-space limit in MB (0: Node's default). The engine's live
 * memory is small and flat; without a limit V8 lets garbage pile up before collecting it, and RSS
 * says more about V8's appetite than about what the engine holds.
 *
 * The simulator runs in a process of its own and each backup in another (test/backup/support/
 * backup-child.ts), so every figure of CPU and memory is one side's. Seeded tenants are cached under
 * .test-cache/bench/ (seeding a million messages takes a minute) and copied for each session.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { HarvestStrategyName } from '../backend/backup/messages/harvest-strategy';
import { createCosmosBackupStore } from '../backend/store/cosmos/cosmos-backup-store';
import { openCosmosContainers } from '../backend/store/cosmos/cosmos-containers';
import { ensureSimulatorCertificate } from '../simulator/tls';
import { createCosmosTestClient, startCosmosServer } from '../test/support/cosmos-server';
import type { ChildPlan } from '../test/backup/support/backup-child';
import { runChild, type ChildExit } from '../test/backup/support/child-process';
import { tempDir, type GraphForTenant } from '../test/backup/support/backup-harness';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-client';

/** getAllMessages: 200 requests per second of 50 messages [throttling-limits]. */
const CEILING = 10_000;
const MB = 1024 * 1024;

const options = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [name, value] = arg.replace(/^--/, '').split('=');
    return [name!, value ?? 'true'];
  }),
);
const messages = Number(options['messages'] ?? 200_000);
const strategies = (options['strategies'] ?? 'per-user,hybrid,per-chat').split(',') as HarvestStrategyName[];
const heapMb = Number(options['heap'] ?? 128);
const rssSizes = (options['rss'] ?? '100000,1000000').split(',').map(Number);
const cosmosSize = Number(options['cosmos'] ?? 20_000);
const only = new Set((options['only'] ?? 'full,incremental,rss,cosmos').split(','));

const root = join(__dirname, '..');
const cacheDir = join(root, '.test-cache', 'bench');
const tlsDir = join(root, '.test-cache', 'tls');
const session = tempDir('chatvault-bench-');
const childEnv = {
  ...process.env,
  NODE_EXTRA_CA_CERTS: ensureSimulatorCertificate(tlsDir).certFile,
  ...(heapMb > 0 ? { NODE_OPTIONS: `--max-old-space-size=${heapMb}` } : {}),
};
// The Cosmos DB test server presents the same certificate the children trust.
process.env.CHATVAULT_TEST_TLS_DIR ??= tlsDir;

/** The shape of seeded tenants: the simulator's default tenant, scaled. */
function tenantShape(size: number) {
  const scale = Math.max(1, Math.round(size / 200_000));
  return {
    seed: `bench-${size}`,
    domain: `bench${size}.example`,
    messages: size,
    users: 50 * Math.min(scale, 2),
    chats: 400 * Math.min(scale, 3),
    spanDays: 730,
  };
}

async function simulatorFor(size: number): Promise<SimulatorProcess> {
  mkdirSync(cacheDir, { recursive: true });
  const tenant = tenantShape(size);
  const cached = join(cacheDir, `tenant-${size}.db`);
  if (!existsSync(cached)) {
    console.log(`seeding a tenant of ${size} messages (cached for later runs)…`);
    const seeder = await startSimulatorProcess({ tlsDir, dbFile: cached, tenant });
    console.log(`  seeded in ${(seeder.seedMs / 1000).toFixed(1)} s`);
    await seeder.close();
  }
  const dbFile = join(session.dir, `tenant-${size}.db`);
  copyFileSync(cached, dbFile);
  return startSimulatorProcess({ tlsDir, dbFile, tenant });
}

function graphOf(sim: SimulatorProcess): GraphForTenant {
  return {
    graphBaseUrl: sim.graphBaseUrl,
    authorityHost: sim.authorityHost,
    tenantId: sim.tenantId,
    appId: sim.app.appId,
    secret: sim.app.secret,
  };
}

interface Measured {
  exit: ChildExit;
  simulatorCpuMs: number;
  requests: Record<string, number>;
  throttled: Record<string, number>;
}

async function backup(sim: SimulatorProcess, plan: Omit<ChildPlan, 'graph'>): Promise<Measured> {
  await sim.reset();
  const cpuBefore = await sim.cpuMs();
  const exit = await runChild({ graph: graphOf(sim), settings: { concurrency: 48 }, ...plan }, childEnv).exit;
  if (exit.code !== 0 || !exit.result) throw new Error(`the backup failed: ${exit.stderr}`);
  const simulatorCpuMs = (await sim.cpuMs()) - cpuBefore;
  const counters = (await sim.counters()).graph;
  return { exit, simulatorCpuMs, requests: counters.requests, throttled: counters.throttled };
}

function sqlitePlan(name: string): Pick<ChildPlan, 'store' | 'blobs'> {
  return {
    store: { kind: 'sqlite', file: join(session.dir, `${name}.sqlite`) },
    blobs: { kind: 'fs', dir: join(session.dir, `${name}-blobs`) },
  };
}

const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function describeFull(label: string, m: Measured, unique: number): void {
  const { result, report } = m.exit;
  const seconds = report!.wallMs / 1000;
  const rate = unique / seconds;
  const engineCpu = (report!.cpu.user + report!.cpu.system) / 1000;
  const storeMs = report!.storeMs ? sum(report!.storeMs) : 0;
  console.log(
    `${label.padEnd(10)} ${fmt(seconds, 1).padStart(7)} s ${fmt(rate).padStart(7)} msg/s  ratio ${fmt(rate / CEILING, 2)}  ` +
      `${fmt(sum(m.requests))} requests (${fmt(sum(m.requests) / unique, 3)}/msg: getAllMessages ${fmt(m.requests['getAllMessages'] ?? 0)}, ` +
      `teams ${fmt(m.requests['teamsGet'] ?? 0)})  429s ${fmt(sum(m.throttled))}  ` +
      `engine CPU ${fmt((engineCpu / report!.wallMs) * 100)}% (store ${fmt((storeMs / report!.wallMs) * 100)}%)  ` +
      `simulator CPU ${fmt((m.simulatorCpuMs / report!.wallMs) * 100)}%  peak RSS ${fmt(report!.peakRssBytes / MB)} MB ` +
      `(heap ${fmt(report!.peakHeapUsedBytes / MB)} MB)  ` +
      `outcome ${result!.run.outcome}`,
  );
}

/** What splitting getAllMessages by sender would cost and miss, read from the seeded tenant itself. */
function senderSplitAnalysis(size: number): void {
  const db = new Database(join(cacheDir, `tenant-${size}.db`), { readonly: true });
  try {
    const tenantId = (
      db.prepare('SELECT id FROM tenants WHERE domain = ?').get(tenantShape(size).domain) as { id: string }
    ).id;
    const total = (
      db.prepare('SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ?').get(tenantId) as { n: number }
    ).n;
    const perSender = db
      .prepare(
        `SELECT m.from_user_id AS user, COUNT(*) AS n FROM messages m
         JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.from_user_id AND u.deleted = 0 AND u.account_enabled = 1 AND u.teams_licensed = 1
         WHERE m.tenant_id = ? AND EXISTS (SELECT 1 FROM chat_members c WHERE c.tenant_id = m.tenant_id AND c.chat_id = m.chat_id AND c.user_id = m.from_user_id)
         GROUP BY m.from_user_id`,
      )
      .all(tenantId) as { user: string; n: number }[];
    const reachable = perSender.reduce((a, r) => a + r.n, 0);
    const requests = perSender.reduce((a, r) => a + Math.ceil(r.n / 50), 0);
    const perMember = (
      db
        .prepare(
          `SELECT COUNT(*) AS n FROM messages m JOIN chat_members c ON c.tenant_id = m.tenant_id AND c.chat_id = m.chat_id
           JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id AND u.deleted = 0 AND u.account_enabled = 1 AND u.teams_licensed = 1
           WHERE m.tenant_id = ?`,
        )
        .get(tenantId) as { n: number }
    ).n;
    console.log(
      `data: ${fmt(total)} messages; getAllMessages of every user returns ${fmt(perMember)} (each group message once per member: ` +
        `${fmt(perMember / total, 2)}x); split by sender it would take ${fmt(requests)} requests (${fmt(requests / total, 3)}/msg) ` +
        `but reach only ${fmt(reachable)} (${fmt((reachable / total) * 100, 1)}%): the ${fmt(total - reachable)} others are system events, ` +
        'messages from bots, guests, federated or departed users, or with no sender, which no getAllMessages filter selects',
    );
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  console.log(
    `backup benchmark: ${messages} messages, strategies ${strategies.join(', ')}; ceiling ${CEILING} messages/s ` +
      `(getAllMessages); backup process ${heapMb > 0 ? `--max-old-space-size=${heapMb}` : 'with Node defaults'}`,
  );
  if (only.has('full') || only.has('incremental')) {
    const sim = await simulatorFor(messages);
    try {
      senderSplitAnalysis(messages);
      let defaultStore: string | undefined;
      if (only.has('full')) {
        console.log('\nfirst full backup (SQLite store, filesystem blobs)');
        for (const strategy of strategies) {
          const m = await backup(sim, {
            ...sqlitePlan(`full-${strategy}`),
            mode: 'full',
            strategy,
            profileStore: true,
          });
          describeFull(strategy, m, m.exit.result!.run.counters.messagesNew);
          if (m.exit.report!.storeMs) {
            const top = Object.entries(m.exit.report!.storeMs)
              .sort((a, b) => b[1] - a[1])
              .slice(0, 3);
            console.log(
              `           store time: ${top.map(([name, ms]) => `${name} ${fmt(ms / 1000, 1)} s`).join(', ')}`,
            );
          }
          defaultStore ??= `full-${strategy}`;
        }
      }
      if (only.has('incremental')) {
        const name = defaultStore ?? 'incremental';
        if (!defaultStore) await backup(sim, { ...sqlitePlan(name), mode: 'full' });
        console.log('\nincremental backups');
        const users = (await backup(sim, { ...sqlitePlan(name), mode: 'incremental' })).exit.result!.run
          .counters.users;
        const unchanged = await backup(sim, { ...sqlitePlan(name), mode: 'incremental' });
        console.log(
          `unchanged  ${fmt(sum(unchanged.requests))} requests for ${users} users ` +
            `(${JSON.stringify(unchanged.requests)}), ${unchanged.exit.result!.run.counters.versions} versions, ` +
            `${fmt(unchanged.exit.report!.wallMs / 1000, 1)} s`,
        );
        const edited = await sim.change(0.01);
        const changed = await backup(sim, { ...sqlitePlan(name), mode: 'incremental' });
        const c = changed.exit.result!.run.counters;
        console.log(
          `1% edited  ${fmt(edited)} messages edited: ${fmt(sum(changed.requests))} requests ` +
            `(${JSON.stringify(changed.requests)}), 429s ${fmt(sum(changed.throttled))}, ${c.messagesChanged} changed, ` +
            `${c.versions} versions stored, ${fmt(changed.exit.report!.wallMs / 1000, 1)} s`,
        );
      }
    } finally {
      await sim.close();
    }
  }

  if (only.has('rss')) {
    console.log('\npeak memory (RSS) of the backup process, first full backup, default strategy');
    for (const size of rssSizes) {
      const sim = await simulatorFor(size);
      try {
        const m = await backup(sim, { ...sqlitePlan(`rss-${size}`), mode: 'full' });
        describeFull(fmt(size), m, m.exit.result!.run.counters.messagesNew);
      } finally {
        await sim.close();
      }
    }
  }

  if (only.has('cosmos')) {
    console.log(`\nCosmos DB store (the in-memory test server) against SQLite, ${fmt(cosmosSize)} messages`);
    const sim = await simulatorFor(cosmosSize);
    const server = await startCosmosServer();
    try {
      const sqlite = await backup(sim, { ...sqlitePlan('cosmos-reference'), mode: 'full' });
      describeFull('SQLite', sqlite, sqlite.exit.result!.run.counters.messagesNew);
      const cosmos = await backup(sim, {
        store: { kind: 'cosmos', endpoint: server.endpoint, key: server.key, database: 'bench' },
        blobs: { kind: 'fs', dir: join(session.dir, 'cosmos-blobs') },
        mode: 'full',
        profileStore: true,
      });
      describeFull('Cosmos', cosmos, cosmos.exit.result!.run.counters.messagesNew);
      console.log(
        `Cosmos/SQLite throughput ratio ${fmt(sqlite.exit.report!.wallMs / cosmos.exit.report!.wallMs, 2)} ` +
          `(the test server keeps everything in one JavaScript process: a lower bound for the real service)`,
      );
      const client = createCosmosTestClient(server);
      const store = createCosmosBackupStore(await openCosmosContainers(client, 'bench'));
      console.log(`  stored ${JSON.stringify(await store.countMessages(sim.tenantId))}`);
      client.dispose();
    } finally {
      await server.close();
      await sim.close();
    }
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(session.dir, { recursive: true, force: true }));
