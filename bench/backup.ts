/**
 * The backup engine against the tenant simulator at Microsoft's documented rates (the simulator
 * enforces them; the engine paces itself to them): first full runs by each message strategy,
 * incremental runs (unchanged tenant, 1% edited), peak memory at two sizes, the Cosmos DB store
 * against SQLite, and a CPU profile of a run, split by part. Prints figures and a summary table;
 * never passes or fails on time (it exits non-zero only when a measurement could not run).
 *
 *   npm run bench -- backup [--quick] [--messages=200000] [--strategies=per-user,hybrid,per-chat]
 *                           [--rss=100000,1000000] [--cosmos=1000] [--profile=50000]
 *                           [--only=full,incremental,rss,cosmos,profile] [--heap=128]
 *                           [--concurrency=<n>] [--cache=<folder>] [--profiles=<folder>]
 *
 * Every option can also come from the environment: BENCH_BACKUP_MESSAGES=20000 and so on.
 * `--quick` makes every size small (a few minutes in all). The Cosmos DB run is small by default:
 * the in-memory test server answers each query by scanning every document it holds. `--heap` is
 * the backup process's V8 old-space limit in MB (0: Node's default): without one V8 lets garbage
 * pile up before collecting it, and RSS then says more about V8's appetite than about what the
 * engine holds.
 * `--concurrency` overrides the engine's default number of work items at once. `--cache` keeps
 * seeded tenants in that folder (relative to the project root) for later runs; by default each
 * tenant is seeded in a temporary folder (a million messages: about a minute and 2 GB) and
 * removed with everything else when the benchmark ends. `--profiles` keeps the CPU profiles
 * (.cpuprofile, for Chrome DevTools) in that folder.
 *
 * The simulator runs in a process of its own and each backup in another
 * (test/backup/support/backup-child.ts) with the engine's production settings, so every figure of
 * CPU and memory is one side's. A sampler reads both processes' CPU time, the whole machine's
 * (others' work on a shared machine shows there) and the simulator's request counters every
 * second, which splits a run into its phases.
 */
import { CosmosClient } from '@azure/cosmos';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { cpus, loadavg, totalmem } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_BACKUP_SETTINGS, type BackupSettings } from '../backend/backup/backup-settings';
import {
  HARVEST_STRATEGY_NAMES,
  type HarvestStrategyName,
} from '../backend/backup/messages/harvest-strategy';
import { DOCUMENTED_GRAPH_LIMITS } from '../backend/graph/graph-rate-limits';
import { createCosmosBackupStore } from '../backend/store/cosmos/cosmos-backup-store';
import { openCosmosContainers } from '../backend/store/cosmos/cosmos-containers';
import { ensureSimulatorCertificate } from '../simulator/tls';
import { startCosmosServer, type CosmosTestServer } from '../test/support/cosmos-server';
import type { ChildPlan, ChildReport } from '../test/backup/support/backup-child';
import { runChild } from '../test/backup/support/child-process';
import { tempDir, type GraphForTenant } from '../test/backup/support/backup-harness';
import type { BackupResult } from '../backend/backup/backup-service';
import {
  BACKUP_PROCESS_RULES,
  IDLE,
  SIMULATOR_PROCESS_RULES,
  splitCpuProfile,
  type ProfileSplit,
} from './support/cpu-profile-split';
import { activeSpan, RunSampler, windowOf, type Sample, type Window } from './support/run-sampler';
import { startSimulatorProcess, type SimulatorProcess } from './support/simulator-client';

// ---------------------------------------------------------------------------------------------
// Options

function option(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : 'true';
  return process.env[`BENCH_BACKUP_${name.toUpperCase()}`] ?? fallback;
}
const sizes = (text: string) => (text === '' || text === '0' ? [] : text.split(',').map(Number));

