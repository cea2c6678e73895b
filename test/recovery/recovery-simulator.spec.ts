import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CosmosClient } from '@azure/cosmos';
import type { BlobStore } from '../../backend/blobs/blob-store';
import { systemClock } from '../../backend/connection/clock';
import { silentLogger } from '../../backend/observability/logger';
import { createRecoveryServices, type RecoveryServices } from '../../backend/recovery/create-recovery-module';
import type { ChatExportDocument } from '../../backend/recovery/export/export-schema';
import type { RecoveryDeps } from '../../backend/recovery/recovery-deps';
import { collectOutput } from '../../backend/recovery/testdata/collect-output';
import { HOSTILE_HTML } from '../../backend/recovery/testdata/launch-chat';
import { readZip } from '../../backend/recovery/testdata/read-zip';
import type { StoredMessageVersion } from '../../backend/store/backup-records';
import type { BackupStore } from '../../backend/store/backup-store';
import type { Actor, AuditEvent } from '../../backend/store/connection-records';
import { createCosmosBackupStore } from '../../backend/store/cosmos/cosmos-backup-store';
import { CosmosConnectionStore } from '../../backend/store/cosmos/cosmos-connection-store';
import { openCosmosRecoveryContainers } from '../../backend/store/cosmos/cosmos-recovery-containers';
import { createCosmosRecoveryStore } from '../../backend/store/cosmos/cosmos-recovery-store';
import { SqliteConnectionStore } from '../../backend/store/sqlite/sqlite-connection-store';
import { createSqliteRecoveryStore } from '../../backend/store/sqlite/sqlite-recovery-store';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { backupRig, fsBlobs, simulatorGraph, sqliteStore, tempDir } from '../backup/support/backup-harness';
import { chatPath, control } from '../backup/support/sim-control';
import { changeTenant, pickTargets, png, type TenantPicks } from '../backup/support/tenant-changes';
import { truthSnapshot, type TruthSnapshot } from '../backup/support/truth-compare';
import { createCosmosTestClient, startCosmosServer } from '../support/cosmos-server';
import { SMALL_TENANT, startTestSimulator, type SimulatorHandle } from '../support/simulator';
import { launchChromium } from './support/chromium';
import { exportDifferences } from './support/export-truth';

/** Big enough for a group chat with history to change (as the fidelity test seeds it), small enough to be quick. */
const TENANT_SIZE = { users: 10, chats: 14, messages: 320, spanDays: 40 };
const ADMIN: Actor = { kind: 'user', id: 'recovery-test-admin', name: 'Test Admin' };

interface StoreUnderTest {
  backup: BackupStore;
  deps: RecoveryDeps;
  listAudit(tenantId: string): Promise<AuditEvent[]>;
  close(): Promise<void>;
}

const STORES: { name: string; browser: boolean; open(blobs: BlobStore): Promise<StoreUnderTest> }[] = [
  {
    name: 'SQLite',
    browser: true,
    async open(blobs) {
      const { store, db } = sqliteStore();
      const audit = new SqliteConnectionStore(db);
      return {
        backup: store,
        listAudit: (tenantId) => audit.listAudit(tenantId, { limit: 1000 }),
        deps: {
          backup: store,
          recovery: createSqliteRecoveryStore(db),
          blobs,
          auditStore: audit,
          clock: systemClock,
          logger: silentLogger(),
        },
        close: async () => {
          db.close();
        },
      };
    },
  },
  {
    name: 'Cosmos DB',
    browser: false,
    async open(blobs) {
      const server = await startCosmosServer();
      const client: CosmosClient = createCosmosTestClient(server);
      const containers = await openCosmosRecoveryContainers(client, 'recovery-round-trip');
      const backup = createCosmosBackupStore(containers);
      const audit = new CosmosConnectionStore(containers.tenant);
      return {
        backup,
        listAudit: (tenantId) => audit.listAudit(tenantId, { limit: 1000 }),
        deps: {
          backup,
          recovery: createCosmosRecoveryStore(containers),
          blobs,
          auditStore: audit,
          clock: systemClock,
          logger: silentLogger(),
        },
        async close() {
          client.dispose();
          await server.close();
        },
      };
    },
  },
];

/** What the scenario planted, to look for afterwards. */
interface Planted {
  picks: TenantPicks;
  edited: string;
  deleted: string;
  hostile: string;
  fabrikamChat: string;
  /** Just after each of the three backups of contoso. */
  moments: string[];
  seen: TruthSnapshot[];
}

