/**
 * How close the tenant graph source gets to Graph's getAllMessages ceiling (200 rps per app per
 * tenant, 50 messages a page: 10,000 messages/s) with Microsoft's documented limits enforced. The
 * simulator runs in a child process on a seeded SQLite file (its own event loop and CPU); this
 * process reads getAllMessages for every user of the tenant at once, as fast as the pacing allows,
 * and prints messages/s, requests/s, the ratio to the ceiling, the best 10 s and the 429s met.
 *
 *   npx tsx bench/graph-source-throughput.ts [messages=100000] [users=50] [chats=400] [latencyMs=0]
 *
 * `latencyMs` delays every simulator answer, as an Internet round trip to Graph would.
 *
 * The seeded file is kept under .test-cache/ and reused by later runs of the same size. Prints
 * figures only; it never passes or fails on time.
 */
import { spawnSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createClientSecretCredential } from '../backend/graph/client-secret-credential';
import { createTenantGraphSource } from '../backend/graph/create-tenant-graph-source';
import { GraphReadError } from '../backend/graph/tenant-graph-source';
import { startSimulator, type SimulatorCounters } from '../simulator/server';
import { ensureSimulatorCertificate } from '../simulator/tls';

/** Graph's getAllMessages limit per app per tenant, and its page size [throttling-limits]. */
const CEILING_RPS = 200;
const PAGE_SIZE = 50;

interface SimulatorReady {
  kind: 'ready';
  graphBaseUrl: string;
  authorityHost: string;
  app: { tenantId: string; appId: string; secret: string };
  seedSeconds: number;
}

interface SimulatorStopped {
  kind: 'stopped';
  counters: SimulatorCounters;
  cpuSeconds: number;
}

interface SimulatorPlan {
  tlsDir: string;
  dbFile: string;
  messages: number;
  users: number;
  chats: number;
  latencyMs: number;
}

const cacheDir = join(__dirname, '..', '.test-cache');
const tlsDir = join(cacheDir, 'tls');

if (process.argv[2] === '--simulator') {
  process.once('message', (plan: SimulatorPlan) => {
    void serveSimulator(plan).catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
} else {
  // @azure/identity insists on https and Node reads NODE_EXTRA_CA_CERTS only at start: run this
  // script again with the simulator's certificate trusted when it is not yet.
  const certFile = ensureSimulatorCertificate(tlsDir).certFile;
  if (process.env.NODE_EXTRA_CA_CERTS !== certFile) {
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile },
    });
    process.exit(child.status ?? 1);
  }
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

function arg(index: number, fallback: number): number {
  const value = process.argv[2 + index];
  return value === undefined ? fallback : Number(value);
}

