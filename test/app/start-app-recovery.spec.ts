import assert from 'node:assert/strict';
import { bindTenant } from '../../backend/connection/tenant-binding';
import { readZip } from '../../backend/recovery/testdata/read-zip';
import { startTestApp, type TestApp } from '../support/app';

describe('the app as `npm start` runs it: recovery wired on the shared store', function () {
  this.timeout(120_000);
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('indexes what each backup run stored as it finishes, and hands the bot absolute download links', async () => {
    app = await startTestApp({ TAB_DOMAIN: 'chatvault.contoso.example' });
    const sim = app.simulator!;
    const tenant = sim.tenants[0]!;
    const demo = sim.demoApp('ok', tenant.id);
    const report = await app.connections.service.testAndSave(
      bindTenant(tenant.id, 'operator'),
      { appId: demo.appId, secret: demo.secret },
      { kind: 'operator', name: 'test' },
    );
    assert.equal(report.code, 'active');

    const run = await app.backups.service.startRun(tenant.id, { trigger: { kind: 'cli' } });
    const result = await run.done;
    assert.ok(result.run.counters.messagesNew > 0, 'the run stored messages');
    await app.recoveryUpkeep.searchIndex.idle();
    // Nothing left to index: the run's versions were indexed when it finished, not at the first search.
    assert.deepEqual(await app.recovery.stores.recovery.updateSearchIndex(tenant.id), { indexed: 0 });

    const admin = { kind: 'user' as const, id: '11111111-1111-4111-8111-111111111111', name: 'Ada Admin' };
    await app.governance.admins.claimFirstAdmin(tenant.id, { userId: admin.id, displayName: admin.name });
    const link = await app.exportLink(admin, tenant.id, { scope: { kind: 'all' }, format: 'json' });
    const prefix = 'https://chatvault.contoso.example/api/v1/recovery/downloads?t=';
    assert.ok(link.url.startsWith(prefix), link.url);
    assert.match(link.fileName, /\.zip$/);
    assert.ok(Date.parse(link.expiresAt) > Date.now());

    // Behind the tab's domain is this server: the same path, asked of it directly.
    const download = await fetch(
      `${app.http.url}${link.url.slice('https://chatvault.contoso.example'.length)}`,
    );
    assert.equal(download.status, 200);
    assert.match(
      download.headers.get('content-disposition') ?? '',
      new RegExp(link.fileName.replace(/\./g, '\\.')),
    );
    const entries = await readZip(Buffer.from(await download.arrayBuffer()));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString()) as { chats: unknown[] };
    assert.ok(manifest.chats.length > 0, 'the export read the backup of the shared store');

    const audit = await app.governance.audit.list(tenant.id, { limit: 1 });
    assert.deepEqual(
      audit.map((e) => [e.action, e.actor]),
      [['exported', admin]],
    );
  });
});