const quick = option('quick', 'false') === 'true';
const messages = Number(option('messages', quick ? '20000' : '200000'));
const strategies = option('strategies', quick ? 'per-user' : 'per-user,hybrid,per-chat').split(',');
const rssSizes = sizes(option('rss', quick ? '20000,50000' : '100000,1000000'));
const cosmosSize = Number(option('cosmos', quick ? '500' : '1000'));
const profileSize = Number(option('profile', quick ? '20000' : '50000'));
const heapMb = Number(option('heap', '128'));
const only = new Set(option('only', 'full,incremental,rss,cosmos,profile').split(','));
const concurrencyOption = option('concurrency', '');
const cacheOption = option('cache', '');
const profilesOption = option('profiles', '');
for (const name of strategies) {
  if (!(HARVEST_STRATEGY_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown strategy ${name} (there are: ${HARVEST_STRATEGY_NAMES.join(', ')})`);
}
const defaultStrategy = DEFAULT_BACKUP_SETTINGS.fullStrategy;
/** The engine's production settings: what `npm start` runs with. */
const settings: BackupSettings = {
  ...DEFAULT_BACKUP_SETTINGS,
  ...(concurrencyOption ? { concurrency: Number(concurrencyOption) } : {}),
};

// ---------------------------------------------------------------------------------------------
// Graph's documented limits per app per tenant [throttling-limits, Teams section]

const PAGE = 50;
const LIMITS = DOCUMENTED_GRAPH_LIMITS;
/** getAllMessages: 200 requests per second of 50 messages. */
const CEILING = LIMITS.perClass.getAllMessages * PAGE;
const MB = 1024 * 1024;

const root = join(__dirname, '..');
const tlsDir = join(root, '.test-cache', 'tls');
const inRoot = (folder: string) => (isAbsolute(folder) ? folder : join(root, folder));
const cacheDir = cacheOption ? inRoot(cacheOption) : undefined;
const profilesDir = profilesOption ? inRoot(profilesOption) : undefined;
const session = tempDir('chatvault-bench-');
const PRELOAD = join(__dirname, 'support', 'cpu-profile-preload.js');
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_EXTRA_CA_CERTS: ensureSimulatorCertificate(tlsDir).certFile,
  NODE_OPTIONS: heapMb > 0 ? `--max-old-space-size=${heapMb}` : '',
};
// The Cosmos DB test server presents the same certificate the children trust.
process.env.CHATVAULT_TEST_TLS_DIR ??= tlsDir;

// ---------------------------------------------------------------------------------------------
// Formatting

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (share: number) => `${fmt(share * 100)}%`;
const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

/** Columns after the first are right-aligned (figures) unless `left`. */
function printTable(headers: string[], rows: string[][], left = false): void {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** The issue's items, filled in as they are measured and printed together at the end. */
const summary: [string, string, string][] = [];

// ---------------------------------------------------------------------------------------------
// Tenants

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

interface Tenant {
  sim: SimulatorProcess;
  dbFile: string;
  size: number;
  close(): Promise<void>;
}

/** A simulator serving a seeded tenant of `size` messages, on a file of its own (removed on close). */
async function openTenant(size: number): Promise<Tenant> {
  const tenant = tenantShape(size);
  const dbFile = join(session.dir, `tenant-${size}.db`);
  if (cacheDir) {
    mkdirSync(cacheDir, { recursive: true });
    const cached = join(cacheDir, `tenant-${size}.db`);
    if (!existsSync(cached)) {
      console.log(`seeding a tenant of ${fmt(size)} messages into the cache…`);
      const seeder = await startSimulatorProcess({ tlsDir, dbFile: cached, tenant });
      console.log(`  seeded in ${fmt(seeder.seedMs / 1000, 1)} s`);
      await seeder.close();
    }
    copyFileSync(cached, dbFile);
  } else {
    console.log(`seeding a tenant of ${fmt(size)} messages…`);
  }
  const sim = await startSimulatorProcess({ tlsDir, dbFile, tenant });
  if (!cacheDir) console.log(`  seeded in ${fmt(sim.seedMs / 1000, 1)} s`);
  return {
    sim,
    dbFile,
    size,
    close: async () => {
      await sim.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
    },
  };
}

/** What the seeded data implies, read from the simulator's own database. */
interface TenantFacts {
  messages: number;
  /** Inline images referenced by messages not deleted: one request each. */
  images: number;
  busiestChatImages: number;
  /** The chat a per-chat listing reads longest: its pages plus its images, at 1 request per second. */
  busiestChatRequests: number;
  /** Messages every backed-up user's getAllMessages returns in all (a group message once per member). */
  perMember: number;
  /** Pages of the backed-up user with the most, at 5 requests per second (the per-user gate). */
  busiestUserPages: number;
  senderSplit: { requests: number; reachable: number };
}

const BACKED_UP = 'u.deleted = 0 AND u.account_enabled = 1 AND u.teams_licensed = 1';

function tenantFacts(dbFile: string, size: number): TenantFacts {
  const db = new Database(dbFile, { readonly: true });
  try {
    const tenantId = (
      db.prepare('SELECT id FROM tenants WHERE domain = ?').get(tenantShape(size).domain) as { id: string }
    ).id;
    const one = <T>(sql: string) => db.prepare(sql).get(tenantId) as T;
    const all = <T>(sql: string) => db.prepare(sql).all(tenantId) as T[];
    const total = one<{ n: number }>('SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ?').n;
    const imagesByChat = all<{ chat: string; n: number }>(
      `SELECT h.chat_id AS chat, COUNT(*) AS n FROM hosted_contents h
       JOIN messages m ON m.tenant_id = h.tenant_id AND m.chat_id = h.chat_id AND m.id = h.message_id
       WHERE h.tenant_id = ? AND m.deleted = 0 GROUP BY h.chat_id`,
    );
    const pagesByChat = new Map(
      all<{ chat: string; n: number }>(
        'SELECT chat_id AS chat, COUNT(*) AS n FROM messages WHERE tenant_id = ? GROUP BY chat_id',
      ).map((row) => [row.chat, Math.ceil(row.n / PAGE)]),
    );
    const imagesOf = new Map(imagesByChat.map((row) => [row.chat, row.n]));
    let busiestChatRequests = 0;
    for (const [chat, pages] of pagesByChat)
      busiestChatRequests = Math.max(busiestChatRequests, pages + (imagesOf.get(chat) ?? 0));
    const perUser = all<{ n: number }>(
      `SELECT COUNT(*) AS n FROM chat_members c
       JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id AND ${BACKED_UP}
       JOIN messages m ON m.tenant_id = c.tenant_id AND m.chat_id = c.chat_id
       WHERE c.tenant_id = ? GROUP BY c.user_id`,
    );
    const perSender = all<{ n: number }>(
      `SELECT COUNT(*) AS n FROM messages m
       JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.from_user_id AND ${BACKED_UP}
       WHERE m.tenant_id = ? AND EXISTS (SELECT 1 FROM chat_members c WHERE c.tenant_id = m.tenant_id
         AND c.chat_id = m.chat_id AND c.user_id = m.from_user_id)
       GROUP BY m.from_user_id`,
    );
    return {
      messages: total,
      images: imagesByChat.reduce((a, row) => a + row.n, 0),
      busiestChatImages: Math.max(0, ...imagesByChat.map((row) => row.n)),
      busiestChatRequests,
      perMember: perUser.reduce((a, row) => a + row.n, 0),
      busiestUserPages: Math.max(0, ...perUser.map((row) => Math.ceil(row.n / PAGE))),
      senderSplit: {
        requests: perSender.reduce((a, row) => a + Math.ceil(row.n / PAGE), 0),
        reachable: perSender.reduce((a, row) => a + row.n, 0),
      },
    };
  } finally {
    db.close();
  }
}

/**
 * The least time Graph's documented limits allow for what a run asked (no headroom): each class's
 * requests at its rate, the busiest user's getAllMessages at 5 per second, the busiest chat's reads
 * at 1 per second. The machine cannot make a run shorter than this, whatever its speed.
 */
function graphFloor(
  requests: Record<string, number>,
  facts: TenantFacts,
  strategy: HarvestStrategyName,
): { seconds: number; bound: string } {
  const terms: [string, number][] = [
    ['getAllMessages at 200/s', (requests['getAllMessages'] ?? 0) / LIMITS.perClass.getAllMessages],
    ['other Teams reads at 30/s', (requests['teamsGet'] ?? 0) / LIMITS.perClass.teamsGet],
    [
      'busiest chat at 1/s',
      (strategy === 'per-chat' ? facts.busiestChatRequests : facts.busiestChatImages) / LIMITS.perChat,
    ],
  ];
  if (strategy === 'per-user') terms.push(['busiest user at 5/s', facts.busiestUserPages / LIMITS.perUser]);
  const [bound, seconds] = terms.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { seconds, bound };
}

/**
 * The most unique messages per second any complete strategy could reach on this tenant under the
 * documented limits: every message at least once within getAllMessages' 10,000/s, and every inline
 * image read once within the 30 other Teams reads per second (1 per second in its chat).
 */
function bestCeiling(facts: TenantFacts): { rate: number; bound: string } {
  const terms: [string, number][] = [
    ['every message once at 10,000/s', facts.messages / CEILING],
    ['every image at 30/s', facts.images / LIMITS.perClass.teamsGet],
    ['busiest chat\u2019s images at 1/s', facts.busiestChatImages / LIMITS.perChat],
  ];
  const [bound, seconds] = terms.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { rate: facts.messages / seconds, bound };
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

// ---------------------------------------------------------------------------------------------
// One measured backup

interface Measured {
  result: BackupResult;
  report: ChildReport;
  simulatorCpuMs: number;
  requests: Record<string, number>;
  throttled: Record<string, number>;
  samples: Sample[];
  whole: Window;
}

type Plan = Omit<ChildPlan, 'graph' | 'settings'>;

async function measure(
  sim: SimulatorProcess,
  plan: Plan,
  profile?: { backupFile: string; simulatorFile: string },
): Promise<Measured> {
  await sim.reset();
  const simulatorCpuBefore = await sim.cpuMs();
  if (profile) await sim.profileStart();
  const env: NodeJS.ProcessEnv = profile
    ? {
        ...childEnv,
        NODE_OPTIONS: `${childEnv.NODE_OPTIONS} --require ${PRELOAD}`.trim(),
        CHATVAULT_BENCH_CPU_PROFILE: profile.backupFile,
      }
    : childEnv;
  const child = runChild({ graph: graphOf(sim), settings, ...plan }, env);
  const sampler = new RunSampler(
    { backup: child.pid, simulator: sim.pid, bench: process.pid },
    async () => (await sim.counters()).graph.requests,
  );
  sampler.start();
  const exit = await child.exit;
  const samples = await sampler.stop();
  if (profile) await sim.profileStop(profile.simulatorFile);
  if (exit.code !== 0 || !exit.result || !exit.report) {
    throw new Error(`the backup process failed (${exit.code ?? exit.signal}): ${exit.stderr.slice(-3000)}`);
  }
  const simulatorCpuMs = (await sim.cpuMs()) - simulatorCpuBefore;
  const counters = (await sim.counters()).graph;
  return {
    result: exit.result,
    report: exit.report,
    simulatorCpuMs,
    requests: counters.requests,
    throttled: counters.throttled,
    samples,
    whole: windowOf(samples, 0, samples.at(-1)!.atMs),
  };
}

function sqlitePlan(name: string): Pick<ChildPlan, 'store' | 'blobs'> {
  return {
    store: { kind: 'sqlite', file: join(session.dir, `${name}.sqlite`) },
    blobs: { kind: 'fs', dir: join(session.dir, `${name}-blobs`) },
  };
}

function removeStore(name: string): void {
  for (const suffix of ['.sqlite', '.sqlite-wal', '.sqlite-shm', '-blobs'])
    rmSync(join(session.dir, `${name}${suffix}`), { recursive: true, force: true });
}

/** The figures of a first full run, as one table row. */
interface FullRow {
  label: string;
  m: Measured;
  unique: number;
  floor: { seconds: number; bound: string };
}

const FULL_HEADERS = [
  'run',
  'time s',
  'unique msg/s',
  '÷10,000',
  'Graph floor s',
  '÷floor',
  'requests/msg',
  'getAllMessages',
  'other Teams',
  '429s',
  'backup CPU',
  'simulator CPU',
  'others (cores)',
  'load',
  'peak RSS MB',
  'outcome',
];

function fullRow({ label, m, unique, floor }: FullRow): string[] {
  const seconds = m.report.wallMs / 1000;
  const rate = unique / seconds;
  const backupCpu = (m.report.cpu.user + m.report.cpu.system) / 1000 / m.report.wallMs;
  const requests = sum(m.requests);
  return [
    label,
    fmt(seconds, 1),
    fmt(rate),
    fmt(rate / CEILING, 3),
    `${fmt(floor.seconds)} (${floor.bound})`,
    fmt(floor.seconds / seconds, 2),
    fmt(requests / unique, 3),
    fmt(m.requests['getAllMessages'] ?? 0),
    fmt(m.requests['teamsGet'] ?? 0),
    fmt(sum(m.throttled)),
    pct(backupCpu),
    pct(m.simulatorCpuMs / m.report.wallMs),
    fmt(m.whole.otherCores, 2),
    fmt(m.whole.meanLoad1, 2),
    fmt(m.report.peakRssBytes / MB),
    m.result.run.outcome ?? '?',
  ];
}

/** Warns when other processes took a share of the machine that may have slowed the run down. */
function loadWarning(m: Measured): void {
  if (m.whole.otherCores > 0.3) {
    console.log(
      `  note: other processes kept ${fmt(m.whole.otherCores, 2)} of the 2 cores busy during this run ` +
        `(load ${fmt(m.whole.meanLoad1, 2)}): its figures may be depressed by the shared machine.`,
    );
  }
}

/** Requests per second of each busy Graph class in consecutive slices of the run: its shape and tail. */
function printTimeline(m: Measured, sliceMs = 30_000): void {
  const end = m.samples.at(-1)!.atMs;
  for (const [cls, label] of [
    ['getAllMessages', 'getAllMessages/s'],
    ['teamsGet', 'other Teams reads/s'],
  ] as const) {
    if ((m.requests[cls] ?? 0) === 0) continue;
    const slices: string[] = [];
    for (let from = 0; from < end; from += sliceMs)
      slices.push(fmt(windowOf(m.samples, from, Math.min(end, from + sliceMs)).rps[cls] ?? 0));
    console.log(`  ${label} by ${sliceMs / 1000} s: ${slices.join(' ')}`);
  }
}

/** Discovery, the reading of message pages, and the tail after the last page, from the samples. */
function printPhases(m: Measured, readingClass: string): void {
  const span = activeSpan(m.samples, readingClass);
  const end = m.samples.at(-1)!.atMs;
  if (!span) return;
  const windows: [string, Window][] = [
    ['discovery (users, chats)', windowOf(m.samples, 0, span.fromMs)],
    [`reading (${readingClass} pages)`, windowOf(m.samples, span.fromMs, span.toMs)],
    ['tail (last page to the end)', windowOf(m.samples, span.toMs, end)],
  ];
  printTable(
    [
      'phase',
      'from s',
      'to s',
      'getAllMessages/s',
      'other Teams/s',
      'backup CPU',
      'simulator CPU',
      'others (cores)',
      'load',
    ],
    windows.map(([name, w]) => [
      name,
      fmt(w.fromMs / 1000),
      fmt(w.toMs / 1000),
      fmt(w.rps['getAllMessages'] ?? 0, 1),
      fmt(w.rps['teamsGet'] ?? 0, 1),
      pct(w.cpu['backup'] ?? 0),
      pct(w.cpu['simulator'] ?? 0),
      fmt(w.otherCores, 2),
      fmt(w.meanLoad1, 2),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// The sections

let defaultFull: FullRow | undefined;
let tenantBest: { rate: number; bound: string } | undefined;

async function fullAndIncremental(): Promise<void> {
  const tenant = await openTenant(messages);
  try {
    const facts = tenantFacts(tenant.dbFile, messages);
    tenantBest = bestCeiling(facts);
    console.log(
      `\ntenant: ${fmt(facts.messages)} messages, ${fmt(facts.images)} inline images (busiest chat ` +
        `${fmt(facts.busiestChatImages)}); every user's getAllMessages returns ${fmt(facts.perMember)} ` +
        `(${fmt(facts.perMember / facts.messages, 2)} per message: a group message once per member); ` +
        `busiest user ${fmt(facts.busiestUserPages)} pages`,
    );
    console.log(
      `best any complete strategy can do here under the documented limits: ${fmt(tenantBest.rate)} unique msg/s ` +
        `(${fmt(tenantBest.rate / CEILING, 3)} of ${fmt(CEILING)}/s), bound by ${tenantBest.bound}`,
    );
    console.log(
      `sender split would take ${fmt(facts.senderSplit.requests)} getAllMessages requests ` +
        `(${fmt(facts.senderSplit.requests / facts.messages, 3)}/msg) but reach only ` +
        `${fmt(facts.senderSplit.reachable)} (${fmt((facts.senderSplit.reachable / facts.messages) * 100, 1)}%): the ` +
        `others are system events, bot, guest, federated or departed senders, which no filter selects`,
    );

    const ordered = [
      ...strategies.filter((s) => s === defaultStrategy),
      ...strategies.filter((s) => s !== defaultStrategy),
    ] as HarvestStrategyName[];
    const defaultStore = `full-${defaultStrategy}`;
    if (only.has('full')) {
      console.log(
        `\nfirst full backup, ${fmt(messages)} messages (SQLite store, filesystem blobs; ` +
          `engine concurrency ${settings.concurrency})`,
      );
      const rows: FullRow[] = [];
      for (const strategy of ordered) {
        const name = `full-${strategy}`;
        const m = await measure(tenant.sim, {
          ...sqlitePlan(name),
          mode: 'full',
          strategy,
          profileStore: true,
        });
        const row: FullRow = {
          label: strategy,
          m,
          unique: m.result.run.counters.messagesNew,
          floor: graphFloor(m.requests, facts, strategy),
        };
        rows.push(row);
        const storeMs = m.report.storeMs ? sum(m.report.storeMs) : 0;
        const top = Object.entries(m.report.storeMs ?? {})
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([method, ms]) => `${method} ${fmt(ms / 1000, 1)} s`);
        console.log(
          `${strategy}: ${fmt(m.report.wallMs / 1000, 1)} s, ${fmt(row.unique)} messages new, ` +
            `${fmt(m.result.run.counters.blobs)} blobs; store calls ${fmt(storeMs / 1000, 1)} s awaited ` +
            `(${top.join(', ')}); peak heap in use ${fmt(m.report.peakHeapUsedBytes / MB)} MB`,
        );
        printTimeline(m);
        loadWarning(m);
        if (strategy === defaultStrategy) {
          defaultFull = row;
          printPhases(m, 'getAllMessages');
        } else {
          removeStore(name);
        }
      }
      console.log('');
      printTable(FULL_HEADERS, rows.map(fullRow));
      console.log(
        '"÷10,000": unique messages/s over getAllMessages\' 10,000 messages/s. "Graph floor": the least time ' +
          'the documented limits allow for the requests the run made (no headroom), and its binding term; ' +
          '"÷floor" how close the run came to it. CPU is of one core; "others": cores busy with other ' +
          'processes on the machine; "load": mean 1-minute load average.',
      );
      if (defaultFull) {
        const rate = defaultFull.unique / (defaultFull.m.report.wallMs / 1000);
        summary.push(
          [
            `first full backup, ${fmt(messages)} messages, ${defaultStrategy}: unique msg/s`,
            `${fmt(rate)} = ${fmt(rate / CEILING, 3)} of 10,000/s; ${fmt(rate / tenantBest.rate, 2)} of this ` +
              `tenant's best (${fmt(tenantBest.rate)}/s, ${tenantBest.bound}); ${fmt(defaultFull.floor.seconds / (defaultFull.m.report.wallMs / 1000), 2)} of its own floor`,
            '≥ 0.8 of the ceiling',
          ],
          [
            'requests per unique message; 429s',
            `${fmt(sum(defaultFull.m.requests) / defaultFull.unique, 3)}; ${fmt(sum(defaultFull.m.throttled))}`,
            '',
          ],
          [
            'load during it (1-min load avg; other processes)',
            `${fmt(defaultFull.m.whole.meanLoad1, 2)}; ${fmt(defaultFull.m.whole.otherCores, 2)} cores`,
            '',
          ],
        );
      }
    }

    if (only.has('incremental')) {
      console.log(`\nincremental backups on the tenant ${defaultStrategy} backed up`);
      if (!defaultFull) await measure(tenant.sim, { ...sqlitePlan(defaultStore), mode: 'full' });
      const rows: string[][] = [];
      const users = (m: Measured) => m.result.run.counters.users;
      const row = (label: string, m: Measured, edited?: number): string[] => {
        const c = m.result.run.counters;
        return [
          label,
          fmt(sum(m.requests)),
          fmt(users(m)),
          fmt(m.requests['getAllMessages'] ?? 0),
          fmt(m.requests['teamsGet'] ?? 0),
          fmt(m.requests['directory'] ?? 0),
          fmt(sum(m.throttled)),
          edited === undefined ? '' : fmt(edited),
          fmt(c.messagesNew + c.messagesChanged + c.messagesDeleted),
          fmt(c.versions),
          fmt(m.report.wallMs / 1000, 1),
        ];
      };
      const first = await measure(tenant.sim, { ...sqlitePlan(defaultStore), mode: 'incremental' });
      rows.push(row('first after the full run', first));
      const unchanged = await measure(tenant.sim, { ...sqlitePlan(defaultStore), mode: 'incremental' });
      rows.push(row('unchanged', unchanged));
      const edited = await tenant.sim.change(0.01);
      const changed = await measure(tenant.sim, { ...sqlitePlan(defaultStore), mode: 'incremental' });
      rows.push(row('1% of messages edited', changed, edited));
      printTable(
        [
          'run',
          'requests',
          'users',
          'getAllMessages',
          'other Teams',
          'users pages',
          '429s',
          'edited',
          'read as changed',
          'versions',
          'time s',
        ],
        rows,
      );
      console.log(
        '"first after the full run" re-reads what changed since the full run began, less the 10-minute ' +
          'overlap; "unchanged" is the steady state. An unlicensed user is tried again each run (refused: ' +
          'one other Teams read).',
      );
      const pagesBeyondOne = (unchanged.requests['getAllMessages'] ?? 0) - users(unchanged);
      summary.push(
        [
          'incremental, unchanged tenant: requests',
          `${fmt(sum(unchanged.requests))} for ${fmt(users(unchanged))} users (${fmt(unchanged.requests['getAllMessages'] ?? 0)} getAllMessages, ` +
            `${fmt(Math.max(0, pagesBeyondOne))} beyond one per user; ${fmt(unchanged.result.run.counters.versions)} versions)`,
          'about one per user, no message pages',
        ],
        [
          `incremental, 1% edited (${fmt(edited)} messages)`,
          `${fmt(sum(changed.requests))} requests, ${fmt(changed.result.run.counters.versions)} versions, ${fmt(changed.report.wallMs / 1000, 1)} s`,
          '',
        ],
      );
    }
  } finally {
    removeStore(`full-${defaultStrategy}`);
    await tenant.close();
  }
}

