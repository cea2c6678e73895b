import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startTestSimulator, type SimulatorHandle } from '../test/support/simulator';
import type { SimulatorInfo } from './shell/simulator-info';

/** A raw client credentials request, as any OAuth client would send it. */
/** The fields these tests read from token and control answers. */
interface Answer {
  error_codes?: number[];
  access_token?: string;
  appId?: string;
  secret?: { value: string; secretId: string };
  value?: string;
  secretId?: string;
  perClass?: Record<string, number>;
  retryAfterSeconds?: number;
  latencyMs?: number;
  graph?: { total: number; byStatus: Record<string, number> };
  tokens?: { issued: number; refused: Record<string, number> };
  error?: { code: string };
}

async function tokenRequest(sim: SimulatorHandle, tenant: string, appId: string, secret: string) {
  const response = await fetch(`${sim.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

async function control(sim: SimulatorHandle, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.authorityHost}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

describe('startSimulator', () => {
  describe('one running simulator', () => {
    let sim: SimulatorHandle;
    let dataDir: string;

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'chatvault-sim-'));
      sim = await startTestSimulator({ dataDir });
    });

    after(async () => {
      await sim?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('announces discovery and keys for a tenant by id or domain, with endpoints under the tenant id', async () => {
      const tenant = sim.tenants[0]!;
      for (const key of [tenant.id, tenant.domain.toUpperCase()]) {
        const response = await fetch(`${sim.authorityHost}/${key}/v2.0/.well-known/openid-configuration`);
        const doc = (await response.json()) as Record<string, string>;
        assert.equal(doc.issuer, `${sim.authorityHost}/${tenant.id}/v2.0`);
        assert.equal(doc.token_endpoint, `${sim.authorityHost}/${tenant.id}/oauth2/v2.0/token`);
        assert.equal(doc.jwks_uri, `${sim.authorityHost}/${tenant.id}/discovery/v2.0/keys`);
      }
      const keys = (await (await fetch(`${sim.authorityHost}/${tenant.id}/discovery/v2.0/keys`)).json()) as {
        keys: Record<string, string>[];
      };
      assert.deepEqual(
        keys.keys.map((k) => [k.kty, k.use, k.kid]),
        [['RSA', 'sig', sim.entra.keys.signing.kid]],
      );
      for (const path of [
        '/nowhere.example/v2.0/.well-known/openid-configuration',
        '/nowhere.example/discovery/v2.0/keys',
      ]) {
        const unknown = await fetch(`${sim.authorityHost}${path}`);
        assert.equal(unknown.status, 400);
        assert.deepEqual(((await unknown.json()) as { error_codes: number[] }).error_codes, [90002]);
      }
      assert.equal((await tokenRequest(sim, 'nowhere.example', 'x', 'y')).body.error_codes?.[0], 90002);
    });

    it('writes simulator.json with the URLs, the certificate and every tenant with its demo apps', async () => {
      assert.equal(sim.infoFile, join(dataDir, 'simulator.json'));
      assert.equal(statSync(sim.infoFile).mode & 0o777, 0o600);
      const info = JSON.parse(readFileSync(sim.infoFile, 'utf8')) as SimulatorInfo;
      assert.equal(info.graphBaseUrl, sim.graphBaseUrl);
      assert.equal(info.authorityHost, sim.authorityHost);
      assert.equal(info.caFile, sim.caFile);
      assert.deepEqual([info.tenantId, info.tenantDomain], [sim.tenants[0]!.id, 'contoso.onmicrosoft.com']);
      assert.deepEqual(
        info.tenants.map((t) => t.tenantDomain),
        ['contoso.onmicrosoft.com', 'fabrikam.onmicrosoft.com'],
      );
      assert.equal(info.apps.length, 8);
      const ok = info.tenants[1]!.apps.find((app) => app.scenario === 'ok')!;
      assert.equal((await tokenRequest(sim, info.tenants[1]!.tenantId, ok.appId, ok.secret)).status, 200);
    });

    it('lets tests play the admin: register, rotate, expire, disable, delete the service principal', async () => {
      const tenantId = sim.tenants[1]!.id;
      const created = await control(sim, 'POST', `/_sim/tenants/${tenantId}/apps`, {
        displayName: 'Later',
        roles: ['Chat.Read.All'],
      });
      assert.equal(created.status, 201);
      const appId = created.body.appId as string;
      const first = created.body.secret as { value: string; secretId: string };
      assert.equal((await tokenRequest(sim, tenantId, appId, first.value)).status, 200);

      const rotated = await control(sim, 'POST', `/_sim/tenants/${tenantId}/apps/${appId}/secrets/rotate`);
      assert.equal((await tokenRequest(sim, tenantId, appId, first.value)).body.error_codes?.[0], 7000215);
      assert.equal((await tokenRequest(sim, tenantId, appId, rotated.body.value!)).status, 200);

      await control(
        sim,
        'POST',
        `/_sim/tenants/${tenantId}/apps/${appId}/secrets/${rotated.body.secretId}/expire`,
      );
      assert.equal(
        (await tokenRequest(sim, tenantId, appId, rotated.body.value!)).body.error_codes?.[0],
        7000222,
      );
      const fresh = await control(sim, 'POST', `/_sim/tenants/${tenantId}/apps/${appId}/secrets`, {
        expiresInDays: 30,
      });

      await control(sim, 'POST', `/_sim/tenants/${tenantId}/apps/${appId}/disable`);
      assert.equal(
        (await tokenRequest(sim, tenantId, appId, fresh.body.value!)).body.error_codes?.[0],
        7000112,
      );
      await control(sim, 'POST', `/_sim/tenants/${tenantId}/apps/${appId}/enable`);
      await control(sim, 'DELETE', `/_sim/tenants/${tenantId}/apps/${appId}/service-principal`);
      assert.equal(
        (await tokenRequest(sim, tenantId, appId, fresh.body.value!)).body.error_codes?.[0],
        7000229,
      );

      assert.equal(
        (await control(sim, 'POST', `/_sim/tenants/${tenantId}/apps/${appId}/nonsense`)).status,
        404,
      );
      assert.equal(
        (await control(sim, 'GET', `/_sim/tenants/${tenantId}/apps/0f0e0d0c-0b0a-4090-8070-605040302010`))
          .status,
        404,
      );
      assert.equal(
        (await control(sim, 'POST', `/_sim/tenants/${tenantId}/apps`, { roles: 'Chat.Read.All' })).status,
        400,
      );
    });

    it('mints tab SSO user tokens: verifiable with the published keys, or expired, or signed by a stranger', async () => {
      const tenant = sim.tenants[0]!;
      const user = sim.state.db
        .prepare('SELECT id, upn FROM users WHERE tenant_id = ? AND deleted = 0 LIMIT 1')
        .get(tenant.id) as { id: string; upn: string };
      const audience = 'api://chatvault.example/botid-00000000-0000-4000-8000-000000000001';
      const jwks = createRemoteJWKSet(new URL(`${sim.authorityHost}/${tenant.id}/discovery/v2.0/keys`));
      const mint = async (body: Record<string, unknown>) =>
        (await control(sim, 'POST', `/_sim/tenants/${tenant.domain}/user-token`, { audience, ...body })).body;

      const good = await mint({ upn: user.upn });
      const { payload } = await jwtVerify(good.access_token as string, jwks, {
        audience,
        issuer: `${sim.authorityHost}/${tenant.id}/v2.0`,
      });
      assert.equal(payload.oid, user.id);
      assert.equal(payload.tid, tenant.id);
      assert.equal(payload.scp, 'access_as_user');
      assert.equal(payload.ver, '2.0');
      assert.equal(typeof payload.name, 'string');
      assert.equal(payload.preferred_username, user.upn);

      const expired = await mint({ userId: user.id, expired: true });
      assert.ok(decodeJwt(expired.access_token as string).exp! * 1000 < Date.now());
      const foreign = await mint({ userId: user.id, signedBy: 'foreign' });
      await assert.rejects(jwtVerify(foreign.access_token as string, jwks), /no applicable key|signature/i);

      assert.equal(
        (await control(sim, 'POST', `/_sim/tenants/${tenant.id}/user-token`, { userId: 'nobody', audience }))
          .status,
        404,
      );
      assert.equal(
        (await control(sim, 'POST', `/_sim/tenants/${tenant.id}/user-token`, { audience })).status,
        400,
      );
    });

    it('changes throttling and faults over HTTP and reports counters', async () => {
      const patched = await control(sim, 'PATCH', '/_sim/throttle', {
        perClass: { directory: 7 },
        retryAfterSeconds: 2,
      });
      assert.deepEqual(
        [
          patched.status,
          patched.body.perClass?.directory,
          patched.body.perClass?.teamsGet,
          patched.body.retryAfterSeconds,
        ],
        [200, 7, 30, 2],
      );
      assert.equal((await control(sim, 'PATCH', '/_sim/throttle', { perChat: 0 })).status, 400);
      assert.equal((await control(sim, 'PATCH', '/_sim/faults', { transientErrorRate: 2 })).status, 400);
      assert.equal((await control(sim, 'PATCH', '/_sim/faults', { latencyMs: 0 })).body.latencyMs, 0);
      sim.setThrottle({ perClass: { directory: 175 }, retryAfterSeconds: 1 });

      await control(sim, 'POST', '/_sim/counters/reset');
      await fetch(`${sim.graphBaseUrl}/users`);
      const ok = sim.demoApp('ok');
      await tokenRequest(sim, ok.tenantId, ok.appId, 'not the secret');
      await tokenRequest(sim, ok.tenantId, ok.appId, ok.secret);
      const counters = (await control(sim, 'GET', '/_sim/counters')).body;
      assert.deepEqual([counters.graph?.total, counters.graph?.byStatus['401']], [1, 1]);
      assert.deepEqual(counters.tokens, { issued: 1, refused: { 7000215: 1 } });
    });

    it('serves the tenant control API on the same port, and answers unknown places in JSON', async () => {
      const tenants = (await (await fetch(`${sim.authorityHost}/_sim/tenants`)).json()) as {
        domain: string;
      }[];
      assert.deepEqual(tenants.map((t) => t.domain).sort(), [
        'contoso.onmicrosoft.com',
        'fabrikam.onmicrosoft.com',
      ]);
      const elsewhere = await control(sim, 'GET', '/favicon.ico');
      assert.deepEqual([elsewhere.status, elsewhere.body.error?.code], [404, 'notFound']);
      const graphRoot = await fetch(`${sim.graphBaseUrl}`);
      assert.equal(graphRoot.status, 401);
    });
  });

  it('releases its port and closes its database on close, and closing twice is harmless', async () => {
    const sim = await startTestSimulator({ tenants: [] });
    const port = sim.port;
    await sim.close();
    await sim.close();
    assert.equal(sim.state.db.open, false);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('serves the tenants and apps a database file already holds, without seeding them again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatvault-sim-db-'));
    try {
      const dbFile = join(dir, 'tenants.db');
      const first = await startTestSimulator({ dbFile });
      const apps = first.tenants.map((t) => t.apps);
      const stats = first.state.stats(first.tenants[0]!.id);
      await first.close();
      const second = await startTestSimulator({ dbFile });
      try {
        assert.deepEqual(
          second.tenants.map((t) => t.apps),
          apps,
        );
        assert.deepEqual(second.state.stats(second.tenants[0]!.id), stats);
        const ok = second.demoApp('ok');
        assert.equal((await tokenRequest(second, ok.tenantId, ok.appId, ok.secret)).status, 200);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
