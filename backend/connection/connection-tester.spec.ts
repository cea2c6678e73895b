import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT } from 'jose';
import { testCertificate } from '../../test/support/test-certificate';
import { GraphConnectionTester } from './connection-tester';

const TENANT = '2bc09791-95cd-4267-92af-50f8e38327ca';
const APP = 'd0ef0cef-578e-411c-9c3d-3bf4ae424cb7';
const SECRET = 'Qx8~stubSTUB0123456789.abcdefghij_klmnop';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/**
 * A loopback stand-in for Entra and Graph that answers each request the way a test scripts it,
 * for the shapes the tenant simulator has no knob for (a foreign `tid`, a 503 from the authority,
 * an authority or Graph that never answers).
 */
class StubMicrosoft {
  server!: Server;
  base = '';
  token: Handler = (_req, res) =>
    void this.tokenFor({ roles: ['Chat.Read.All', 'User.Read.All'] }).then((t) => json(res, 200, t));
  graph: Handler = (req, res) => json(res, 200, defaultGraph(req.url ?? ''));
  requests: { method: string; url: string; body: string; authorization?: string }[] = [];
  private hung: ServerResponse[] = [];

  async start(): Promise<void> {
    const cert = testCertificate();
    this.server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const url = req.url ?? '';
        this.requests.push({
          method: req.method ?? '',
          url,
          body,
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        });
        if (url.includes('/.well-known/openid-configuration'))
          return json(res, 200, this.openid(url.split('/')[1]!));
        if (url.includes('/oauth2/v2.0/token')) return this.token(req, res, body);
        return this.graph(req, res, body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hang: Handler = (_req, res) => {
    this.hung.push(res);
  };

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async tokenFor(claims: Record<string, unknown>, tid = TENANT): Promise<object> {
    const accessToken = await new SignJWT({ tid, appid: APP, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(randomBytes(32));
    return { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken };
  }

  private openid(tenant: string) {
    const t = `${this.base}/${tenant}`;
    return {
      token_endpoint: `${t}/oauth2/v2.0/token`,
      issuer: `${t}/v2.0`,
      authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
      jwks_uri: `${t}/discovery/v2.0/keys`,
      end_session_endpoint: `${t}/oauth2/v2.0/logout`,
    };
  }
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function defaultGraph(url: string): unknown {
  if (url.startsWith('/v1.0/users?')) return { value: [{ id: 'u1' }, { id: 'u2' }] };
  if (url.startsWith('/v1.0/users/u1/chats')) return { value: [{ id: '19:abc@thread.v2' }] };
  if (url.startsWith('/v1.0/chats/')) return { value: [{ id: '1700000000000' }] };
  return { value: [] };
}

function graphError(
  res: ServerResponse,
  status: number,
  code: string,
  headers: Record<string, string> = {},
): void {
  json(
    res,
    status,
    {
      error: {
        code,
        message: 'words that do not matter',
        innerError: { date: '2026-05-01T10:00:00', 'request-id': 'r', 'client-request-id': 'c' },
      },
    },
    headers,
  );
}

describe('GraphConnectionTester (against a scripted loopback Microsoft)', () => {
  let stub: StubMicrosoft;
  let tester: GraphConnectionTester;

  beforeEach(async () => {
    stub = new StubMicrosoft();
    await stub.start();
    tester = new GraphConnectionTester(
      { authorityHost: stub.base, graphBaseUrl: `${stub.base}/v1.0` },
      { tokenTimeoutMs: 1500, graphTimeoutMs: 1500 },
    );
  });
  afterEach(() => stub.stop());

  it('asks Entra for a fresh Graph token on every test, and sends it to the configured Graph host', async () => {
    const first = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    const second = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual([first.code, first.proof, second.code], ['active', 'messages', 'active']);
    const tokenRequests = stub.requests.filter((r) => r.url.includes('/oauth2/v2.0/token'));
    assert.equal(tokenRequests.length, 2);
    const form = new URLSearchParams(tokenRequests[0]!.body);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), APP);
    assert.equal(form.get('scope'), 'https://graph.microsoft.com/.default');
    const graphCalls = stub.requests.filter((r) => r.url.startsWith('/v1.0/'));
    assert.deepEqual(
      graphCalls.slice(0, 3).map((r) => r.url),
      [
        '/v1.0/users?$top=3&$select=id',
        '/v1.0/users/u1/chats?$top=1',
        `/v1.0/chats/${encodeURIComponent('19:abc@thread.v2')}/messages?$top=1`,
      ],
    );
    assert.ok(graphCalls.every((r) => r.authorization?.startsWith('Bearer ')));
  });

  it("with rolesOnly, reads a fresh token's roles and makes no Graph read", async () => {
    stub.token = (_req, res) =>
      void stub
        .tokenFor({ roles: ['Chat.Read.All', 'GroupMember.Read.All', 'User.Read.All'] })
        .then((t) => json(res, 200, t));
    const verdict = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET }, { rolesOnly: true });
    assert.deepEqual(
      [verdict.code, verdict.stage, verdict.proof, verdict.permissions],
      ['active', 'permissions', 'none', ['Chat.Read.All', 'GroupMember.Read.All', 'User.Read.All']],
    );
    assert.equal(stub.requests.filter((r) => r.url.includes('/oauth2/v2.0/token')).length, 1);
    assert.deepEqual(
      stub.requests.filter((r) => r.url.startsWith('/v1.0/')),
      [],
      'no Graph request',
    );
  });

  it('refuses a token for another tenant than the one the request is bound to', async () => {
    stub.token = (_req, res) =>
      void stub
        .tokenFor({ roles: ['Chat.Read.All', 'User.Read.All'] }, '99999999-95cd-4267-92af-50f8e38327ca')
        .then((t) => json(res, 200, t));
    const verdict = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual(
      [verdict.code, verdict.stage, verdict.details.tokenTenantId],
      ['tenant_mismatch', 'token', '99999999-95cd-4267-92af-50f8e38327ca'],
    );
  });

  it('reports a throttled token request with its Retry-After, and a failing authority as unreachable', async () => {
    stub.token = (_req, res) =>
      json(
        res,
        429,
        { error: 'temporarily_unavailable', error_description: 'x', error_codes: [] },
        { 'retry-after': '12' },
      );
    const throttled = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual(
      [throttled.code, throttled.stage, throttled.details.retryAfterSeconds],
      ['throttled', 'token', 12],
    );
    stub.token = (_req, res) =>
      json(res, 503, { error: 'temporarily_unavailable', error_description: 'x', error_codes: [] });
    assert.equal((await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET })).code, 'unreachable');
  });