for (const kind of STORES) {
  describe(`recovery over a backed-up tenant (${kind.name} store)`, function () {
    this.timeout(300_000);
    let sim: SimulatorHandle;
    let blobDir: ReturnType<typeof tempDir>;
    let under: StoreUnderTest;
    let services: RecoveryServices;
    let contoso: string;
    let fabrikam: string;
    let planted: Planted;

    before(async () => {
      sim = await startTestSimulator({
        tenants: defaultSimulatorTenants({ contoso: TENANT_SIZE, fabrikam: SMALL_TENANT }),
      });
      contoso = sim.tenants[0]!.id;
      fabrikam = sim.tenants[1]!.id;
      blobDir = tempDir('chatvault-recovery-sim-');
      under = await kind.open(fsBlobs(blobDir.dir));
      services = createRecoveryServices(under.deps);
      planted = await runScenario(sim, under, contoso, fabrikam);
    });
    after(async () => {
      await under?.close();
      blobDir?.remove();
      await sim?.close();
    });

    it('exports every version and every image as the simulator served them (JSON round trip)', async () => {
      const output = collectOutput();
      const summary = await services.exports.exportTo(
        ADMIN,
        contoso,
        { scope: { kind: 'all' }, format: 'json' },
        output.out,
      );
      const entries = await readZip(output.bytes());
      const documents = [...entries]
        .filter(([name]) => name.startsWith('chats/'))
        .map(([, bytes]) => JSON.parse(bytes.toString('utf8')) as ChatExportDocument);
      assert.equal(documents.length, summary.chats);
      assert.deepEqual(exportDifferences({ sim, documents, seenAtBackups: planted.seen }), []);
      // The edited message carries all three of its texts.
      const group = documents.find((d) => d.chat.chatId === planted.picks.groupChatId)!;
      const edited = group.messages.find((m) => m.messageId === planted.edited)!;
      assert.deepEqual(
        edited.versions.map((v) => (v.message['body'] as { content: string }).content),
        ['<p>Version alpha zanzibar</p>', '<p>Version beta</p>', '<p>Version gamma</p>'],
      );
      assert.ok(summary.hostedContents >= 4, `${summary.hostedContents} images`);
    });

    it('shows an edited message with the right text at each of the three backups', async () => {
      const texts: string[] = [];
      for (const at of planted.moments) {
        const page = await services.browse.transcript(ADMIN, contoso, planted.picks.groupChatId, {
          at,
          around: planted.edited,
          limit: 5,
        });
        texts.push(page.messages.find((m) => m.messageId === planted.edited)!.html);
      }
      assert.deepEqual(texts, [
        '<p>Version alpha zanzibar</p>',
        '<p>Version beta</p>',
        '<p>Version gamma</p>',
      ]);
      const before = await services.browse.transcript(ADMIN, contoso, planted.picks.groupChatId, {
        at: planted.moments[0],
        around: planted.deleted,
        limit: 3,
      });
      assert.equal(before.messages.find((m) => m.messageId === planted.deleted)!.deleted, undefined);
      const after = await services.browse.message(
        ADMIN,
        contoso,
        planted.picks.groupChatId,
        planted.deleted,
        {
          at: planted.moments[1],
        },
      );
      assert.ok(after.deleted);
      assert.match(after.html, /marmalade/);
    });

    it("finds words of a deleted message and of an edited message's earlier version, and nothing of another tenant's", async () => {
      const deleted = await services.search.search(ADMIN, contoso, { text: 'marmalade' });
      assert.deepEqual(
        deleted.items.map((h) => [h.messageId, h.deleted]),
        [[planted.deleted, true]],
      );
      const earlier = await services.search.search(ADMIN, contoso, { text: 'zanzibar' });
      assert.deepEqual(
        earlier.items.map((h) => [h.messageId, h.onlyInEarlierVersions, h.deleted]),
        [[planted.edited, true, false]],
      );
      assert.deepEqual((await services.search.search(ADMIN, contoso, { text: 'quokka' })).items, []);
      const theirs = await services.search.search(ADMIN, fabrikam, { text: 'quokka' });
      assert.deepEqual(
        theirs.items.map((h) => h.chatId),
        [planted.fabrikamChat],
      );
    });

    it('renders hostile HTML inert in the HTML export and in the browse view', async () => {
      const output = collectOutput();
      await services.exports.exportTo(
        ADMIN,
        contoso,
        { scope: { kind: 'chat', chatId: planted.picks.groupChatId }, format: 'html' },
        output.out,
      );
      const html = output.text();
      assert.doesNotMatch(html, /<script|<iframe|<svg|<form|<object|javascript:|evil\.example|\son[a-z]+=/i);
      const view = await services.browse.message(ADMIN, contoso, planted.picks.groupChatId, planted.hostile);
      assert.doesNotMatch(
        view.html,
        /<script|<iframe|<svg|<form|<object|javascript:|evil\.example|\son[a-z]+=/i,
      );
      assert.match(view.html, /a fine link/);
      if (!kind.browser) return;

      // Opened from disk in Chromium: every message and image shows, nothing runs, nothing loads.
      const dir = join('test-artifacts', 'recovery');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'group-chat-transcript.html');
      writeFileSync(file, html);
      const versions: StoredMessageVersion[] = [];
      for await (const v of under.backup.iterateVersions(contoso, { chatId: planted.picks.groupChatId }))
        versions.push(v);
      const messageIds = [...new Set(versions.map((v) => v.messageId))];

      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
        const requests: string[] = [];
        await page.route('**/*', async (route) => {
          const url = route.request().url();
          if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
          requests.push(url);
          return route.abort();
        });
        const dialogs: string[] = [];
        page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const seen = (await page.evaluate(PAGE_FACTS)) as PageFacts;
        await page.screenshot({ path: join(dir, 'group-chat-transcript.png'), fullPage: true });
        assert.equal(seen.pwned, null);
        assert.deepEqual(dialogs, []);
        assert.deepEqual(requests, [], 'nothing loaded from the network');
        assert.deepEqual(seen.anchors.sort(), [...messageIds].sort(), 'every message shows');
        assert.deepEqual([seen.scripts, seen.handlers, seen.jsLinks], [0, 0, 0]);
        // Images in the messages' current states and in earlier states one click away.
        const expectedImages = html.match(/<img src="data:/g)?.length ?? 0;
        assert.ok(expectedImages >= 4, `${expectedImages} images`);
        assert.equal(seen.images, expectedImages);
        assert.equal(seen.loaded, seen.images, 'every image decodes');
      } finally {
        await browser.close();
      }
    });

    it("erases one user's data and blobs nobody else uses, then applies retention, keeping the rest whole", async () => {
      const user = planted.picks.posters[1]!;
      const report = await services.erasure.eraseUser(ADMIN, contoso, user);
      assert.ok(report.messages > 0);
      const remaining: StoredMessageVersion[] = [];
      for await (const v of under.backup.iterateVersions(contoso)) remaining.push(v);
      assert.equal(
        remaining.some((v) => v.fromUserId === user),
        false,
      );
      await assertBlobsExactlyReferenced(under, contoso, remaining);
      assert.equal(await under.backup.getUser(contoso, user), undefined);
      assert.deepEqual(
        (await services.search.search(ADMIN, contoso, { text: 'picture', sender: user })).items,
        [],
      );

      // Keep one year, as seen 345 days from now: messages older than 20 days go (the history spans 40).
      const later = new Date(Date.now() + 345 * 86_400_000);
      const retention = createRecoveryServices({ ...under.deps, clock: { now: () => later } }).retention;
      await retention.setPolicy(ADMIN, contoso, { kind: 'years', years: 1 });
      const run = await retention.apply(contoso);
      assert.ok(run.messages > 0);
      const kept: StoredMessageVersion[] = [];
      for await (const v of under.backup.iterateVersions(contoso)) kept.push(v);
      assert.ok(kept.length > 0, 'recent messages are kept');
      assert.equal(
        kept.some((v) => Date.parse(v.createdDateTime) < Date.parse(run.cutoff!) - 1000),
        false,
      );
      await assertBlobsExactlyReferenced(under, contoso, kept);
      const erased = (await under.listAudit(contoso)).filter((e) => e.action === 'erased');
      assert.deepEqual(
        erased.map((e) => e.subject),
        ['retention', user],
      );
    });
  });
}

