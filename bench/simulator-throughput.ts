/**
 * How many pages of 50 messages one simulator process serves over HTTPS: seeds a tenant into a
 * SQLite file, starts the simulator with throttling off, and drives it from a separate load
 * process (keep-alive connections, a few requests in flight) on loopback for a bounded time per
 * listing. Prints pages/s, messages/s, the ratio to Graph's 200 rps getAllMessages limit, and the
 * server's CPU use (share of one core, and CPU time per page: the figure that stays meaningful on
 * a machine other work also runs on), split into the main thread and the others (V8's garbage
 * collector marks and sweeps there), with the full garbage collections per 1,000 pages.
 *
 * The first listing is Node's HTTPS server alone answering the same page (no simulator at all):
 * the floor of any HTTPS server in Node on this machine. The second answers that page held in
 * memory through the simulator, so it measures the simulator's shell (token check, routing,
 * throttle, log); the others add the Graph routes and SQLite.
 *
 *   npx tsx bench/simulator-throughput.ts [messages=200000] [seconds=3] [concurrency=8] [chats=400] [users=50]
 *     [--profiles=<folder>]
 *
 * `--profiles` records a V8 CPU profile of the server side (this process; the load runs in
 * another) during each listing, keeps it in that folder (.cpuprofile, for Chrome DevTools) and
 * prints where the main thread's time went: by part of the server, then the functions with the
 * most self time.
 *
 * Prints figures only; it never passes or fails on time.
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:https';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { GraphRoute } from '../simulator/contracts';
import { startSimulator } from '../simulator/server';
import { IDLE, SIMULATOR_PROCESS_RULES, splitCpuProfile } from './support/cpu-profile-split';

/** Graph's limit for getAllMessages per app per tenant [throttling-limits]. */
const GET_ALL_MESSAGES_RPS = 200;

interface LoadPlan {
  baseUrl: string;
  caFile: string;
  token: string;
  /** First pages of the walks; each walk follows @odata.nextLink to its end. */
  starts: string[];
  seconds: number;
  concurrency: number;
}

interface LoadResult {
  pages: number;
  messages: number;
  bytes: number;
  failures: Record<string, number>;
  seconds: number;
}

function arg(index: number, fallback: number): number {
  const value = process.argv.slice(2).filter((a) => !a.startsWith('--'))[index];
  return value === undefined ? fallback : Number(value);
}

function option(name: string): string | undefined {
  return process.argv
    .slice(2)
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3);
}

