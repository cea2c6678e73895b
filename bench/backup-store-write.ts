/**
 * Write throughput of the backup store's message path, per adapter: the SQLite store on a file in
 * a temporary folder (as the embedded default runs it), and the Cosmos DB store against the
 * in-memory Cosmos server in this process (so its figures measure the adapter's request pattern
 * plus a JavaScript server on one machine, not the service).
 *
 *   node bench/run-all.js backup-store-write
 *   (or directly, with the test certificate trusted:)
 *   npx tsx bench/backup-store-write.ts [sqliteMessages=50000] [cosmosMessages=500] [batch=50]
 *
 * For each adapter: a first backup (every message new), the same pages seen again (classified
 * unchanged by one head read per page, nothing written), a run where one message in ten was
 * edited, and a full ground-truth read. Prints figures only; it never passes or fails on time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MessageVersion } from '../backend/store/backup-records';
import type { BackupStore } from '../backend/store/backup-store';
import { createCosmosBackupStore } from '../backend/store/cosmos/cosmos-backup-store';
import { openCosmosContainers } from '../backend/store/cosmos/cosmos-containers';
import { classifyFetchedMessage } from '../backend/store/message-heads';
import { openSqlite } from '../backend/store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../backend/store/sqlite/sqlite-backup-store';
import { createCosmosTestClient, startCosmosServer } from '../test/support/cosmos-server';

const TENANT = '0b5e7c1d-0000-4000-8000-00000000be9c';
const sqliteMessages = Number(process.argv[2] ?? 50_000);
const cosmosMessages = Number(process.argv[3] ?? 500);
const batchSize = Number(process.argv[4] ?? 50);
const CHATS = 200;

/** A chat message shaped like Graph's (about 1.5 kB of JSON), some with a mention and reactions. */
function message(n: number, edit = 0): MessageVersion {
  const chatId = `19:${String(n % CHATS).padStart(8, '0')}bench0000000000000000@thread.v2`;
  const messageId = String(1_780_000_000_000 + n);
  const created = new Date(1_780_000_000_000 + n * 1000).toISOString();
  const modified = new Date(1_780_000_000_000 + n * 1000 + edit * 60_000).toISOString();
  const etag = String(1_780_000_000_000 + n * 1000 + edit * 60_000);
  const user = {
    '@odata.type': '#microsoft.graph.teamworkUserIdentity',
    id: `user-${n % 97}`,
    displayName: `Person ${n % 97}`,
    userIdentityType: 'aadUser',
    tenantId: TENANT,
  };
  const raw = {
    '@odata.type': '#microsoft.graph.chatMessage',
    id: messageId,
    replyToId: null,
    etag,
    messageType: 'message',
    createdDateTime: created,
    lastModifiedDateTime: modified,
    lastEditedDateTime: edit ? modified : null,
    deletedDateTime: null,
    subject: null,
    summary: null,
    chatId,
    importance: 'normal',
    locale: 'en-us',
    webUrl: null,
    channelIdentity: null,
    policyViolation: null,
    eventDetail: null,
    from: { application: null, device: null, user },
    body: {
      contentType: 'html',
      content: `<p>Message ${n}${edit ? ` (edit ${edit})` : ''}: ${'the quarterly numbers look fine, shipping on Thursday. '.repeat(8)}</p>`,
    },
    attachments: [],
    mentions:
      n % 5 === 0
        ? [
            {
              id: 0,
              mentionText: user.displayName,
              mentioned: { application: null, device: null, conversation: null, tag: null, user },
            },
          ]
        : [],
    reactions:
      n % 3 === 0
        ? [
            {
              reactionType: 'like',
              displayName: 'Like',
              reactionContentUrl: null,
              createdDateTime: created,
              user: { application: null, device: null, user },
            },
          ]
        : [],
    messageHistory: [],
  };
  return {
    chatId,
    messageId,
    etag,
    lastModifiedDateTime: modified,
    createdDateTime: created,
    deletedDateTime: null,
    fromUserId: user.id,
    messageType: 'message',
    capturedAt: new Date(Date.UTC(2026, 5, 1 + edit)).toISOString(),
    runId: `run-${edit}`,
    message: raw,
    hostedContents: [],
  };
}

/**
 * Pages as the engine gets them: `mixed` like getAllMessages (the tenant's messages in time order,
 * so each page spreads over up to 50 chats), `per-chat` like a chat's own listing (one chat a page).
 */
type PageShape = 'mixed' | 'per-chat';

function pages(count: number, shape: PageShape, edit: (n: number) => number): MessageVersion[][] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (shape === 'per-chat') order.sort((a, b) => (a % CHATS) - (b % CHATS) || a - b);
  const result: MessageVersion[][] = [];
  let page: MessageVersion[] = [];
  for (const n of order) {
    const version = message(n, edit(n));
    if (
      page.length === batchSize ||
      (shape === 'per-chat' && page.length > 0 && page[0]!.chatId !== version.chatId)
    ) {
      result.push(page);
      page = [];
    }
    page.push(version);
  }
  if (page.length > 0) result.push(page);
  return result;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Writes the batches one after another as the engine would: read heads per chat, classify, write what changed. */