async function rss(): Promise<void> {
  console.log(`\npeak memory (RSS) of the backup process, first full backup, ${defaultStrategy}`);
  const rows: string[][] = [];
  const peaks: [number, number][] = [];
  for (const size of rssSizes) {
    const tenant = await openTenant(size);
    try {
      const facts = tenantFacts(tenant.dbFile, size);
      const name = `rss-${size}`;
      const m = await measure(tenant.sim, { ...sqlitePlan(name), mode: 'full' });
      removeStore(name);
      const unique = m.result.run.counters.messagesNew;
      rows.push([
        fmt(size),
        ...fullRow({ label: '', m, unique, floor: graphFloor(m.requests, facts, defaultStrategy) }).slice(1),
        fmt(m.report.peakHeapUsedBytes / MB),
      ]);
      peaks.push([size, m.report.peakRssBytes / MB]);
      loadWarning(m);
    } finally {
      await tenant.close();
    }
  }
  printTable(['messages', ...FULL_HEADERS.slice(1), 'peak heap MB'], rows);
  console.log(
    `backup process run with ${heapMb > 0 ? `--max-old-space-size=${heapMb}` : "Node's default heap limit"}; ` +
      'RSS sampled every 100 ms.',
  );
  if (peaks.length > 0) {
    summary.push([
      'peak RSS of the backup process',
      peaks.map(([size, mb]) => `${fmt(mb)} MB at ${fmt(size)}`).join(', '),
      '≤ 256 MB, flat',
    ]);
  }
}

