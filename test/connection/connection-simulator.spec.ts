import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from '@azure/logger';
import { loadConfig } from '../../backend/config/config';
import type { ConnectionStatusChanged } from '../../backend/connection/connection-events';
import type { ConnectionReport } from '../../backend/connection/connection-service';
import {
  createConnectionModule,
  type ConnectionModule,
} from '../../backend/connection/create-connection-module';
import { bindTenant, type TenantBinding } from '../../backend/connection/tenant-binding';
import type { MicrosoftEndpoints } from '../../backend/graph/microsoft-endpoints';
import { createLogger } from '../../backend/observability/logger';
import type { Actor } from '../../backend/store/connection-records';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';
import { testCertificate } from '../support/test-certificate';

const ADMIN: Actor = { kind: 'user', id: '5f6a1d0e-0000-4000-8000-00000000ad01', name: 'Ada Admin' };

/** A loopback port nothing listens on: what an unreachable host looks like. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * An authority in front of the simulator that serves tenant `from` with tenant `to`'s answers
 * (paths and the discovery document rewritten both ways): it hands out tokens for another tenant
 * than the one asked for.
 */
async function crossTenantAuthority(
  sim: SimulatorHandle,
  from: string,
  to: string,
): Promise<{ host: string; close(): Promise<void> }> {
  const cert = testCertificate();
  let host = '';
  const server: Server = createHttpsServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const headers = { ...req.headers, host: `127.0.0.1:${sim.port}` };
    const upstream = httpsRequest(
      {
        host: '127.0.0.1',
        port: sim.port,
        method: req.method,
        path: (req.url ?? '/').replace(`/${from}/`, `/${to}/`),
        headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.concat(chunks)
            .toString('utf8')
            .split(`${sim.authorityHost}/${to}`)
            .join(`${host}/${from}`);
          const { 'content-length': _length, ...rest } = answer.headers;
          res.writeHead(answer.statusCode ?? 502, rest);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('connection test against the tenant simulator', function () {
  this.timeout(60_000);

  let sim: SimulatorHandle;
  let otherSim: SimulatorHandle;
  let dataDir: string;
  let logLines: string[];
  let azureLines: string[];
  let events: ConnectionStatusChanged[];
  let answers: unknown[];
  let modules: ConnectionModule[];
  let savedAzureLog: typeof AzureLogger.log;
  let savedAzureLevel: AzureLogLevel | undefined;
  let contoso: TenantBinding;
  let fabrikam: TenantBinding;

  before(async () => {
    // Throttling off: two tests within a second read the same chat, which Graph allows once a second.
    sim = await startTestSimulator({ throttle: { enabled: false } });
    otherSim = await startTestSimulator({ seed: 'other', throttle: { enabled: false } });
    contoso = bindTenant(sim.tenants[0]!.id, 'teams-activity');
    fabrikam = bindTenant(sim.tenants[1]!.id, 'teams-activity');
    // Everything the Azure SDK logs, at its most talkative, goes into the search for the secret too.
    savedAzureLog = AzureLogger.log;
    savedAzureLevel = getLogLevel();
    azureLines = [];
    AzureLogger.log = (...args: unknown[]) => {
      azureLines.push(format(...args));
    };
    setLogLevel('verbose');
  });

  after(async () => {
    AzureLogger.log = savedAzureLog;
    setLogLevel(savedAzureLevel);
    await sim?.close();
    await otherSim?.close();
  });

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'chatvault-connection-'));
    logLines = [];
    events = [];
    answers = [];
    modules = [];
  });

  afterEach(async () => {
    for (const m of modules) await m.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The connection service as the product wires it (SQLite file, 0600 key file), for these endpoints. */
  function open(endpoints: MicrosoftEndpoints = sim): ConnectionModule {
    const config = loadConfig({
      env: { CHATVAULT_ENV: 'connection-test', DATA_DIR: dataDir, LOG_LEVEL: 'trace' },
      root: dataDir,
    });
    const logger = createLogger({
      level: 'trace',
      destination: { write: (line: string) => void logLines.push(line) },
    });
    const module = createConnectionModule(config, {
      logger,
      endpoints: { graphBaseUrl: endpoints.graphBaseUrl, authorityHost: endpoints.authorityHost },
      onStatusChange: (event) => {
        events.push(event);
      },
    });
    modules.push(module);
    return module;
  }

  async function attempt(
    module: ConnectionModule,
    tenant: TenantBinding,
    appId: string,
    secret: string,
  ): Promise<ConnectionReport> {
    const report = await module.service.testAndSave(tenant, { appId, secret }, ADMIN);
    answers.push(report);
    return report;
  }

  /**
   * Graph's limit on listing users set to one request a second: the first test takes it, the one
   * right after it is answered 429 with the announced Retry-After.
   */
  async function throttledAttempt(
    module: ConnectionModule,
    ok: { appId: string; secret: string },
  ): Promise<ConnectionReport> {
    const { perClass } = sim.setThrottle({});
    sim.setThrottle({ enabled: true, perClass: { ...perClass, directory: 1 }, retryAfterSeconds: 30 });
    try {
      expectOutcome(await attempt(module, contoso, ok.appId, ok.secret), 'active', 'graph', null);
      const throttled = await attempt(module, contoso, ok.appId, ok.secret);
      assert.match(throttled.message, /in 30 seconds/);
      return throttled;
    } finally {
      sim.setThrottle({ enabled: false });
    }
  }

  const app = (scenario: Parameters<SimulatorHandle['demoApp']>[0]) => sim.demoApp(scenario);

  function expectOutcome(report: ConnectionReport, code: string, stage: string, step: string | null): void {
    assert.deepEqual(
      { code: report.code, stage: report.stage, step: report.step },
      { code, stage, step },
      report.message,
    );
    assert.equal(report.ok, code === 'active');
    assert.ok(report.message.length > 0);
  }

  it('reports every outcome with its code and step, and a failure never replaces the working connection', async () => {
    const ok = app('ok');
    const main = open();
    const closed = await closedPort();
    const crossTenant = await crossTenantAuthority(sim, fabrikam.tenantId, contoso.tenantId);
    try {
      const active = await attempt(main, contoso, ok.appId, ok.secret);
      expectOutcome(active, 'active', 'graph', null);
      assert.deepEqual(active.permissions, ['Chat.Read.All', 'Chat.ReadWrite.All', 'User.Read.All']);
      assert.equal(active.saved, true);
      const saved = await main.service.openCredentials(contoso.tenantId);

      const cases: [string, string, string | null, () => Promise<ConnectionReport>][] = [
        [
          'invalid_app_id',
          'input',
          'register-5',
          () => attempt(main, contoso, ok.appId.slice(0, 23), ok.secret),
        ],
        ['invalid_app_id', 'input', 'register-5', () => attempt(main, contoso, contoso.tenantId, ok.secret)],
        [
          'secret_id_pasted',
          'input',
          'setup-5-7',
          () => attempt(main, contoso, app('wrong_secret').appId, app('wrong_secret').secret),
        ],
        [
          'invalid_secret',
          'token',
          'setup-5-7',
          () => attempt(main, contoso, ok.appId, 'Zz9~notTheValueAtAll0123456789.abcdefghi'),
        ],
        [
          'expired_secret',
          'token',
          'setup-5-7',
          () => attempt(main, contoso, app('expired_secret').appId, app('expired_secret').secret),
        ],
        ['app_not_found', 'token', 'register-5', () => attempt(main, contoso, randomUUID(), ok.secret)],
        [
          'tenant_not_found',
          'token',
          'register-1',
          () => attempt(main, bindTenant(randomUUID(), 'operator'), ok.appId, ok.secret),
        ],
        [
          'tenant_mismatch',
          'token',
          'register-1',
          () => attempt(open({ ...sim, authorityHost: crossTenant.host }), fabrikam, ok.appId, ok.secret),
        ],
        [
          'no_service_principal',
          'token',
          'setup-12',
          () => attempt(main, contoso, app('no_service_principal').appId, app('no_service_principal').secret),
        ],
        [
          'app_disabled',
          'token',
          'setup-4',
          () => attempt(main, contoso, app('app_disabled').appId, app('app_disabled').secret),
        ],
        [
          'consent_missing',
          'permissions',
          'setup-12',
          () => attempt(main, contoso, app('consent_missing').appId, app('consent_missing').secret),
        ],
        [
          'permission_missing',
          'permissions',
          'setup-8-11',
          () => attempt(main, contoso, app('chat_only').appId, app('chat_only').secret),
        ],
        [
          'permission_missing',
          'permissions',
          'setup-8-11',
          () => attempt(main, contoso, app('basic_only').appId, app('basic_only').secret),
        ],
        // Tokens of one Entra are not taken by another's Graph: 401 InvalidAuthenticationToken.
        [
          'graph_forbidden',
          'graph',
          'setup-12',
          () =>
            attempt(open({ ...otherSim, authorityHost: sim.authorityHost }), contoso, ok.appId, ok.secret),
        ],
        [
          'unreachable',
          'token',
          null,
          () =>
            attempt(
              open({ ...sim, authorityHost: `https://127.0.0.1:${closed}` }),
              contoso,
              ok.appId,
              ok.secret,
            ),
        ],
        [
          'unreachable',
          'graph',
          null,
          () =>
            attempt(
              open({ ...sim, graphBaseUrl: `https://127.0.0.1:${closed}/v1.0` }),
              contoso,
              ok.appId,
              ok.secret,
            ),
        ],
        ['throttled', 'graph', null, () => throttledAttempt(main, ok)],
      ];
      for (const [code, stage, step, run] of cases) {
        const report = await run();
        expectOutcome(report, code, stage, step);
        assert.equal(report.saved, false);
      }

      const chatOnly = answers[answers.length - 7] as ConnectionReport;
      assert.match(chatOnly.message, /User\.Read\.All/);
      const basicOnly = answers[answers.length - 6] as ConnectionReport;
      assert.match(basicOnly.message, /Chat\.Read\.All/);
      assert.deepEqual(basicOnly.permissions, ['Chat.ReadBasic.All', 'User.Read.All']);

      // Through all of that, the connection saved first kept working.
      const status = await main.service.status(contoso.tenantId);
      assert.equal(status.status, 'active');
      assert.equal(status.lastAttempt?.code, 'throttled');
      assert.deepEqual(await main.service.openCredentials(contoso.tenantId), saved);
      const retest = await main.service.retest(contoso, ADMIN);
      expectOutcome(retest, 'active', 'graph', null);
      answers.push(
        status,
        retest,
        await main.service.auditTrail(contoso.tenantId),
        await main.service.status(fabrikam.tenantId),
      );
      assert.deepEqual(
        events.map((e) => [e.tenantId, e.to]),
        [[contoso.tenantId, 'active']],
      );
    } finally {
      await crossTenant.close();
    }

    // The secrets never left: not in any log line, answer, event or stored byte.
    for (const secret of [
      ok.secret,
      'Zz9~notTheValueAtAll0123456789.abcdefghi',
      ...sim.tenants[0]!.apps.map((a) => a.secret),
    ]) {
      assertNowhere(secret);
    }
    assert.ok(logLines.length > 10 && azureLines.length > 10, 'logs were captured');
  });

  it('sees a consent granted after a failed test on the very next test (no stale token)', async () => {
    const module = open();
    const target = app('consent_missing');
    expectOutcome(
      await attempt(module, contoso, target.appId, target.secret),
      'consent_missing',
      'permissions',
      'setup-12',
    );

    const granted = await fetch(
      `${sim.authorityHost}/_sim/tenants/${contoso.tenantId}/apps/${target.appId}/consent`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ roles: ['Chat.Read.All', 'User.Read.All'] }),
      },
    );
    assert.equal(granted.status, 200);

    const after = await attempt(module, contoso, target.appId, target.secret);
    expectOutcome(after, 'active', 'graph', null);
    assert.deepEqual(after.permissions, ['Chat.Read.All', 'User.Read.All']);
    assert.equal((await module.service.status(contoso.tenantId)).status, 'active');
  });

  it('turns a saved connection Failing when its secret expires, and tells the admins', async () => {
    const module = open();
    const created = await fetch(`${sim.authorityHost}/_sim/tenants/${contoso.tenantId}/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'expires soon', roles: ['Chat.Read.All', 'User.Read.All'] }),
    });
    const registered = (await created.json()) as {
      appId: string;
      secret: { secretId: string; value: string };
    };
    expectOutcome(
      await attempt(module, contoso, registered.appId, registered.secret.value),
      'active',
      'graph',
      null,
    );

    const expire = `${sim.authorityHost}/_sim/tenants/${contoso.tenantId}/apps/${registered.appId}/secrets/${registered.secret.secretId}/expire`;
    assert.equal((await fetch(expire, { method: 'POST' })).status, 200);
    const verdict = await module.service.recheck(contoso.tenantId);
    assert.equal(verdict?.code, 'expired_secret');
    const status = await module.service.status(contoso.tenantId);
    assert.equal(status.status, 'failing');
    assert.equal(status.failing?.code, 'expired_secret');
    assert.equal(status.failing?.step, 'setup-5-7');
    assert.deepEqual(
      events.map((e) => e.to),
      ['active', 'failing'],
    );
    assert.equal(events[1]?.code, 'expired_secret');
    assertNowhere(registered.secret.value, [status, events]);
  });

  /** Fails when `secret` shows up in a log line, an answer or event, or any byte under the data folder. */
  function assertNowhere(secret: string, extra: unknown[] = []): void {
    const forms = [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(secret).toString('hex'),
    ];
    const texts = [...logLines, ...azureLines, JSON.stringify([...answers, ...events, ...extra])];
    for (const form of forms) {
      for (const text of texts)
        assert.ok(
          !text.includes(form),
          `the secret (as ${form === secret ? 'text' : 'an encoding'}) appears in: ${text.slice(0, 200)}`,
        );
    }
    for (const file of filesUnder(dataDir)) {
      const bytes = readFileSync(file);
      for (const form of forms)
        assert.ok(!bytes.includes(Buffer.from(form)), `the secret is stored in ${file}`);
    }
  }
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
