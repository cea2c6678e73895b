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

    // The tab's API: a demo user of the simulated tenant signs in, and the first working connect
    // (made above by the operator, who is no admin) left the tenant without admins.
    const clientConfig = (await (await fetch(`${app.http.url}/api/v1/client-config`)).json()) as {
      demoSignIn?: { users: { upn: string; tenant?: string }[] };
    };
    const person = clientConfig.demoSignIn?.users.find((u) => u.tenant === tenant.displayName);
    assert.ok(person, 'the local demo offers people of the simulated tenant');
    const signIn = await fetch(`${app.http.url}/api/v1/demo/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ upn: person.upn }),
    });
    assert.equal(signIn.status, 200);
    const { token } = (await signIn.json()) as { token: string };
    const me = await fetch(`${app.http.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    const who = (await me.json()) as { tenantId: string; isAdmin: boolean; tenantHasAdmins: boolean };
    assert.deepEqual(
      { tenantId: who.tenantId, isAdmin: who.isAdmin, tenantHasAdmins: who.tenantHasAdmins },
      { tenantId: tenant.id, isAdmin: false, tenantHasAdmins: false },
    );

    const { url, dataDir } = { url: app.http.url, dataDir: app.dataDir };
    await app.close();
    app = undefined;
    await assert.rejects(fetch(`${url}/healthz`), 'nothing listens on the port any more');
    assert.equal(existsSync(dataDir), false);
  });
});