async function writeRun(
  store: BackupStore,
  pages: MessageVersion[][],
): Promise<{ written: number; ms: number; perBatch: number[] }> {
  const perBatch: number[] = [];
  let written = 0;
  const started = performance.now();
  for (const page of pages) {
    const t = performance.now();
    const byChat = new Map<string, MessageVersion[]>();
    for (const v of page) byChat.set(v.chatId, [...(byChat.get(v.chatId) ?? []), v]);
    const changed: MessageVersion[] = [];
    for (const [chatId, versions] of byChat) {
      const heads = await store.getMessageHeads(
        TENANT,
        chatId,
        versions.map((v) => v.messageId),
      );
      for (const v of versions)
        if (classifyFetchedMessage(heads.get(v.messageId), v) !== 'unchanged') changed.push(v);
    }
    if (changed.length > 0) written += (await store.putMessageVersions(TENANT, changed)).newVersions;
    perBatch.push(performance.now() - t);
  }
  return { written, ms: performance.now() - started, perBatch };
}

async function measure(
  name: string,
  open: () => Promise<{ store: BackupStore; close(): Promise<void> | void }>,
  count: number,
): Promise<void> {
  for (const shape of ['mixed', 'per-chat'] as const) {
    const { store, close } = await open();
    try {
      await measureShape(`${name} ${shape}`, store, count, shape);
    } finally {
      await close();
    }
  }
}

async function measureShape(
  name: string,
  store: BackupStore,
  count: number,
  shape: PageShape,
): Promise<void> {
  const report = (
    phase: string,
    run: { written: number; ms: number; perBatch: number[] },
    messages: number,
  ) => {
    const sorted = [...run.perBatch].sort((a, b) => a - b);
    console.log(
      `${name.padEnd(24)} ${phase.padEnd(18)} ${String(Math.round((messages / run.ms) * 1000)).padStart(7)} messages/s ` +
        `| ${String(Math.round((run.written / run.ms) * 1000)).padStart(7)} versions/s written ` +
        `| batch of ${batchSize}: median ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms`,
    );
  };
  report(
    'first backup',
    await writeRun(
      store,
      pages(count, shape, () => 0),
    ),
    count,
  );
  report(
    'same pages again',
    await writeRun(
      store,
      pages(count, shape, () => 0),
    ),
    count,
  );
  report(
    '1 in 10 edited',
    await writeRun(
      store,
      pages(count, shape, (n) => (n % 10 === 0 ? 1 : 0)),
    ),
    count,
  );

  const started = performance.now();
  let read = 0;
  for await (const _ of store.iterateVersions(TENANT, { pageSize: 1000 })) read++;
  const ms = performance.now() - started;
  console.log(
    `${name.padEnd(24)} ${'ground-truth read'.padEnd(18)} ${String(Math.round((read / ms) * 1000)).padStart(7)} versions/s (${read} versions)`,
  );
}

/**
 * SQLite as `openSqlite` opens it (WAL, synchronous FULL: an fsync per commit), and with the
 * settings WAL makes safe for this store (synchronous NORMAL: the last commits may be lost on power
 * loss, never reordered, so no checkpoint outlives the data it covers; and a larger WAL before each
 * checkpoint, so pages rewritten by consecutive batches are copied back once).
 */
const SQLITE_SETTINGS: Record<string, string[]> = {
  'sqlite full': [],
  'sqlite normal': ['synchronous = NORMAL', 'wal_autocheckpoint = 10000'],
};

async function main(): Promise<void> {
  console.log(
    `${sqliteMessages} messages (SQLite), ${cosmosMessages} (Cosmos), pages of up to ${batchSize} over ${CHATS} chats`,
  );
  for (const [name, pragmas] of Object.entries(SQLITE_SETTINGS)) {
    await measure(
      name,
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'chatvault-bench-store-'));
        const db = openSqlite(join(dir, 'chatvault.sqlite'));
        for (const pragma of pragmas) db.pragma(pragma);
        return {
          store: createSqliteBackupStore(db),
          close: () => {
            db.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
      sqliteMessages,
    );
  }

  if (cosmosMessages <= 0) return;
  const server = await startCosmosServer();
  const client = createCosmosTestClient(server);
  let databases = 0;
  try {
    await measure(
      'cosmos (test server)',
      async () => {
        const id = `bench-${++databases}`;
        return {
          store: createCosmosBackupStore(await openCosmosContainers(client, id)),
          close: async () => {
            await client.database(id).delete();
          },
        };
      },
      cosmosMessages,
    );
  } finally {
    client.dispose();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
