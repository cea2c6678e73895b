/**
 * How fast the simulator's Graph routes serve pages of 50 messages, in-process (no HTTPS): seeds a
 * tenant, then pages through chats and users for a few seconds per listing and prints pages and
 * messages per CPU-second of this process (one core) and the mean page size.
 *
 *   npx tsx bench/graph-message-pages.ts [messages=200000] [chats=400] [users=50] [seconds=3]
 *
 * Prints figures only; it never passes or fails on time.
 */
import type { GraphRequest, GraphResult, GraphRoute } from '../simulator/contracts';
import { createGraphRoutes } from '../simulator/graph/routes';
import { seedTenant } from '../simulator/seed/seed-tenant';
import { ManualClock } from '../simulator/state/clock';
import { TenantState } from '../simulator/state/tenant-state';

function arg(index: number, fallback: number): number {
  const value = process.argv[2 + index];
  return value === undefined ? fallback : Number(value);
}

const messages = arg(0, 200_000);
const chats = arg(1, 400);
const users = arg(2, 50);
const seconds = arg(3, 3);
const baseUrl = 'https://127.0.0.1:8443/v1.0';
const endMs = Date.UTC(2026, 5, 1);

const clock = new ManualClock(endMs);
const state = new TenantState({ clock });
const seedStarted = process.hrtime.bigint();
const tenant = seedTenant(state, {
  seed: 'bench',
  domain: 'bench.example',
  displayName: 'Bench',
  messages,
  chats,
  users,
  endMs,
});
console.log(
  `seeded ${messages} messages, ${chats} chats, ${users} users in ${elapsedSeconds(seedStarted).toFixed(1)} s`,
);

const routes = createGraphRoutes(state.db, { clock });
const route = (path: string): GraphRoute => {
  const found = routes.find((candidate) => candidate.path === path);
  if (!found) throw new Error(`no route ${path}`);
  return found;
};
const caller = { tenantId: tenant.id, appId: 'bench', roles: ['Chat.Read.All'] };
const chatIds = (
  state.db
    .prepare(
      'SELECT chat_id FROM messages WHERE tenant_id = ? GROUP BY chat_id ORDER BY count(*) DESC LIMIT 50',
    )
    .all(tenant.id) as { chat_id: string }[]
).map((row) => row.chat_id);
const userIds = (
  state.db
    .prepare('SELECT id FROM users WHERE tenant_id = ? AND deleted = 0 AND teams_licensed = 1')
    .all(tenant.id) as { id: string }[]
).map((row) => row.id);

interface Listing {
  name: string;
  route: GraphRoute;
  /** The first request of one full walk, for the i-th walk. */
  first(i: number): {
    params: Record<string, string>;
    query: Record<string, string>;
    headers?: Record<string, string>;
  };
}

const listings: Listing[] = [
  {
    name: 'chat messages, lastModifiedDateTime desc',
    route: route('/chats/:chatId/messages'),
    first: (i) => ({ params: { chatId: chatIds[i % chatIds.length] }, query: { $top: '50' } }),
  },
  {
    name: 'chat messages, createdDateTime desc, Prefer',
    route: route('/chats/:chatId/messages'),
    first: (i) => ({
      params: { chatId: chatIds[i % chatIds.length] },
      query: { $top: '50', $orderby: 'createdDateTime desc' },
      headers: { prefer: 'include-unknown-enum-members' },
    }),
  },
  {
    name: 'getAllMessages per user',
    route: route('/users/:userId/chats/getAllMessages'),
    first: (i) => ({ params: { userId: userIds[i % userIds.length] }, query: { $top: '50' } }),
  },
  {
    name: 'getAllMessages, modified in the last 90 days',
    route: route('/users/:userId/chats/getAllMessages'),
    first: (i) => ({
      params: { userId: userIds[i % userIds.length] },
      query: {
        $top: '50',
        $filter: `lastModifiedDateTime gt ${new Date(endMs - 90 * 86_400_000).toISOString()}`,
      },
    }),
  },
  {
    name: 'getAllMessages/delta, first round',
    route: route('/users/:userId/chats/getAllMessages/delta'),
    first: (i) => ({ params: { userId: userIds[i % userIds.length] }, query: { $top: '50' } }),
  },
];

async function main(): Promise<void> {
  for (const listing of listings) {
    let pages = 0;
    let items = 0;
    let bytes = 0;
    let walk = 0;
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    while (elapsedSeconds(started) < seconds) {
      const first = listing.first(walk++);
      let query: Record<string, string> | undefined = first.query;
      while (query) {
        const result = await listing.route.handle(
          request(listing.route.path, first.params, query, first.headers),
        );
        const body = text(result);
        pages++;
        bytes += body.length;
        const nextLink = nextLinkOf(body);
        items += countItems(body);
        query = nextLink ? Object.fromEntries(new URL(nextLink).searchParams) : undefined;
      }
    }
    // CPU seconds, not wall time: the figure stays meaningful on a machine busy with other work.
    const cpu = process.cpuUsage(cpuBefore);
    const took = (cpu.user + cpu.system) / 1e6;
    console.log(
      `${listing.name.padEnd(48)} ${(pages / took).toFixed(0).padStart(7)} pages/s ${(items / took).toFixed(0).padStart(9)} msgs/s ` +
        `${(bytes / Math.max(pages, 1) / 1024).toFixed(1).padStart(6)} KB/page (${walk} walks)`,
    );
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => state.close());

function request(
  path: string,
  params: Record<string, string>,
  query: Record<string, string>,
  headers: Record<string, string> = {},
): GraphRequest {
  return { caller, method: 'GET', path, params, query, headers, baseUrl };
}

function text(result: GraphResult): Buffer {
  if ('rawJson' in result)
    return typeof result.rawJson === 'string' ? Buffer.from(result.rawJson) : result.rawJson;
  if ('json' in result) return Buffer.from(JSON.stringify(result.json));
  throw new Error('unexpected binary page');
}

/** The page's nextLink: the annotations come before `value`, so only the head is read. */
function nextLinkOf(body: Buffer): string | undefined {
  const head = body.subarray(0, body.indexOf('"value":[')).toString();
  return /"@odata\.nextLink":"([^"]+)"/.exec(head)?.[1];
}

/** Messages in a page, counted without parsing it (every stored message carries an etag). */
function countItems(body: Buffer): number {
  let count = 0;
  for (let at = body.indexOf('"etag":'); at >= 0; at = body.indexOf('"etag":', at + 7)) count++;
  return count;
}

function elapsedSeconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}
