import assert from 'node:assert/strict';
import { ClientSecretCredential, type ClientSecretCredentialOptions } from '@azure/identity';
import { Client, GraphError, PageIterator, type PageCollection } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { mintAppToken, GRAPH_RESOURCE } from '../simulator/entra/access-tokens';
import { DEMO_SCENARIOS, type DemoScenario } from '../simulator/entra/demo-apps';
import { DELETED_MESSAGE_READABLE_MS } from '../simulator/graph/message-visibility';
import { DEFAULT_THROTTLE_LIMITS } from '../simulator/throttle/throttle-limits';
import { startTestSimulator, type SimulatorHandle } from './support/simulator';

/**
 * The simulator as the product meets it: the real @azure/identity and
 * @microsoft/microsoft-graph-client against its Entra and Graph, over TLS on loopback. What passes
 * here is what the product may rely on.
 */

const GRAPH_SCOPE = `${GRAPH_RESOURCE}/.default`;

/** The AADSTS number of a failed token request, read from the error the SDK throws. */
function aadstsCode(error: unknown): number | undefined {
  const match = /AADSTS(\d+)/.exec(error instanceof Error ? error.message : String(error));
  return match ? Number(match[1]) : undefined;
}

/** Entra's answers as seen on the wire, through a pipeline policy of the credential. */
function wireRecorder(): {
  seen: { status: number; body: string }[];
  options: ClientSecretCredentialOptions;
} {
  const seen: { status: number; body: string }[] = [];
  return {
    seen,
    options: {
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'recordEntraAnswers',
            sendRequest: async (request, next) => {
              const response = await next(request);
              if (response.status >= 400)
                seen.push({ status: response.status, body: response.bodyAsText ?? '' });
              return response;
            },
          },
        },
      ],
    },
  };
}

async function assertTokenRefused(credential: ClientSecretCredential, code: number): Promise<void> {
  await assert.rejects(credential.getToken(GRAPH_SCOPE), (error: unknown) => {
    assert.equal(aadstsCode(error), code, String(error));
    return true;
  });
}

