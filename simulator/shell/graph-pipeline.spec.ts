import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import type { GraphRoute } from '../contracts';
import { issuerFor, mintAppToken } from '../entra/access-tokens';
import { GraphBearerCheck } from '../entra/graph-bearer';
import { createSimulatorKeys, type SimulatorKeys } from '../entra/signing-keys';
import { FaultInjector } from '../throttle/fault-injector';
import { GraphThrottle } from '../throttle/graph-throttle';
import { GraphPipeline } from './graph-pipeline';
import { RequestLog } from './request-log';

const AUTHORITY = 'https://127.0.0.1:4443';
const TENANT = '11111111-1111-4111-8111-111111111111';
const APP = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';

/** Routes standing in for Graph's: what the pipeline does around them is under test. */
const routes: GraphRoute[] = [
  {
    method: 'GET',
    path: '/things',
    anyRole: ['Thing.Read'],
    throttle: () => ({ class: 'teamsGet' }),
    handle: (req) => ({ status: 200, json: { query: req.query, baseUrl: req.baseUrl, caller: req.caller } }),
  },
  {
    method: 'GET',
    path: '/things/:thingId',
    anyRole: ['Thing.Read'],
    throttle: (req) => ({ class: 'teamsGet', chatId: req.params.thingId }),
    handle: (req) => ({
      status: 200,
      rawJson: Buffer.from(JSON.stringify({ id: req.params.thingId, path: req.path })),
    }),
  },
  {
    method: 'GET',
    path: '/things/:thingId/picture',
    anyRole: ['Thing.Read'],
    throttle: () => ({ class: 'teamsGet' }),
    handle: () => ({ status: 200, bytes: Buffer.from([137, 80, 78, 71]), contentType: 'image/png' }),
  },
  {
    method: 'GET',
    path: '/users',
    anyRole: ['User.Read.All'],
    throttle: () => ({ class: 'directory' }),
    handle: () => ({ status: 200, json: { value: [] } }),
  },
  {
    method: 'GET',
    path: '/broken',
    anyRole: ['Thing.Read'],
    throttle: () => ({ class: 'teamsGet' }),
    handle: () => {
      throw new TypeError('a bug in a route');
    },
  },
];