if (process.argv[2] === '--load') {
  process.once('message', (plan: LoadPlan) => {
    void generateLoad(plan).then((result) => process.send!(result, () => process.exit(0)));
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

async function main(): Promise<void> {
  const messages = arg(0, 200_000);
  const seconds = arg(1, 3);
  const concurrency = arg(2, 8);
  const chats = arg(3, 400);
  const users = arg(4, 50);
  const profiles = option('profiles');
  if (profiles) mkdirSync(profiles, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'chatvault-sim-bench-'));
  try {
    const seedStarted = Date.now();
    // The shell alone: a route that answers a page already in memory, so the figure is what the
    // HTTPS shell (TLS, token check, routing, writing) can carry when the routes cost nothing.
    let fixedPage = Buffer.alloc(0);
    const fixedPageRoute: GraphRoute = {
      method: 'GET',
      path: '/bench/fixedPage',
      anyRole: ['Chat.Read.All'],
      throttle: () => ({ class: 'getAllMessages' }),
      handle: () => ({ status: 200, rawJson: fixedPage }),
    };
    const sim = await startSimulator({
      extraGraphRoutes: [fixedPageRoute],
      tlsDir: join(dir, 'tls'),
      dbFile: join(dir, 'tenant.db'),
      tenants: [{ seed: 'bench', domain: 'bench.example', displayName: 'Bench', messages, chats, users }],
      throttle: { enabled: false },
    });
    let bare: Server | undefined;
    try {
      console.log(
        `seeded ${messages} messages in ${chats} chats of ${users} users in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
      );
      const tenantId = sim.tenants[0]!.id;
      const token = await appToken(sim.authorityHost, sim.caFile, tenantId, sim.demoApp('ok'));
      const userIds = (
        sim.state.db
          .prepare('SELECT id FROM users WHERE tenant_id = ? AND deleted = 0 AND teams_licensed = 1')
          .all(tenantId) as { id: string }[]
      ).map((row) => row.id);
      const chatIds = (
        sim.state.db
          .prepare(
            'SELECT chat_id FROM messages WHERE tenant_id = ? GROUP BY chat_id ORDER BY count(*) DESC LIMIT 100',
          )
          .all(tenantId) as { chat_id: string }[]
      ).map((row) => row.chat_id);

      // A real first page of getAllMessages, without its nextLink: each walk is this one page.
      const firstPage = JSON.parse(
        await getText(
          sim.caFile,
          `${sim.graphBaseUrl}/users/${userIds[0]}/chats/getAllMessages?$top=50`,
          token,
        ),
      ) as Record<string, unknown>;
      delete firstPage['@odata.nextLink'];
      fixedPage = Buffer.from(JSON.stringify(firstPage));
      bare = await bareHttpsServer(join(dir, 'tls'), fixedPage);
      const bareBaseUrl = `https://127.0.0.1:${(bare.address() as AddressInfo).port}/v1.0`;
      const listings = [
        { name: 'HTTPS alone: one fixed page', starts: ['/bench/fixedPage'], baseUrl: bareBaseUrl },
        { name: 'shell only: one fixed page', starts: ['/bench/fixedPage'] },
        {
          name: 'getAllMessages per user, $top=50',
          starts: userIds.map((id) => `/users/${id}/chats/getAllMessages?$top=50`),
        },
        {
          name: 'chat messages, $top=50',
          starts: chatIds.map((id) => `/chats/${encodeURIComponent(id)}/messages?$top=50`),
        },
      ];
      // Unmeasured: the first second of HTTPS traffic also compiles Node's TLS and HTTP code.
      for (const baseUrl of [bareBaseUrl, sim.graphBaseUrl])
        await runLoadProcess({
          baseUrl,
          caFile: sim.caFile,
          token,
          starts: ['/bench/fixedPage'],
          seconds: 1,
          concurrency,
        });
      for (const listing of listings) {
        const profiler = profiles ? await startProfile() : undefined;
        const gc = countFullCollections();
        const threadsBefore = threadCpuUs();
        const cpuBefore = process.cpuUsage();
        const result = await runLoadProcess({
          baseUrl: listing.baseUrl ?? sim.graphBaseUrl,
          caFile: sim.caFile,
          token,
          starts: listing.starts,
          seconds,
          concurrency,
        });
        const cpu = process.cpuUsage(cpuBefore);
        const threads = threadCpuUs();
        const fullCollections = gc.stop();
        const profileFile = profiles && join(profiles, `${slug(listing.name)}.cpuprofile`);
        if (profiler && profileFile) writeFileSync(profileFile, await profiler.stop());
        const pages = Math.max(result.pages, 1);
        const threadSplit =
          threads && threadsBefore
            ? ` (main thread ${((threads.main - threadsBefore.main) / pages).toFixed(0)}, ` +
              `other threads ${((threads.others - threadsBefore.others) / pages).toFixed(0)})`
            : '';
        const pagesPerSecond = result.pages / result.seconds;
        console.log(
          `${listing.name.padEnd(36)} ${pagesPerSecond.toFixed(0).padStart(6)} pages/s ` +
            `${(result.messages / result.seconds).toFixed(0).padStart(8)} messages/s ` +
            `${(result.messages / Math.max(result.pages, 1)).toFixed(1).padStart(5)} messages/page ` +
            `${(result.bytes / Math.max(result.pages, 1) / 1024).toFixed(1).padStart(6)} KB/page ` +
            `${(pagesPerSecond / GET_ALL_MESSAGES_RPS).toFixed(1).padStart(5)}x the ${GET_ALL_MESSAGES_RPS} rps limit ` +
            `server CPU ${(((cpu.user + cpu.system) / 1e6 / result.seconds) * 100).toFixed(0)}% of a core, ` +
            `${((cpu.user + cpu.system) / pages).toFixed(0)} µs a page${threadSplit}, ` +
            `${((fullCollections * 1000) / pages).toFixed(1)} full GCs per 1000 pages` +
            (Object.keys(result.failures).length > 0 ? ` failures ${JSON.stringify(result.failures)}` : ''),
        );
        if (profileFile) printProfile(profileFile, pages);
      }
    } finally {
      if (bare) await closeServer(bare);
      await sim.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Node's HTTPS server and nothing else, with the simulator's certificate and Graph's content type:
 * the same page for every request. What it costs a page is the floor under any simulator.
 */
function bareHttpsServer(tlsDir: string, page: Buffer): Promise<Server> {
  const server = createServer(
    {
      key: readFileSync(join(tlsDir, 'simulator-key.pem')),
      cert: readFileSync(join(tlsDir, 'simulator-ca.pem')),
    },
    (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8',
        'Content-Length': page.length,
      });
      res.end(page);
    },
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Counts this process's full (mark-compact) garbage collections until `stop`. */
function countFullCollections(): { stop(): number } {
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail;
      if (detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) count += 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      observer.disconnect();
      return count;
    },
  };
}

/**
 * CPU time of this process's main thread and of all its other threads (V8's garbage collector
 * helpers, libuv's pool), in µs, from Linux's per-thread scheduler statistics; undefined elsewhere.
 */
function threadCpuUs(): { main: number; others: number } | undefined {
  try {
    let main = 0;
    let others = 0;
    for (const tid of readdirSync('/proc/self/task')) {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      if (Number(tid) === process.pid) main += ns / 1000;
      else others += ns / 1000;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}

interface RunningProfile {
  /** Stops the profile and answers it as .cpuprofile text. */
  stop(): Promise<string>;
}

/** A V8 CPU profile of this process: the server's side only, the load runs in another process. */
async function startProfile(): Promise<RunningProfile> {
  const session = new Session();
  session.connect();
  const post = (method: string): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      session.disconnect();
      return JSON.stringify(profile);
    },
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

/** The main thread's busy time by part of the server, then the functions with the most self time. */
function printProfile(file: string, pages: number): void {
  const perPage = (ms: number): string => `${((ms * 1000) / pages).toFixed(0).padStart(5)} µs`;
  const split = splitCpuProfile(file, SIMULATOR_PROCESS_RULES);
  console.log(`  profile ${file}: main thread busy ${perPage(split.busyMs)} a page`);
  for (const [part, ms] of split.parts) if (part !== IDLE) console.log(`    ${perPage(ms)}  ${part}`);

  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') return;
    const name = `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}` : ''}`;
    // A sample stands for the time until the next one.
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    self.set(name, (self.get(name) ?? 0) + ms);
  });
  console.log('    most self time:');
  for (const [name, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`    ${perPage(ms)}  ${name}`);
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  return path.startsWith('/') ? relative(process.cwd(), path) : path;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

async function appToken(
  authorityHost: string,
  caFile: string,
  tenantId: string,
  app: { appId: string; secret: string },
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: app.appId,
    client_secret: app.secret,
    scope: 'https://graph.microsoft.com/.default',
  }).toString();
  const url = new URL(`${authorityHost}/${tenantId}/oauth2/v2.0/token`);
  // This process started before the certificate existed, so it is trusted here explicitly.
  const agent = new Agent({ ca: readFileSync(caFile) });
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(form);
  });
  agent.destroy();
  const body = JSON.parse(text) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${text}`);
  return body.access_token;
}

async function getText(caFile: string, url: string, token: string): Promise<string> {
  const agent = new Agent({ ca: readFileSync(caFile) });
  const target = new URL(url);
  const { body } = await get(agent, target, target.pathname + target.search, token);
  agent.destroy();
  return body.toString('utf8');
}

/** Runs the load in a child process (its own event loop and CPU), and returns what it measured. */
function runLoadProcess(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // fork inherits this process's loader flags (tsx), so the child runs this same file.
    const child = fork(__filename, ['--load']);
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? undefined : reject(new Error(`load process exited with ${code}`)),
    );
    child.send(plan);
  });
}

async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency, ca: readFileSync(plan.caFile) });
  const base = new URL(plan.baseUrl);
  const result: LoadResult = { pages: 0, messages: 0, bytes: 0, failures: {}, seconds: 0 };
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  let nextWalk = 0;

  const worker = async (): Promise<void> => {
    while (elapsed() < plan.seconds) {
      let path: string | undefined = plan.starts[nextWalk++ % plan.starts.length];
      while (path && elapsed() < plan.seconds) {
        const { status, body } = await get(agent, base, `${base.pathname}${path}`, plan.token);
        if (status !== 200) {
          result.failures[status] = (result.failures[status] ?? 0) + 1;
          break;
        }
        result.pages += 1;
        result.bytes += body.length;
        result.messages += countMessages(body);
        const next = nextLink(body);
        path = next?.slice(plan.baseUrl.length);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  result.seconds = elapsed();
  agent.destroy();
  return result;
}

function get(
  agent: Agent,
  base: URL,
  path: string,
  token: string,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: 'GET',
        headers: { Authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const ETAG = Buffer.from('"etag":');
const NEXT_LINK = Buffer.from('"@odata.nextLink":"');

/**
 * Messages in a page, counted without decoding or parsing it (every chatMessage carries exactly
 * one etag): the load process must stay cheaper than the server it measures.
 */
function countMessages(body: Buffer): number {
  let count = 0;
  for (let at = body.indexOf(ETAG); at >= 0; at = body.indexOf(ETAG, at + ETAG.length)) count++;
  return count;
}

function nextLink(body: Buffer): string | undefined {
  const at = body.indexOf(NEXT_LINK);
  if (at < 0) return undefined;
  const start = at + NEXT_LINK.length;
  return body.toString('utf8', start, body.indexOf('"', start));
}