/** Graph's error body: `{error: {code, message, innerError: {date, request-id, client-request-id}}}`. */
function assertGraphErrorBody(body: unknown, code?: string): void {
  const error = (body as { error?: Record<string, unknown> }).error;
  assert.ok(error, `not a Graph error body: ${JSON.stringify(body)}`);
  assert.equal(typeof error.code, 'string');
  if (code !== undefined) assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  const inner = error.innerError as Record<string, unknown>;
  assert.match(String(inner.date), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.match(String(inner['request-id']), /^[0-9a-f-]{36}$/);
  assert.equal(typeof inner['client-request-id'], 'string');
}

describe('tenant simulator conformance (real SDKs)', function () {
  let sim: SimulatorHandle;

  before(async () => {
    sim = await startTestSimulator();
  });

  after(async () => {
    await sim?.close();
  });

  afterEach(() => {
    sim.setThrottle(DEFAULT_THROTTLE_LIMITS);
    sim.setFaults({ transientErrorRate: 0, latencyMs: 0, omitRetryAfterRate: 0 });
  });

  function credential(
    tenant: string,
    appId: string,
    secret: string,
    options: ClientSecretCredentialOptions = {},
  ) {
    return new ClientSecretCredential(tenant, appId, secret, {
      ...options,
      authorityHost: sim.authorityHost,
      disableInstanceDiscovery: true,
    });
  }

  function demoCredential(scenario: DemoScenario, options: ClientSecretCredentialOptions = {}) {
    const app = sim.demoApp(scenario);
    return credential(app.tenantId, app.appId, app.secret, options);
  }

  function graphClient(scenario: DemoScenario): Client {
    return Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(demoCredential(scenario), {
        scopes: [GRAPH_SCOPE],
      }),
      baseUrl: `${sim.authorityHost}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(sim.authorityHost).hostname]),
    });
  }

  async function appToken(scenario: DemoScenario): Promise<string> {
    const token = await demoCredential(scenario).getToken(GRAPH_SCOPE);
    assert.ok(token);
    return token.token;
  }

  async function graphFetch(path: string, init: RequestInit & { token?: string } = {}) {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
    const response = await fetch(`${sim.graphBaseUrl}${path}`, { ...init, headers });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  describe('Entra: client credentials through @azure/identity', () => {
    it('issues the ok app an app-only Graph token that verifies against the published JWKS', async () => {
      const app = sim.demoApp('ok');
      const token = await appToken('ok');
      const discovery = (await (
        await fetch(`${sim.authorityHost}/${sim.tenants[0]!.domain}/v2.0/.well-known/openid-configuration`)
      ).json()) as { issuer: string; jwks_uri: string };
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
        issuer: discovery.issuer,
        audience: GRAPH_RESOURCE,
      });
      assert.equal(payload.tid, app.tenantId);
      assert.equal(payload.appid, app.appId);
      assert.equal(payload.azp, app.appId);
      assert.equal(payload.idtyp, 'app');
      assert.equal(typeof payload.oid, 'string');
      assert.deepEqual([...(payload.roles as string[])].sort(), [
        'Chat.Read.All',
        'Chat.ReadWrite.All',
        'User.Read.All',
      ]);
      assert.ok(payload.exp! - payload.iat! >= 3000 && payload.exp! - payload.iat! <= 5400);
    });

    for (const scenario of DEMO_SCENARIOS) {
      it(`answers the ${scenario} app as Entra would`, async () => {
        const app = sim.tenants[0]!.apps.find((a) => a.scenario === scenario)!;
        if (app.tokenError === undefined) {
          assert.ok(await appToken(scenario));
          return;
        }
        const wire = wireRecorder();
        await assertTokenRefused(demoCredential(scenario, wire.options), app.tokenError);
        const answer = wire.seen.at(-1)!;
        const body = JSON.parse(answer.body) as Record<string, unknown>;
        assert.deepEqual(body.error_codes, [app.tokenError]);
        assert.equal(answer.status, app.tokenError === 7000112 ? 400 : 401);
        assert.match(
          String(body.error_description),
          new RegExp(
            `^AADSTS${app.tokenError}: .*\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`,
            's',
          ),
        );
        for (const field of ['error', 'timestamp', 'trace_id', 'correlation_id', 'error_uri']) {
          assert.equal(typeof body[field], 'string', field);
        }
      });
    }

    it('answers an application id unknown in the tenant with 700016', async () => {
      const app = sim.demoApp('ok');
      await assertTokenRefused(
        credential(app.tenantId, '0f0e0d0c-0b0a-4090-8070-605040302010', app.secret),
        700016,
      );
    });

    it('accepts the tenant domain wherever the tenant id goes', async () => {
      const app = sim.demoApp('ok');
      const token = await credential(sim.tenants[0]!.domain, app.appId, app.secret).getToken(GRAPH_SCOPE);
      assert.ok(token?.token);
    });

    it('answers an unknown tenant with 90002 at discovery, which the SDK reports as endpoints_resolution_error', async () => {
      // MSAL asks the tenant's openid-configuration first and drops the body of a refusal: the
      // number exists only on the wire (as with Entra itself).
      const app = sim.demoApp('ok');
      for (const tenant of ['nowhere.onmicrosoft.com', '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d']) {
        const wire = wireRecorder();
        await assert.rejects(
          credential(tenant, app.appId, app.secret, wire.options).getToken(GRAPH_SCOPE),
          /endpoints_resolution_error/,
        );
        assert.equal(wire.seen.length, 1);
        assert.equal(wire.seen[0]!.status, 400);
        const body = JSON.parse(wire.seen[0]!.body) as { error: string; error_codes: number[] };
        assert.deepEqual([body.error, body.error_codes], ['invalid_tenant', [90002]]);
      }
    });

    it('gives consent_missing a token without any roles claim; consent granted later shows only in tokens issued later', async () => {
      const app = sim.demoApp('consent_missing');
      const before = await appToken('consent_missing');
      const claims = JSON.parse(Buffer.from(before.split('.')[1]!, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      assert.equal('roles' in claims, false);
      const chats = `/users/${firstLicensedUser(sim)}/chats`;
      assert.equal((await graphFetch(chats, { token: before })).status, 403);

      const granted = await fetch(
        `${sim.authorityHost}/_sim/tenants/${app.tenantId}/apps/${app.appId}/consent`,
        { method: 'POST' },
      );
      assert.equal(granted.status, 200);
      assert.equal(
        (await graphFetch(chats, { token: before })).status,
        403,
        'a token keeps the roles it was issued with',
      );
      const after = await appToken('consent_missing');
      assert.equal((await graphFetch(chats, { token: after })).status, 200);

      await fetch(`${sim.authorityHost}/_sim/tenants/${app.tenantId}/apps/${app.appId}/consent`, {
        method: 'DELETE',
      });
    });
  });

  describe('Graph through @microsoft/microsoft-graph-client', () => {
    it('pages through every user, chat and message of the tenant, and the counts equal the tenant state', async () => {
      const client = graphClient('ok');
      const tenantId = sim.tenants[0]!.id;
      const stats = sim.state.stats(tenantId);

      const users = await collect<{ id: string }>(client, await client.api('/users').top(2).get());
      assert.equal(users.length, stats.users);
      assert.equal(new Set(users.map((u) => u.id)).size, users.length);

      const chatIds = new Set<string>();
      let refusedUsers = 0;
      for (const user of users) {
        try {
          const chats = await collect<{ id: string }>(
            client,
            await client.api(`/users/${user.id}/chats`).top(2).get(),
          );
          for (const chat of chats) chatIds.add(chat.id);
        } catch (error) {
          // Users without a Teams license have no chats to read.
          assert.ok(error instanceof GraphError && error.statusCode === 403, String(error));
          refusedUsers += 1;
        }
      }
      assert.equal(refusedUsers, stats.usersUnlicensed);
      assert.equal(chatIds.size, stats.chats.total);

      const served = new Set<string>();
      for (const chatId of chatIds) {
        const messages = await collect<{ id: string; chatId: string }>(
          client,
          await client.api(`/chats/${chatId}/messages`).top(50).get(),
        );
        for (const message of messages) served.add(`${message.chatId}/${message.id}`);
      }
      const purgedBefore = Date.now() - DELETED_MESSAGE_READABLE_MS;
      const readable = [...sim.state.exportTruth(tenantId)].filter(
        (m) => !(m.deleted && m.lastModifiedMs < purgedBefore),
      );
      assert.equal(served.size, readable.length);
      assert.deepEqual([...served].sort(), readable.map((m) => `${m.chatId}/${m.id}`).sort());
      assert.ok(readable.length <= stats.messages && readable.length > 0);
    });

    it('answers over a limit with 429 and Retry-After, and the SDK RetryHandler recovers', async () => {
      const client = graphClient('ok');
      await client.api('/users').top(1).get(); // token fetched before the clock of the test starts
      sim.setThrottle({ perClass: { directory: 2 }, retryAfterSeconds: 1 });
      sim.resetCounters();

      const pages = await Promise.all(
        Array.from({ length: 5 }, () => client.api('/users').top(1).get() as Promise<PageCollection>),
      );
      assert.equal(pages.length, 5);
      for (const page of pages) assert.equal(page.value.length, 1);
      const counters = sim.counters();
      assert.ok(counters.graph.throttled.directory >= 1, JSON.stringify(counters));
      assert.equal(counters.graph.byStatus[200], 5);

      const throttled = sim.requestLog().find((entry) => entry.status === 429);
      assert.equal(throttled?.class, 'directory');
    });

    it('refuses a call the token has no permission for with a Graph 403 naming the roles it wants', async () => {
      const user = firstLicensedUser(sim);
      await assert.rejects(graphClient('chat_only').api('/users').get(), (error: unknown) => {
        assert.ok(error instanceof GraphError);
        assert.deepEqual([error.statusCode, error.code], [403, 'Authorization_RequestDenied']);
        return true;
      });
      await assert.rejects(
        graphClient('basic_only').api(`/users/${user}/chats/getAllMessages`).get(),
        (error: unknown) => {
          assert.ok(error instanceof GraphError);
          assert.deepEqual([error.statusCode, error.code], [403, 'Forbidden']);
          assert.match(error.message, /Chat\.Read\.All, Chat\.ReadWrite\.All/);
          return true;
        },
      );
      const chats = await graphClient('basic_only').api(`/users/${user}/chats`).get();
      assert.ok(Array.isArray(chats.value));
    });
  });

  describe("bad input gets Graph's error shape", () => {
    it('malformed OData', async () => {
      const token = await appToken('ok');
      const user = firstLicensedUser(sim);
      for (const path of [
        '/users?$top=abc',
        `/users/${user}/chats?$top=-1`,
        `/users/${user}/chats/getAllMessages?$filter=lastModifiedDateTime gt`,
      ]) {
        const answer = await graphFetch(path, { token });
        assert.equal(answer.status, 400, path);
        assertGraphErrorBody(answer.body);
      }
    });

    it('unknown ids and unknown segments', async () => {
      const token = await appToken('ok');
      const unknownUser = await graphFetch('/users/6f5e4d3c-2b1a-4099-8877-665544332211', { token });
      assert.equal(unknownUser.status, 404);
      assertGraphErrorBody(unknownUser.body, 'Request_ResourceNotFound');
      const unknownChat = await graphFetch(
        `/chats/${encodeURIComponent('19:0123456789abcdef0123456789abcdef@thread.v2')}/messages`,
        { token },
      );
      assert.equal(unknownChat.status, 404);
      assertGraphErrorBody(unknownChat.body);
      const unknownSegment = await graphFetch('/chatz', { token });
      assert.equal(unknownSegment.status, 400);
      assertGraphErrorBody(unknownSegment.body, 'BadRequest');
      assert.match(String((unknownSegment.body.error as { message: string }).message), /'chatz'/);
    });

    it('bad JSON and a bad envelope in $batch; good inner requests still answered one by one', async () => {
      const token = await appToken('ok');
      const json = { 'Content-Type': 'application/json' };
      const badJson = await graphFetch('/$batch', {
        token,
        method: 'POST',
        headers: json,
        body: '{"requests": [',
      });
      assert.equal(badJson.status, 400);
      assertGraphErrorBody(badJson.body, 'BadRequest');
      const badEnvelope = await graphFetch('/$batch', {
        token,
        method: 'POST',
        headers: json,
        body: '{"requests": 3}',
      });
      assert.equal(badEnvelope.status, 400);
      assertGraphErrorBody(badEnvelope.body);

      const batch = await graphFetch('/$batch', {
        token,
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          requests: [
            { id: '1', method: 'GET', url: '/users?$top=1' },
            { id: '2', method: 'GET', url: '/users/6f5e4d3c-2b1a-4099-8877-665544332211' },
          ],
        }),
      });
      assert.equal(batch.status, 200);
      const responses = batch.body.responses as { id: string; status: number; body: unknown }[];
      const byId = new Map(responses.map((r) => [r.id, r]));
      assert.equal(byId.get('1')!.status, 200);
      assert.equal(byId.get('2')!.status, 404);
      assertGraphErrorBody(byId.get('2')!.body, 'Request_ResourceNotFound');
    });

    it('missing, malformed, expired, foreign-signed and wrong-audience tokens are 401 InvalidAuthenticationToken', async () => {
      const app = sim.demoApp('ok');
      const record = sim.entra.registry.requireApp(app.tenantId, app.appId);
      const claims = {
        tenantId: app.tenantId,
        appId: app.appId,
        appDisplayName: record.displayName,
        servicePrincipalId: record.servicePrincipalId!,
        roles: record.grantedRoles!,
        issuer: sim.entra.issuerFor(app.tenantId),
      };
      const expired = await mintAppToken(sim.entra.keys.signing, {
        ...claims,
        nowMs: Date.now() - 2 * 3600_000,
      });
      const foreign = await mintAppToken(sim.entra.keys.foreign, { ...claims, nowMs: Date.now() });
      const user = firstLicensedUser(sim);
      const userToken = await fetch(`${sim.authorityHost}/_sim/tenants/${app.tenantId}/user-token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ userId: user, audience: 'api://chatvault.example/botid-1' }),
      });
      assert.equal(userToken.status, 200);
      const wrongAudience = ((await userToken.json()) as { access_token: string }).access_token;

      const cases: [string, string | undefined, RegExp][] = [
        ['missing', undefined, /empty/],
        ['malformed', 'not-a-jwt', /not well formed/],
        ['expired', expired, /expired/],
        ['foreign-signed', foreign, /Signature validation failed/],
        ['wrong audience', wrongAudience, /Invalid audience/],
      ];
      for (const [name, token, message] of cases) {
        const answer = await graphFetch('/users', { token });
        assert.equal(answer.status, 401, name);
        assertGraphErrorBody(answer.body, 'InvalidAuthenticationToken');
        assert.match(String((answer.body.error as { message: string }).message), message, name);
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer /, name);
      }
    });
  });
});

/** Every item of a collection, through the SDK's PageIterator (it follows @odata.nextLink). */
async function collect<T>(client: Client, first: PageCollection): Promise<T[]> {
  const items: T[] = [];
  const iterator = new PageIterator(client, first, (item: T) => {
    items.push(item);
    return true;
  });
  await iterator.iterate();
  return items;
}

/** A user of the first tenant whose chats Graph serves (licensed, not deleted). */
function firstLicensedUser(sim: SimulatorHandle): string {
  const row = sim.state.db
    .prepare(
      'SELECT id FROM users WHERE tenant_id = ? AND teams_licensed = 1 AND deleted = 0 AND account_enabled = 1 ORDER BY ordinal LIMIT 1',
    )
    .get(sim.tenants[0]!.id) as { id: string };
  return row.id;
}