async function cosmos(): Promise<void> {
  console.log(
    `\nCosmos DB store (the in-memory test server, in this process) against SQLite, ${fmt(cosmosSize)} messages`,
  );
  const tenant = await openTenant(cosmosSize);
  let server: CosmosTestServer | undefined;
  try {
    const facts = tenantFacts(tenant.dbFile, cosmosSize);
    const sqlite = await measure(tenant.sim, {
      ...sqlitePlan('cosmos-reference'),
      mode: 'full',
      profileStore: true,
    });
    removeStore('cosmos-reference');
    server = await startCosmosServer();
    const cosmosRun = await measure(tenant.sim, {
      store: { kind: 'cosmos', endpoint: server.endpoint, key: server.key, database: 'bench' },
      blobs: { kind: 'fs', dir: join(session.dir, 'cosmos-blobs') },
      mode: 'full',
      profileStore: true,
    });
    const rows = [
      ['SQLite', sqlite],
      ['Cosmos DB', cosmosRun],
    ] as const;
    printTable(
      [...FULL_HEADERS, 'store awaited s', 'Cosmos server CPU'],
      rows.map(([label, m]) => [
        ...fullRow({
          label,
          m,
          unique: m.result.run.counters.messagesNew,
          floor: graphFloor(m.requests, facts, defaultStrategy),
        }),
        fmt(sum(m.report.storeMs ?? {}) / 1000, 1),
        label === 'Cosmos DB' ? pct(m.whole.cpu['bench'] ?? 0) : '',
      ]),
    );
    const ratio = sqlite.report.wallMs / cosmosRun.report.wallMs;
    // This process started without the test certificate trusted: hand it to the client.
    const client = new CosmosClient({
      endpoint: server.endpoint,
      key: server.key,
      connectionPolicy: { enableEndpointDiscovery: false },
      agent: new Agent({ ca: readFileSync(childEnv.NODE_EXTRA_CA_CERTS!) }),
    });
    const store = createCosmosBackupStore(await openCosmosContainers(client, 'bench'));
    const stored = await store.countMessages(tenant.sim.tenantId);
    client.dispose();
    console.log(
      `Cosmos/SQLite first-run throughput ${fmt(ratio, 2)}; stored in Cosmos DB ${JSON.stringify(stored)}. ` +
        'The test server keeps everything in one JavaScript process on this machine: a lower bound for the real service.',
    );
    for (const [label, m] of rows) {
      const top = Object.entries(m.report.storeMs ?? {})
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([method, ms]) => `${method} ${fmt(ms / 1000, 1)} s`);
      console.log(`  ${label} store calls awaited: ${top.join(', ')}`);
    }
    summary.push([
      `first run on Cosmos DB / on SQLite (${fmt(cosmosSize)} messages)`,
      `${fmt(ratio, 2)} (${fmt(cosmosRun.report.wallMs / 1000, 1)} s vs ${fmt(sqlite.report.wallMs / 1000, 1)} s; in-memory test server)`,
      '',
    ]);
  } finally {
    await server?.close();
    await tenant.close();
  }
}

