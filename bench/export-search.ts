/**
 * Recovery at size: exporting one very long chat, and searching a large store. Prints figures; never
 * passes or fails on time (it exits non-zero only when a measurement could not run).
 *
 *   node bench/run-all.js export-search [--quick] [--chat=100000] [--store=1000000] [--cosmos=2000]
 *                                       [--images=300] [--only=export,search,cosmos] [--heap=0]
 *
 * Options also come from the environment (BENCH_EXPORT_SEARCH_CHAT=20000 …); `--quick` makes every
 * size small. Stores are built straight through the backup store's write API (no simulator, no
 * Graph) in a temporary folder, removed at the end.
 *
 * - export: a chat of `--chat` messages (one in ten edited, one in fifty deleted, `--images` distinct
 *   images spread over it) exported as JSON and as HTML, each in a process of its own (so its peak
 *   RSS is the export's), into a sink that counts bytes. `--heap` caps that process's V8 old space
 *   in MB (0: Node's default).
 * - search: `--store` messages over 2,000 chats and 300 senders in SQLite; the time to build the
 *   full-text index from nothing, then the latency of typical searches (median and p95 of 20 runs),
 *   and of the first search after a backup added 1,000 messages (it indexes them first).
 * - cosmos: the same searches on `--cosmos` messages in the in-memory Cosmos DB test server, in this
 *   machine's process: the adapter's query pattern, not the service's speed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { PNG } from 'pngjs';
import { FsBlobStore } from '../backend/blobs/fs-blob-store';
import { systemClock } from '../backend/connection/clock';
import { silentLogger } from '../backend/observability/logger';
import { createRecoveryServices } from '../backend/recovery/create-recovery-module';
import type { RecoveryDeps } from '../backend/recovery/recovery-deps';
import type { HostedContentRef, MessageVersion } from '../backend/store/backup-records';
import type { BackupStore } from '../backend/store/backup-store';
import { createCosmosBackupStore } from '../backend/store/cosmos/cosmos-backup-store';
import { openCosmosRecoveryContainers } from '../backend/store/cosmos/cosmos-recovery-containers';
import { createCosmosRecoveryStore } from '../backend/store/cosmos/cosmos-recovery-store';
import type { AuditEvent } from '../backend/store/connection-records';
import type { RecoveryStore } from '../backend/store/recovery-store';
import { searchTerms } from '../backend/store/search-text';
import { openSqlite } from '../backend/store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../backend/store/sqlite/sqlite-backup-store';
import { createSqliteRecoveryStore } from '../backend/store/sqlite/sqlite-recovery-store';
import { SeedRandom } from '../simulator/seed/seed-random';
import { sentence } from '../simulator/seed/seed-texts';
import { ensureSimulatorCertificate } from '../simulator/tls';
import { createCosmosTestClient, startCosmosServer } from '../test/support/cosmos-server';

function option(name: string, fallback: string): string {
  const flag = process.argv.slice(2).find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (flag) return flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : 'true';
  return process.env[`BENCH_EXPORT_SEARCH_${name.toUpperCase()}`] ?? fallback;
}

const quick = option('quick', 'false') === 'true';
const chatSize = Number(option('chat', quick ? '10000' : '100000'));
const storeSize = Number(option('store', quick ? '50000' : '1000000'));
const cosmosSize = Number(option('cosmos', quick ? '500' : '2000'));
const imageCount = Number(option('images', quick ? '50' : '300'));
const heapMb = Number(option('heap', '0'));
const only = new Set(option('only', 'export,search,cosmos').split(','));

const TENANT = '0b5e7c1d-0000-4000-8000-00000000be9c';
const ACTOR = { kind: 'operator' as const, name: 'bench' };
const START_MS = Date.parse('2024-01-01T00:00:00.000Z');
const SENDERS = 300;
const CHATS = 2000;
/** Words planted at known rates, so that searches of each kind have answers. */
const RARE = 'zeppelin'; // 1 in 100,000 messages
const MEDIUM = 'quokka'; // 1 in 1,000

/** An audit sink that keeps nothing: the figures are the stores'. */
const discardAudit = { appendAudit: async (event: Omit<AuditEvent, 'id'>) => ({ ...event, id: 'bench' }) };

