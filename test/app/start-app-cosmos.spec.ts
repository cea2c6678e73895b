import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bindTenant } from '../../backend/connection/tenant-binding';
import { readZip } from '../../backend/recovery/testdata/read-zip';
import { startTestApp, type TestApp } from '../support/app';
import { useCosmosServer } from '../support/cosmos-server';

/**
 * The app composed on Azure Cosmos DB (STORE=cosmos) as a deployment runs it: every module on the
 * one client and database the composition opens, against the Cosmos DB test server.
 */
describe('the app on Cosmos DB: connect, back up, then search and export what was kept', function () {
  this.timeout(600_000);
  const cosmos = useCosmosServer();
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('keeps the backup in Cosmos DB and serves recovery from the same database', async () => {
    const database = `app-${Date.now()}`;
    app = await startTestApp({
      STORE: 'cosmos',
      COSMOS_ENDPOINT: cosmos.server.endpoint,
      SECRET_COSMOS_KEY: cosmos.server.key,
      COSMOS_DATABASE: database,
    });
    assert.equal(app.stores.kind, 'cosmos');
    const tenant = app.simulator!.tenants[0]!;
    const demo = app.simulator!.demoApp('ok', tenant.id);
    const report = await app.connections.service.testAndSave(
      bindTenant(tenant.id, 'operator'),
      { appId: demo.appId, secret: demo.secret },
      { kind: 'operator', name: 'test' },
    );
    assert.equal(report.code, 'active');

    const run = await app.backups.service.startRun(tenant.id, { trigger: { kind: 'cli' } });
    const result = await run.done;
    assert.ok(['succeeded', 'partial'].includes(result.run.outcome ?? ''), result.run.outcome);
    assert.ok(result.run.counters.messagesNew > 0, 'the run stored messages');
    await app.recoveryUpkeep.searchIndex.idle();

    const admin = { kind: 'user' as const, id: '22222222-2222-4222-8222-222222222222', name: 'Cosmo Admin' };
    await app.governance.admins.claimFirstAdmin(tenant.id, { userId: admin.id, displayName: admin.name });

    // A word of a stored message, found by the search the tab and the bot use.
    const chats = await app.recovery.browse.listChats(admin, tenant.id, { limit: 50 });
    assert.ok(chats.items.length > 0, 'the backup holds chats');
    let word: string | undefined;
    for (const chat of chats.items) {
      const page = await app.recovery.browse.transcript(admin, tenant.id, chat.chatId, { limit: 20 });
      const text = page.messages
        .filter((m) => m.kind === 'message' && !m.deleted)
        .map((m) => m.html.replace(/<[^>]*>/g, ' '))
        .join(' ');
      word = /\b[a-z]{7,}\b/i.exec(text)?.[0];
      if (word) break;
    }
    assert.ok(word, 'a message with a word to look for');
    const hits = await app.recovery.search.search(admin, tenant.id, { text: word });
    assert.ok(hits.items.length > 0, `"${word}" is found`);

    const link = await app.exportLink(admin, tenant.id, { scope: { kind: 'all' }, format: 'json' });
    const download = await fetch(`${app.http.url}${new URL(link.url).pathname}${new URL(link.url).search}`);
    assert.equal(download.status, 200);
    const entries = await readZip(Buffer.from(await download.arrayBuffer()));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as { chats: unknown[] };
    assert.equal(
      manifest.chats.length,
      (await app.recovery.browse.listChats(admin, tenant.id, { limit: 1000 })).items.length,
    );

    // Nothing of it went to the embedded default's SQLite file.
    assert.equal(existsSync(join(app.dataDir, 'chatvault.sqlite')), false);
    await cosmos.client.database(database).delete();
  });
});