function printSplit(title: string, split: ProfileSplit, wallMs: number): void {
  console.log(
    `${title}: ${fmt(split.busyMs / 1000, 1)} s busy of ${fmt(split.totalMs / 1000, 1)} s profiled. Samples ` +
      'are taken on the wall clock: "busy" is time on a core or waiting for one (a shared machine shows ' +
      "here as busy time above the CPU time); JSON parsing and other built-ins count in their caller's part",
  );
  printTable(
    ['part', 'busy s', 'of busy', 'of the run'],
    split.parts
      .filter(([part]) => part !== IDLE)
      .map(([part, ms]) => [part, fmt(ms / 1000, 1), pct(ms / split.busyMs), pct(ms / wallMs)]),
  );
}

async function profile(): Promise<void> {
  console.log(`\nCPU profile of a first full backup, ${defaultStrategy}, ${fmt(profileSize)} messages`);
  const tenant = await openTenant(profileSize);
  try {
    const files = {
      backupFile: join(session.dir, 'backup.cpuprofile'),
      simulatorFile: join(session.dir, 'simulator.cpuprofile'),
    };
    const m = await measure(tenant.sim, { ...sqlitePlan('profiled'), mode: 'full' }, files);
    removeStore('profiled');
    const rate = m.result.run.counters.messagesNew / (m.report.wallMs / 1000);
    console.log(
      `${fmt(m.report.wallMs / 1000, 1)} s, ${fmt(rate)} unique msg/s under the profiler; ` +
        `others kept ${fmt(m.whole.otherCores, 2)} cores busy (load ${fmt(m.whole.meanLoad1, 2)})`,
    );
    printPhases(m, 'getAllMessages');
    printSplit('backup process', splitCpuProfile(files.backupFile, BACKUP_PROCESS_RULES), m.report.wallMs);
    printSplit(
      'simulator process',
      splitCpuProfile(files.simulatorFile, SIMULATOR_PROCESS_RULES),
      m.report.wallMs,
    );
    if (profilesDir) {
      mkdirSync(profilesDir, { recursive: true });
      for (const file of Object.values(files)) copyFileSync(file, join(profilesDir, basename(file)));
      console.log(`CPU profiles kept in ${profilesDir}`);
    }
  } finally {
    await tenant.close();
  }
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(
    `backup benchmark, ${new Date().toISOString()}: ${cpu.length} × ${cpu[0]?.model ?? 'CPU'}, ` +
      `${fmt(totalmem() / 1024 ** 3)} GB, Node ${process.version}; load ${loadavg()
        .map((n) => fmt(n, 2))
        .join(' ')}`,
  );
  console.log(
    `full runs: ${fmt(messages)} messages, strategies ${strategies.join(', ')}; RSS at ${rssSizes.map((n) => fmt(n)).join(', ') || 'none'}; ` +
      `Cosmos DB at ${fmt(cosmosSize)}; profile at ${fmt(profileSize)}. Ceiling ${fmt(CEILING)} messages/s ` +
      `(getAllMessages, 200 rps × 50). Backup process ${heapMb > 0 ? `--max-old-space-size=${heapMb}` : 'with Node defaults'}, ` +
      `engine settings as in production (concurrency ${settings.concurrency}).`,
  );
  const sections: [string, boolean, () => Promise<void>][] = [
    [
      'full runs and incremental runs',
      (only.has('full') || only.has('incremental')) && messages > 0,
      fullAndIncremental,
    ],
    ['peak memory', only.has('rss') && rssSizes.length > 0, rss],
    ['Cosmos DB', only.has('cosmos') && cosmosSize > 0, cosmos],
    ['CPU profile', only.has('profile') && profileSize > 0, profile],
  ];
  for (const [name, wanted, run] of sections) {
    if (!wanted) continue;
    try {
      await run();
    } catch (error) {
      console.error(`\n${name} could not be measured:`, error);
      process.exitCode = 1;
    }
  }
  if (summary.length > 0) {
    console.log('\nsummary (issue 4)');
    printTable(['item', 'measured', 'target'], summary, true);
    console.log(
      `load at the end: ${loadavg()
        .map((n) => fmt(n, 2))
        .join(' ')}`,
    );
  }
}

// Interrupted (Ctrl-C): the seeded tenants and stores are big; leave nothing behind.
process.once('SIGINT', () => {
  session.remove();
  process.exit(130);
});

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => session.remove());