function chatId(n: number): string {
  return `19:${String(n).padStart(8, '0')}bench000000000000000@thread.v2`;
}

function userId(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** One state of message `n` of a chat: Graph's shape, about 1.2 kB of JSON. */
function version(
  chat: string,
  n: number,
  rng: SeedRandom,
  options: { edit?: number; deleted?: boolean; text?: string; hosted?: HostedContentRef[] } = {},
): MessageVersion {
  // A message a minute: a million span about two years.
  const messageId = String(START_MS + n * 60_000);
  const created = new Date(START_MS + n * 60_000).toISOString();
  const modifiedMs = START_MS + n * 60_000 + (options.edit ?? 0) * 1000 + (options.deleted ? 30_000 : 0);
  const modified = new Date(modifiedMs).toISOString();
  const sender = userId(n % SENDERS);
  const images = (options.hosted ?? [])
    .map(
      (h) =>
        `<img src="https://graph.microsoft.com/v1.0/chats/${chat}/messages/${messageId}/hostedContents/${h.id}/$value" width="64" height="64">`,
    )
    .join('');
  const text = options.text ?? `${sentence(rng)} ${sentence(rng)}`;
  const message: Record<string, unknown> = {
    id: messageId,
    replyToId: null,
    etag: String(modifiedMs),
    messageType: 'message',
    createdDateTime: created,
    lastModifiedDateTime: modified,
    lastEditedDateTime: options.edit ? modified : null,
    deletedDateTime: options.deleted ? modified : null,
    subject: null,
    summary: null,
    chatId: chat,
    importance: 'normal',
    locale: 'en-us',
    webUrl: null,
    channelIdentity: null,
    onBehalfOf: null,
    policyViolation: null,
    eventDetail: null,
    from: {
      application: null,
      device: null,
      user: {
        id: sender,
        displayName: `Person ${n % SENDERS}`,
        userIdentityType: 'aadUser',
        tenantId: TENANT,
      },
    },
    body: {
      contentType: 'html',
      content: options.deleted
        ? ''
        : `<p>${text}${options.edit ? ` (edit ${options.edit})` : ''}</p>${images}`,
    },
    attachments: [],
    mentions: [],
    reactions: [],
    messageHistory: [],
  };
  return {
    chatId: chat,
    messageId,
    etag: String(modifiedMs),
    lastModifiedDateTime: modified,
    createdDateTime: created,
    deletedDateTime: options.deleted ? modified : null,
    fromUserId: sender,
    messageType: 'message',
    capturedAt: new Date(
      Date.UTC(2026, 5, 1 + (options.edit ?? 0) + (options.deleted ? 2 : 0)),
    ).toISOString(),
    runId: 'bench',
    message,
    hostedContents: options.deleted ? [] : (options.hosted ?? []),
  };
}

function noisePng(rng: SeedRandom): Buffer {
  const image = new PNG({ width: 64, height: 64 });
  for (let i = 0; i < image.data.length; i++) image.data[i] = i % 4 === 3 ? 255 : rng.int(256);
  return PNG.sync.write(image);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// ---------------------------------------------------------------------------------------------
// Export of one long chat

interface ExportChildResult {
  ms: number;
  bytes: number;
  messages: number;
  versions: number;
  images: number;
  maxRss: number;
  rssBefore: number;
}

async function buildLongChat(dir: string): Promise<{ db: string; blobs: string }> {
  const dbFile = join(dir, 'long-chat.sqlite');
  const blobDir = join(dir, 'blobs');
  const db = openSqlite(dbFile);
  const store = createSqliteBackupStore(db);
  const blobs = new FsBlobStore({ dir: blobDir });
  const rng = new SeedRandom('long-chat');
  const chat = chatId(0);
  await store.upsertChats(
    TENANT,
    [
      {
        chatId: chat,
        chatType: 'group',
        topic: 'A very long chat',
        createdDateTime: new Date(START_MS).toISOString(),
        lastUpdatedDateTime: new Date(START_MS).toISOString(),
        webUrl: null,
        raw: { id: chat },
      },
    ],
    new Date().toISOString(),
  );
  const images: HostedContentRef[] = [];
  for (let i = 0; i < imageCount; i++) {
    const put = await blobs.put(TENANT, noisePng(rng), { contentType: 'image/png' });
    images.push({ id: `img${i}`, sha256: put.sha256, contentType: 'image/png', size: put.size });
  }
  const started = performance.now();
  const everyImage = Math.max(1, Math.floor(chatSize / Math.max(1, imageCount)));
  let batch: MessageVersion[] = [];
  for (let n = 0; n < chatSize; n++) {
    const hosted = n % everyImage === 0 && images[n / everyImage] ? [images[n / everyImage]!] : [];
    batch.push(version(chat, n, rng, { hosted }));
    if (n % 10 === 5) batch.push(version(chat, n, rng, { edit: 1, hosted }));
    if (n % 50 === 7) batch.push(version(chat, n, rng, { deleted: true }));
    if (batch.length >= 1000) {
      await store.putMessageVersions(TENANT, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.putMessageVersions(TENANT, batch);
  const counts = await store.countMessages(TENANT);
  db.close();
  console.log(
    `long chat: ${counts.messages} messages, ${counts.versions} versions, ${imageCount} images (${mb(images.reduce((s, i) => s + i.size, 0))}), built in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { db: dbFile, blobs: blobDir };
}

/** In a process of its own: one export into a counting sink, with its time and peak RSS. */
async function exportChild(): Promise<void> {
  const db = openSqlite(option('db', ''));
  const deps: RecoveryDeps = {
    backup: createSqliteBackupStore(db),
    recovery: createSqliteRecoveryStore(db),
    blobs: new FsBlobStore({ dir: option('blobs', '') }),
    auditStore: discardAudit,
    clock: systemClock,
    logger: silentLogger(),
  };
  const { exports } = createRecoveryServices(deps);
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const summary = await exports.exportTo(
    ACTOR,
    TENANT,
    { scope: { kind: 'chat', chatId: chatId(0) }, format: option('format', 'json') as 'json' | 'html' },
    sink,
  );
  const result: ExportChildResult = {
    ms: performance.now() - started,
    bytes,
    messages: summary.messages,
    versions: summary.versions,
    images: summary.hostedContents,
    maxRss: process.resourceUsage().maxRSS * 1024,
    rssBefore,
  };
  db.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** Transcript pages of the long chat, as the tab asks for them. */
async function measureTranscript(built: { db: string; blobs: string }): Promise<void> {
  const db = openSqlite(built.db);
  try {
    const deps: RecoveryDeps = {
      backup: createSqliteBackupStore(db),
      recovery: createSqliteRecoveryStore(db),
      blobs: new FsBlobStore({ dir: built.blobs }),
      auditStore: discardAudit,
      clock: systemClock,
      logger: silentLogger(),
    };
    const { browse } = createRecoveryServices(deps);
    const middle = String(START_MS + Math.floor(chatSize / 2) * 60_000);
    const cases: [string, () => Promise<unknown>][] = [
      ['newest page', () => browse.transcript(ACTOR, TENANT, chatId(0), { limit: 50 })],
      ['oldest page', () => browse.transcript(ACTOR, TENANT, chatId(0), { limit: 50, start: 'oldest' })],
      [
        'page around the middle',
        () => browse.transcript(ACTOR, TENANT, chatId(0), { limit: 50, around: middle }),
      ],
      [
        'newest page at a moment',
        () => browse.transcript(ACTOR, TENANT, chatId(0), { limit: 50, at: '2026-06-02T12:00:00.000Z' }),
      ],
    ];
    for (const [name, run] of cases) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(
        `transcript of the ${chatSize}-message chat, ${name.padEnd(24)} median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (50 messages)`,
      );
    }
  } finally {
    db.close();
  }
}

async function measureExport(dir: string): Promise<void> {
  const built = await buildLongChat(dir);
  await measureTranscript(built);
  for (const format of ['json', 'html']) {
    const child = spawnSync(
      process.execPath,
      [
        ...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []),
        '--require',
        'tsx/cjs',
        __filename,
        '--child=export',
        `--db=${built.db}`,
        `--blobs=${built.blobs}`,
        `--format=${format}`,
      ],
      { encoding: 'utf8', maxBuffer: 1024 * 1024 },
    );
    if (child.status !== 0) throw new Error(`export child failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as ExportChildResult;
    console.log(
      `export ${format.padEnd(4)} ${result.messages} messages (${result.versions} versions, ${result.images} images): ` +
        `${(result.ms / 1000).toFixed(1)} s, ${Math.round(result.messages / (result.ms / 1000))} messages/s, ` +
        `${mb(result.bytes)} written; peak RSS ${mb(result.maxRss)} (${mb(result.rssBefore)} before the export)${heapMb > 0 ? `, heap capped at ${heapMb} MB` : ''}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Search

async function buildStore(store: BackupStore, size: number, label: string): Promise<void> {
  const rng = new SeedRandom(`store-${size}`);
  const started = performance.now();
  let batch: MessageVersion[] = [];
  const flush = async () => {
    await store.putMessageVersions(TENANT, batch);
    batch = [];
  };
  for (let n = 0; n < size; n++) {
    const planted = n % 100_000 === 4321 ? ` ${RARE}` : n % 1000 === 17 ? ` ${MEDIUM}` : '';
    const text = `${sentence(rng)} ${sentence(rng)}${planted}`;
    // Pages as getAllMessages brings them: the tenant's messages in time order, over many chats.
    batch.push(version(chatId(n % CHATS), n, rng, { text }));
    if (batch.length >= 500) await flush();
    if (n > 0 && n % 200_000 === 0)
      console.log(
        `  ${label}: ${n} messages written (${Math.round(n / ((performance.now() - started) / 1000))}/s)`,
      );
  }
  if (batch.length > 0) await flush();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: ${size} messages written in ${seconds.toFixed(1)} s (${Math.round(size / seconds)}/s)`,
  );
}

interface SearchCase {
  name: string;
  text: string;
  sender?: string;
  chatId?: string;
  from?: string;
  to?: string;
}

const CASES: SearchCase[] = [
  { name: `rare word (1 in 100,000)`, text: RARE },
  { name: `medium word (1 in 1,000)`, text: MEDIUM },
  { name: 'common word', text: 'budget' },
  { name: 'two common words', text: 'budget forecast' },
  { name: 'word begun (prefix)', text: 'forec*' },
  { name: 'common word, one sender', text: 'budget', sender: userId(42) },
  { name: 'common word, one chat', text: 'budget', chatId: chatId(7) },
  {
    name: 'common word, one month',
    text: 'budget',
    from: '2024-01-05T00:00:00Z',
    to: '2024-02-05T00:00:00Z',
  },
];

async function measureSearch(
  label: string,
  deps: RecoveryDeps,
  store: BackupStore,
  recovery: RecoveryStore,
  size: number,
  runs: number,
): Promise<void> {
  const indexStarted = performance.now();
  const { indexed } = await recovery.updateSearchIndex(TENANT);
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  console.log(
    `${label}: search index built from nothing: ${indexed} versions in ${indexSeconds.toFixed(1)} s (${Math.round(indexed / indexSeconds)}/s)`,
  );
  const { search } = createRecoveryServices(deps);
  const checks: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await recovery.updateSearchIndex(TENANT);
    checks.push(performance.now() - t);
  }
  checks.sort((a, b) => a - b);
  console.log(
    `${label}: checking an up-to-date index (every search does first): median ${percentile(checks, 50).toFixed(1)} ms`,
  );
  for (const c of CASES) {
    const times: number[] = [];
    const queries: number[] = [];
    let results = 0;
    let more = false;
    for (let i = 0; i < runs; i++) {
      const q = performance.now();
      await recovery.searchMessages(TENANT, {
        terms: searchTerms(c.text),
        prefix: c.text.endsWith('*'),
        limit: 25,
        ...(c.sender ? { fromUserId: c.sender } : {}),
        ...(c.chatId ? { chatId: c.chatId } : {}),
        ...(c.from ? { createdFrom: c.from } : {}),
        ...(c.to ? { createdBefore: c.to } : {}),
      });
      queries.push(performance.now() - q);
      const t = performance.now();
      const page = await search.search(ACTOR, TENANT, {
        text: c.text,
        limit: 25,
        ...(c.sender ? { sender: c.sender } : {}),
        ...(c.chatId ? { chatId: c.chatId } : {}),
        ...(c.from ? { from: c.from } : {}),
        ...(c.to ? { to: c.to } : {}),
      });
      times.push(performance.now() - t);
      results = page.items.length;
      more = page.next !== undefined;
    }
    times.sort((a, b) => a - b);
    queries.sort((a, b) => a - b);
    console.log(
      `${label}: ${c.name.padEnd(28)} search median ${percentile(times, 50).toFixed(1).padStart(7)} ms, p95 ${percentile(times, 95).toFixed(1).padStart(7)} ms` +
        ` | store query alone median ${percentile(queries, 50).toFixed(1).padStart(7)} ms  (${results}${more ? '+' : ''} results on the first page)`,
    );
  }
  // A backup adds messages; the next search indexes them before it answers.
  const rng = new SeedRandom('after');
  const added = Array.from({ length: 1000 }, (_, i) =>
    version(chatId(i % CHATS), size + i, rng, { text: `${sentence(rng)} ${RARE}` }),
  );
  await store.putMessageVersions(TENANT, added);
  const t = performance.now();
  const page = await search.search(ACTOR, TENANT, { text: RARE, limit: 25 });
  console.log(
    `${label}: first search after a backup added 1,000 messages (indexing them first): ${(performance.now() - t).toFixed(1)} ms (${page.items.length} results)`,
  );
}

async function measureSqliteSearch(dir: string): Promise<void> {
  const db = openSqlite(join(dir, 'search.sqlite'));
  try {
    const store = createSqliteBackupStore(db);
    const recovery = createSqliteRecoveryStore(db);
    await buildStore(store, storeSize, 'sqlite store');
    const deps: RecoveryDeps = {
      backup: store,
      recovery,
      blobs: new FsBlobStore({ dir: join(dir, 'search-blobs') }),
      auditStore: discardAudit,
      clock: systemClock,
      logger: silentLogger(),
    };
    await measureSearch('sqlite', deps, store, recovery, storeSize, 20);
  } finally {
    db.close();
  }
}

/** In a process trusting the test certificate: the Cosmos DB test server in process. */
async function cosmosChild(): Promise<void> {
  const server = await startCosmosServer();
  const client = createCosmosTestClient(server);
  const dir = mkdtempSync(join(tmpdir(), 'chatvault-bench-cosmos-'));
  try {
    const containers = await openCosmosRecoveryContainers(client, 'bench');
    const store = createCosmosBackupStore(containers);
    const recovery = createCosmosRecoveryStore(containers);
    await buildStore(store, cosmosSize, `cosmos (test server, ${containers.searchMode} mode)`);
    const deps: RecoveryDeps = {
      backup: store,
      recovery,
      blobs: new FsBlobStore({ dir }),
      auditStore: discardAudit,
      clock: systemClock,
      logger: silentLogger(),
    };
    await measureSearch('cosmos', deps, store, recovery, cosmosSize, 5);
  } finally {
    client.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureCosmos(dir: string): void {
  const tlsDir = join(dir, 'tls');
  const certificate = ensureSimulatorCertificate(tlsDir);
  const child = spawnSync(
    process.execPath,
    ['--require', 'tsx/cjs', __filename, '--child=cosmos', `--cosmos=${cosmosSize}`],
    {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: certificate.certFile, CHATVAULT_TEST_TLS_DIR: tlsDir },
    },
  );
  if (child.status !== 0) throw new Error('the Cosmos DB measurement failed');
}

async function main(): Promise<void> {
  const child = option('child', '');
  if (child === 'export') return exportChild();
  if (child === 'cosmos') return cosmosChild();
  const dir = mkdtempSync(join(tmpdir(), 'chatvault-bench-recovery-'));
  try {
    console.log(
      `export of a ${chatSize}-message chat; search over ${storeSize} messages (SQLite) and ${cosmosSize} (Cosmos DB test server)`,
    );
    if (only.has('export')) await measureExport(dir);
    if (only.has('search')) await measureSqliteSearch(dir);
    if (only.has('cosmos') && cosmosSize > 0) measureCosmos(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