interface PageFacts {
  pwned: unknown;
  anchors: string[];
  images: number;
  loaded: number;
  scripts: number;
  handlers: number;
  jsLinks: number;
}

/** Read in the page (a string: the project compiles without the DOM's types). */
const PAGE_FACTS = `(() => {
  const images = [...document.querySelectorAll('img')];
  return {
    pwned: window.__pwned ?? null,
    anchors: [...document.querySelectorAll('[id^="m-"]')].map((e) => e.id.slice(2)),
    images: images.length,
    loaded: images.filter((img) => img.complete && img.naturalWidth > 0).length,
    scripts: document.querySelectorAll('script, iframe, object, embed, form').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
    jsLinks: [...document.querySelectorAll('a[href]')].filter((a) => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
  };
})()`;

/** The blob store holds exactly the images the remaining versions reference (mark and compare). */
async function assertBlobsExactlyReferenced(
  under: StoreUnderTest,
  tenantId: string,
  versions: StoredMessageVersion[],
): Promise<void> {
  const referenced = new Set(versions.flatMap((v) => v.hostedContents.map((h) => h.sha256)));
  const stored: string[] = [];
  for await (const entry of under.deps.blobs.list(tenantId)) stored.push(entry.sha256);
  assert.deepEqual(new Set(stored), referenced);
}