async function main(): Promise<void> {
  const plan: SimulatorPlan = {
    tlsDir,
    dbFile: '',
    messages: arg(0, 100_000),
    users: arg(1, 50),
    chats: arg(2, 400),
    latencyMs: arg(3, 0),
  };
  mkdirSync(cacheDir, { recursive: true });
  plan.dbFile = join(cacheDir, `graph-source-bench-${plan.messages}-${plan.users}-${plan.chats}.db`);

  const child = fork(__filename, ['--simulator']);
  try {
    child.send(plan);
    const ready = await nextMessage<SimulatorReady>(child);
    console.log(
      `simulator (child process): ${plan.messages} messages, ${plan.chats} chats, ${plan.users} users, ` +
        `documented limits on, ${plan.latencyMs} ms added latency; ready in ${ready.seedSeconds.toFixed(1)} s`,
    );

    const credential = createClientSecretCredential({ ...ready.app, authorityHost: ready.authorityHost });
    const source = createTenantGraphSource({ graphBaseUrl: ready.graphBaseUrl, credential });
    const users: string[] = [];
    for await (const page of source.users()) users.push(...page.map((user) => user.id));

    const pageTimes: number[] = [];
    const seen = new Set<string>();
    let messages = 0;
    let refusedUsers = 0;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      users.map(async (userId) => {
        try {
          for await (const page of source.allMessages(userId, {})) {
            pageTimes.push(performance.now());
            messages += page.length;
            for (const message of page) seen.add(`${message.chatId}|${message.id}`);
          }
        } catch (error) {
          // Unlicensed users are refused (403) by Graph: a backup skips them too.
          if (error instanceof GraphReadError && error.reason === 'forbidden') refusedUsers += 1;
          else throw error;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);

    child.send('stop');
    const stopped = await nextMessage<SimulatorStopped>(child);
    const counts = source.counts().byClass.getAllMessages;
    const served = stopped.counters.graph;

    const rps = counts.requests / seconds;
    const best = bestWindow(pageTimes, 10_000);
    const slices = pagesPerSecondBySlice(pageTimes, started, 10_000);
    console.log(
      `getAllMessages for ${users.length - refusedUsers} users (${refusedUsers} refused): ${messages} messages ` +
        `(${seen.size} distinct) in ${counts.requests} requests, ${seconds.toFixed(1)} s`,
    );
    console.log(
      `  ${(messages / seconds).toFixed(0)} messages/s, ${rps.toFixed(1)} requests/s: ` +
        `${((rps / CEILING_RPS) * 100).toFixed(1)}% of the ${CEILING_RPS} rps ceiling ` +
        `(${((messages / seconds / (CEILING_RPS * PAGE_SIZE)) * 100).toFixed(1)}% of ${CEILING_RPS * PAGE_SIZE} messages/s; ` +
        `${(messages / Math.max(counts.requests, 1)).toFixed(1)} messages a page)`,
    );
    console.log(
      `  best 10 s: ${best.toFixed(1)} pages/s (${((best / CEILING_RPS) * 100).toFixed(1)}% of the ceiling); ` +
        `client pacing at ${source.rates().getAllMessages.toFixed(1)} rps when done`,
    );
    // The tail: each user's reads are paced at 5 rps, so once fewer than 40 users are left the
    // class ceiling is out of reach, and the user with the most pages sets the end.
    console.log(`  pages/s by 10 s: ${slices.map((n) => n.toFixed(0)).join(' ')}`);
    console.log(
      `  429s met: ${counts.throttled} (simulator answered ${served.throttled.getAllMessages}); ` +
        `retries ${counts.retried}; 5xx/network ${counts.transient}`,
    );
    console.log(
      `  CPU: client ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)}%, ` +
        `simulator ${((stopped.cpuSeconds / seconds) * 100).toFixed(0)}% of one core`,
    );
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** Pages per second in consecutive slices of `sliceMs` from `startMs`. */
function pagesPerSecondBySlice(times: number[], startMs: number, sliceMs: number): number[] {
  const slices: number[] = [];
  for (const time of times) {
    const slice = Math.floor((time - startMs) / sliceMs);
    slices[slice] = (slices[slice] ?? 0) + 1;
  }
  return Array.from(slices, (pages) => (pages ?? 0) / (sliceMs / 1000));
}

/** The most pages finished within any `windowMs`, per second. */
function bestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! > windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best / (windowMs / 1000);
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`simulator process exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

async function serveSimulator(plan: SimulatorPlan): Promise<void> {
  const started = performance.now();
  const sim = await startSimulator({
    tlsDir: plan.tlsDir,
    dbFile: plan.dbFile,
    seed: 'bench',
    tenants: [
      {
        seed: 'bench',
        domain: 'bench.onmicrosoft.com',
        displayName: 'Bench',
        messages: plan.messages,
        users: plan.users,
        chats: plan.chats,
        spanDays: 365,
      },
    ],
    faults: { latencyMs: plan.latencyMs },
  });
  const app = sim.demoApp('ok');
  sim.resetCounters();
  const cpuBefore = process.cpuUsage();
  const ready: SimulatorReady = {
    kind: 'ready',
    graphBaseUrl: sim.graphBaseUrl,
    authorityHost: sim.authorityHost,
    app,
    seedSeconds: (performance.now() - started) / 1000,
  };
  process.send!(ready);
  process.once('message', () => {
    const cpu = process.cpuUsage(cpuBefore);
    const stopped: SimulatorStopped = {
      kind: 'stopped',
      counters: sim.counters(),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
    void sim.close().then(() => process.send!(stopped, () => process.exit(0)));
  });
}