describe('GraphPipeline', () => {
  let keys: SimulatorKeys;
  let throttle: GraphThrottle;
  let faults: FaultInjector;
  let log: RequestLog;
  let server: Server;
  let base: string;
  let token: string;
  const sandbox = sinon.createSandbox();

  before(async () => {
    keys = await createSimulatorKeys();
    token = await appToken(['Thing.Read']);
  });

  beforeEach(async () => {
    throttle = new GraphThrottle();
    faults = new FaultInjector();
    log = new RequestLog();
    const pipeline = new GraphPipeline({
      routes,
      bearer: new GraphBearerCheck(keys.signing, {
        authorityHost: () => AUTHORITY,
        issuerFor: (t) => issuerFor(AUTHORITY, t),
      }),
      throttle,
      faults,
      log,
      canonicalBaseUrl: () => `${AUTHORITY}/v1.0`,
    });
    server = createServer((req, res) => void pipeline.serve(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0`;
  });

  afterEach(async () => {
    sandbox.restore();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function appToken(roles: string[]): Promise<string> {
    return mintAppToken(keys.signing, {
      tenantId: TENANT,
      appId: APP,
      appDisplayName: 'Test',
      servicePrincipalId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
      roles,
      issuer: issuerFor(AUTHORITY, TENANT),
      nowMs: Date.now(),
    });
  }

  async function call(path: string, init: RequestInit & { token?: string | null } = {}) {
    const headers = new Headers(init.headers);
    const bearer = init.token === undefined ? token : init.token;
    if (bearer !== null) headers.set('Authorization', `Bearer ${bearer}`);
    const response = await fetch(`${base}${path}`, { ...init, headers });
    const bytes = Buffer.from(await response.arrayBuffer());
    const json = response.headers.get('content-type')?.startsWith('application/json')
      ? (JSON.parse(bytes.toString()) as Record<string, unknown>)
      : undefined;
    return { status: response.status, headers: response.headers, json, bytes };
  }

  function graphError(answer: { json?: Record<string, unknown> }) {
    const error = answer.json?.error as
      { code: string; message: string; innerError: Record<string, string> } | undefined;
    assert.ok(error?.innerError['request-id'], JSON.stringify(answer.json));
    return error;
  }

  const errorCode = (answer: { json?: Record<string, unknown> }): string => graphError(answer).code;

  it('serves a route with the caller from the token, decoded path parameters, the query and the base the client used', async () => {
    const list = await call('/things?$top=5&$filter=a%20eq%20%27b%27');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json, {
      query: { $top: '5', $filter: "a eq 'b'" },
      baseUrl: `${base}`,
      caller: { tenantId: TENANT, appId: APP, roles: ['Thing.Read'] },
    });
    const one = await call(`/things/${encodeURIComponent('19:abc@thread.v2')}`);
    assert.deepEqual(one.json, { id: '19:abc@thread.v2', path: '/things/19:abc@thread.v2' });
    assert.match(one.headers.get('content-type')!, /^application\/json/);
    const picture = await call('/things/x/picture');
    assert.deepEqual(
      [picture.headers.get('content-type'), [...picture.bytes]],
      ['image/png', [137, 80, 78, 71]],
    );
  });

  it('checks the token before it looks the route up', async () => {
    assert.equal(errorCode(await call('/nowhere', { token: null })), 'InvalidAuthenticationToken');
    const unknown = await call('/nowhere');
    assert.deepEqual([unknown.status, errorCode(unknown)], [400, 'BadRequest']);
    assert.match(graphError(unknown).message, /'nowhere'/);
    const deeper = await call('/things/x/nope');
    assert.match(graphError(deeper).message, /'nope'/);
    const wrongMethod = await call('/things', { method: 'POST', body: '{}' });
    assert.deepEqual([wrongMethod.status, wrongMethod.headers.get('allow')], [405, 'GET']);
  });

  it('refuses missing permissions with 403 before the request counts against any limit', async () => {
    const noRoles = await appToken([]);
    const teams = await call('/things', { token: noRoles });
    assert.deepEqual([teams.status, errorCode(teams)], [403, 'Forbidden']);
    assert.match(graphError(teams).message, /requires one of 'Thing\.Read'\. Roles on the request ''/);
    const directory = await call('/users');
    assert.deepEqual([directory.status, errorCode(directory)], [403, 'Authorization_RequestDenied']);
    assert.equal(throttle.counters.requests.teamsGet + throttle.counters.requests.directory, 0);
  });

  it('answers over a limit with 429 and Retry-After, left out on the share the knob asks for', async () => {
    throttle.setLimits({ perClass: { teamsGet: 1 }, retryAfterSeconds: 3 });
    assert.equal((await call('/things')).status, 200);
    const throttled = await call('/things');
    assert.deepEqual(
      [throttled.status, errorCode(throttled), throttled.headers.get('retry-after')],
      [429, 'TooManyRequests', '3'],
    );
    faults.set({ omitRetryAfterRate: 1 });
    const bare = await call('/things');
    assert.deepEqual([bare.status, bare.headers.get('retry-after')], [429, null]);
    assert.equal(throttle.counters.throttled.teamsGet, 2);
  });

  it('injects 503 and 504 before anything else, even before the token check', async () => {
    faults.set({ transientErrorRate: 1 });
    const first = await call('/things', { token: null });
    const second = await call('/things');
    assert.deepEqual(
      [first.status, errorCode(first), second.status, errorCode(second)],
      [503, 'ServiceUnavailable', 504, 'GatewayTimeout'],
    );
    faults.set({ transientErrorRate: 0, latencyMs: 1 });
    assert.equal((await call('/things')).status, 200);
  });

  it('answers a route that throws with 500 in Graph shape, logs it, and keeps serving', async () => {
    const stderr = sandbox.stub(process.stderr, 'write');
    const broken = await call('/broken', { headers: { 'client-request-id': 'c-123' } });
    assert.deepEqual([broken.status, errorCode(broken)], [500, 'InternalServerError']);
    assert.equal(graphError(broken).innerError['client-request-id'], 'c-123');
    assert.ok(stderr.calledWithMatch(sinon.match(/a bug in a route/)));
    stderr.restore();
    assert.equal((await call('/things')).status, 200);
  });

  it('serves $batch inner requests one by one: each authorized and metered on its own', async () => {
    throttle.setLimits({ perClass: { teamsGet: 1 } });
    const batch = await call('/$batch', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        requests: [
          { id: 'a', method: 'GET', url: '/things/one' },
          { id: 'b', method: 'GET', url: '/things/two', dependsOn: ['a'] },
          { id: 'c', method: 'GET', url: '/users' },
          { id: 'd', method: 'GET', url: '/nowhere' },
        ],
      }),
    });
    assert.equal(batch.status, 200);
    const byId = new Map(
      (batch.json!.responses as { id: string; status: number; headers: Record<string, string> }[]).map(
        (r) => [r.id, r],
      ),
    );
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((id) => byId.get(id)!.status),
      [200, 429, 403, 400],
    );
    assert.equal(byId.get('b')!.headers['Retry-After'], '1');
    const inner = log.recent().filter((entry) => entry.batchRequestId !== undefined);
    assert.deepEqual(inner.map((entry) => [entry.batchRequestId, entry.status]).sort(), [
      ['a', 200],
      ['b', 429],
      ['c', 403],
      ['d', 400],
    ]);

    const badJson = await call('/$batch', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"requests":',
    });
    assert.deepEqual([badJson.status, errorCode(badJson)], [400, 'BadRequest']);
  });

  it('logs every answer with its class, tenant and app', async () => {
    await call('/things');
    await call('/things', { token: 'garbage' });
    const [served, refused] = log.recent();
    assert.deepEqual(
      { ...served, atMs: 0 },
      {
        atMs: 0,
        method: 'GET',
        url: '/things',
        status: 200,
        class: 'teamsGet',
        tenantId: TENANT,
        appId: APP,
      },
    );
    assert.deepEqual([refused!.status, refused!.tenantId], [401, undefined]);
    assert.deepEqual(log.totals, { requests: 2, byStatus: { 200: 1, 401: 1 } });
  });
});
