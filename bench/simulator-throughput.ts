/**
 * How many pages of 50 messages one simulator process serves over HTTPS: seeds a tenant into a
 * SQLite file, starts the simulator with throttling off, and drives it from a separate load
 * process (keep-alive connections, a few requests in flight) on loopback for a bounded time per
 * listing. Prints pages/s, messages/s, the ratio to Graph's 200 rps getAllMessages limit, and the
 * server's CPU use (share of one core, and CPU time per page: the figure that stays meaningful on
 * a machine other work also runs on). The first listing answers one page held in memory, so it
 * measures the HTTPS shell alone; the others add the Graph routes and SQLite.
 *
 *   npx tsx bench/simulator-throughput.ts [messages=200000] [seconds=3] [concurrency=8] [chats=400] [users=50]
 *
 * Prints figures only; it never passes or fails on time.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphRoute } from '../simulator/contracts';
import { startSimulator } from '../simulator/server';

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
  const value = process.argv[2 + index];
  return value === undefined ? fallback : Number(value);
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
      const listings = [
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
      for (const listing of listings) {
        const cpuBefore = process.cpuUsage();
        const result = await runLoadProcess({
          baseUrl: sim.graphBaseUrl,
          caFile: sim.caFile,
          token,
          starts: listing.starts,
          seconds,
          concurrency,
        });
        const cpu = process.cpuUsage(cpuBefore);
        const pagesPerSecond = result.pages / result.seconds;
        console.log(
          `${listing.name.padEnd(36)} ${pagesPerSecond.toFixed(0).padStart(6)} pages/s ` +
            `${(result.messages / result.seconds).toFixed(0).padStart(8)} messages/s ` +
            `${(result.messages / Math.max(result.pages, 1)).toFixed(1).padStart(5)} messages/page ` +
            `${(result.bytes / Math.max(result.pages, 1) / 1024).toFixed(1).padStart(6)} KB/page ` +
            `${(pagesPerSecond / GET_ALL_MESSAGES_RPS).toFixed(1).padStart(5)}x the ${GET_ALL_MESSAGES_RPS} rps limit ` +
            `server CPU ${(((cpu.user + cpu.system) / 1e6 / result.seconds) * 100).toFixed(0)}% of a core, ` +
            `${((cpu.user + cpu.system) / Math.max(result.pages, 1)).toFixed(0)} µs a page` +
            (Object.keys(result.failures).length > 0 ? ` failures ${JSON.stringify(result.failures)}` : ''),
        );
      }
    } finally {
      await sim.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
