import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { bindTenant } from '../../backend/connection/tenant-binding';
import { startTestApp, type TestApp } from '../support/app';

describe('the app as `npm start` runs it (in-process, on the simulated tenant)', function () {
  this.timeout(120_000);
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('serves its health check, connects the demo app, backs the tenant up, and frees its port and data when closed', async () => {
    app = await startTestApp();
    const health = await fetch(`${app.http.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });

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
    assert.equal(result.run.outcome, 'succeeded', JSON.stringify(result.run.errors));
    assert.ok(result.run.counters.messagesNew > 0, 'messages were stored');

    const { url, dataDir } = { url: app.http.url, dataDir: app.dataDir };
    await app.close();
    app = undefined;
    await assert.rejects(fetch(`${url}/healthz`), 'nothing listens on the port any more');
    assert.equal(existsSync(dataDir), false);
  });
});