async function runScenario(
  sim: SimulatorHandle,
  under: StoreUnderTest,
  contoso: string,
  fabrikam: string,
): Promise<Planted> {
  const picks = pickTargets(sim, contoso);
  const chat = chatPath(contoso, picks.groupChatId);
  const post = async (from: string, content: string, hostedContents?: unknown[]) =>
    (
      await control<{ id: string }>(sim, 'POST', `${chat}/messages`, {
        from: { userId: from },
        body: { contentType: 'html', content },
        ...(hostedContents ? { hostedContents } : {}),
      })
    ).id;
  const edited = await post(picks.posters[0]!, '<p>Version alpha zanzibar</p>');
  const deleted = await post(picks.posters[1]!, '<p>Toast with marmalade, please</p>');
  const hostile = await post(picks.posters[1]!, HOSTILE_HTML);
  await post(picks.posters[0]!, '<p>A picture</p><img src="../hostedContents/p1/$value">', [
    { temporaryId: 'p1', contentType: 'image/png', contentBytes: png(5, 5, 250).toString('base64') },
  ]);

  const rig = backupRig({
    graph: simulatorGraph(sim, contoso),
    store: under.backup,
    blobs: under.deps.blobs,
  });
  const seen: TruthSnapshot[] = [];
  const moments: string[] = [];
  const backup = async () => {
    const result = await (await rig.service.startRun(contoso, { trigger: { kind: 'cli' } })).done;
    assert.equal(result.run.outcome, 'succeeded', JSON.stringify(result.run.errors));
    seen.push(truthSnapshot(sim, contoso));
    moments.push(new Date().toISOString());
  };
  try {
    await backup();
    await control(sim, 'PATCH', `${chat}/messages/${edited}`, {
      body: { contentType: 'html', content: '<p>Version beta</p>' },
    });
    await control(sim, 'DELETE', `${chat}/messages/${deleted}`);
    await changeTenant(sim, picks, 0);
    await backup();
    await control(sim, 'PATCH', `${chat}/messages/${edited}`, {
      body: { contentType: 'html', content: '<p>Version gamma</p>' },
    });
    await changeTenant(sim, picks, 1);
    await backup();
  } finally {
    await rig.close();
  }

  // The other tenant, backed up into the same store.
  const fabrikamChat = (
    sim.state.db
      .prepare(
        `SELECT c.id FROM chats c WHERE c.tenant_id = ? AND c.chat_type = 'group' ORDER BY c.id LIMIT 1`,
      )
      .get(fabrikam) as { id: string }
  ).id;
  const able = new Set(
    (
      sim.state.db
        .prepare(
          'SELECT id FROM users WHERE tenant_id = ? AND deleted = 0 AND account_enabled = 1 AND teams_licensed = 1',
        )
        .all(fabrikam) as { id: string }[]
    ).map((u) => u.id),
  );
  const poster = sim.state.listMembers(fabrikam, fabrikamChat).find((m) => able.has(m.userId))!.userId;
  await control(sim, 'POST', `${chatPath(fabrikam, fabrikamChat)}/messages`, {
    from: { userId: poster },
    body: { contentType: 'text', content: 'Only in fabrikam: the quokka plan' },
  });
  const other = backupRig({
    graph: simulatorGraph(sim, fabrikam),
    store: under.backup,
    blobs: under.deps.blobs,
  });
  try {
    const result = await (await other.service.startRun(fabrikam, { trigger: { kind: 'cli' } })).done;
    assert.equal(result.run.outcome, 'succeeded', JSON.stringify(result.run.errors));
  } finally {
    await other.close();
  }
  return { picks, edited, deleted, hostile, fabrikamChat, moments, seen };
}