  it('keeps the number of an Entra error it does not know', async () => {
    stub.token = (_req, res) =>
      json(res, 400, {
        error: 'invalid_request',
        error_description: 'AADSTS7000215: misleading words',
        error_codes: [50999],
      });
    const verdict = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual([verdict.code, verdict.details.entraCode], ['unexpected', 50999]);
  });

  it('calls an authority that does not answer in time unreachable', async () => {
    stub.token = stub.hang;
    const verdict = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual(
      [verdict.code, verdict.stage, verdict.details.service],
      ['unreachable', 'token', 'entra'],
    );
  });

  it('calls a Graph that does not answer in time unreachable', async () => {
    stub.graph = stub.hang;
    const verdict = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual(
      [verdict.code, verdict.stage, verdict.details.service],
      ['unreachable', 'graph', 'graph'],
    );
  });

  it('moves on to the next user when one has no chats to list (404)', async () => {
    stub.graph = (req, res) => {
      const url = req.url ?? '';
      if (url.startsWith('/v1.0/users/u1/chats')) return graphError(res, 404, 'NotFound');
      if (url.startsWith('/v1.0/users/u2/chats'))
        return json(res, 200, { value: [{ id: '19:def@thread.v2' }] });
      return json(res, 200, defaultGraph(url));
    };
    const verdict = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual([verdict.code, verdict.proof], ['active', 'messages']);
  });

  it('maps a refused message read and a throttled Graph by their codes', async () => {
    stub.graph = (req, res) =>
      req.url?.startsWith('/v1.0/chats/')
        ? graphError(res, 403, 'Forbidden')
        : json(res, 200, defaultGraph(req.url ?? ''));
    const forbidden = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual(
      [forbidden.code, forbidden.stage, forbidden.details.resource],
      ['graph_forbidden', 'graph', 'chat messages'],
    );
    stub.graph = (_req, res) => graphError(res, 429, 'TooManyRequests', { 'retry-after': '4' });
    const throttled = await tester.test({ tenantId: TENANT, appId: APP, secret: SECRET });
    assert.deepEqual(
      [throttled.code, throttled.details.retryAfterSeconds, throttled.details.service],
      ['throttled', 4, 'graph'],
    );
  });
});
