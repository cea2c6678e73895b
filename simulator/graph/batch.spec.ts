import assert from 'node:assert/strict';
import type { GraphResult } from '../contracts';
import { GraphHttpError } from '../graph-error';
import {
  BATCH_PATH,
  handleBatch,
  MAX_BATCH_REQUESTS,
  type BatchDispatcher,
  type BatchInnerRequest,
} from './batch';
import { BASE_URL, GraphFixture, NOW, TENANT, example } from './graph-test-fixtures';

const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';
type Json = Record<string, unknown>;

describe('POST /$batch', () => {
  let fx: GraphFixture;
  const dispatched: BatchInnerRequest[] = [];

  /** Stands in for the shell: routes the inner request, checks its roles, calls the route. */
  const dispatchAs =
    (roles?: readonly string[]): BatchDispatcher =>
    async (inner) => {
      dispatched.push(inner);
      const url = new URL(`${BASE_URL}${inner.url}`);
      const path = decodeURIComponent(url.pathname.slice('/v1.0'.length));
      const { route, params } = fx.match(inner.method as 'GET', path);
      const request = fx.request(path, params, {
        query: Object.fromEntries(url.searchParams),
        headers: inner.headers,
        roles,
      });
      if (!route.anyRole.some((role) => request.caller.roles.includes(role))) {
        throw new GraphHttpError(403, 'Forbidden', 'Missing role permissions on the request.');
      }
      return route.handle(request);
    };
  const dispatch = dispatchAs();

  const batch = (body: unknown, dispatcher: BatchDispatcher = dispatch) =>
    handleBatch(fx.request(BATCH_PATH, {}, { method: 'POST', body }), dispatcher);

  const parse = (result: GraphResult): Json => {
    assert.ok('rawJson' in result);
    return JSON.parse(result.rawJson.toString()) as Json;
  };

  beforeEach(() => {
    dispatched.length = 0;
    fx = new GraphFixture();
    fx.chat(CHAT);
    for (const message of example('chat-list-messages.2.json').value as Json[]) {
      fx.message(CHAT, message, { createdMs: NOW - 1000, modifiedMs: NOW - 1000 });
    }
  });
  afterEach(() => fx.close());

  it('answers each inner request as if it came alone, JSON embedded and binary base64-encoded', async () => {
    fx.db
      .prepare(
        "INSERT INTO content_blobs (sha256, content_type, bytes) VALUES ('s', 'image/png', X'89504E47')",
      )
      .run();
    fx.db
      .prepare(
        "INSERT INTO hosted_contents (tenant_id, chat_id, message_id, id, blob_sha256) VALUES (?, ?, '1615971548136', 'h1', 's')",
      )
      .run(TENANT, CHAT);
    const result = await batch({
      requests: [
        {
          id: 'page',
          method: 'GET',
          url: `/chats/${CHAT}/messages?$top=2`,
          headers: { Prefer: 'include-unknown-enum-members' },
        },
        { id: 'missing', method: 'GET', url: '/chats/19:nope@thread.v2/messages' },
        { id: 'image', method: 'GET', url: `chats/${CHAT}/messages/1615971548136/hostedContents/h1/$value` },
      ],
    });
    assert.equal(result.status, 200);
    const responses = new Map((parse(result).responses as Json[]).map((response) => [response.id, response]));

    const page = responses.get('page') as Json;
    const alone = await fx.call(`/chats/${CHAT}/messages`, {
      query: { $top: '2' },
      headers: { Prefer: 'include-unknown-enum-members' },
    });
    assert.ok('json' in alone);
    assert.equal(page.status, 200);
    assert.deepEqual(page.body, alone.json);
    assert.deepEqual(page.headers, { 'Content-Type': 'application/json' });

    const missing = responses.get('missing') as Json;
    assert.equal(missing.status, 404);
    assert.equal((missing.body as { error: { code: string } }).error.code, 'NotFound');

    const image = responses.get('image') as Json;
    assert.equal(image.status, 200);
    assert.deepEqual(image.headers, { 'Content-Type': 'image/png' });
    assert.deepEqual(Buffer.from(image.body as string, 'base64'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    assert.equal(dispatched[2].url.startsWith('/'), true);
  });

  it('runs a request after the ones it depends on, and fails it with 424 when one of them failed', async () => {
    const order: string[] = [];
    const slow: BatchDispatcher = async (inner) => {
      await new Promise((resolve) => setTimeout(resolve, inner.id === 'first' ? 20 : 0));
      order.push(inner.id);
      return dispatch(inner);
    };
    const result = await batch(
      {
        requests: [
          { id: 'first', method: 'GET', url: `/chats/${CHAT}/messages` },
          { id: 'second', method: 'GET', url: '/chats/19:nope@thread.v2/messages', dependsOn: ['first'] },
          { id: 'third', method: 'GET', url: `/chats/${CHAT}/members`, dependsOn: ['second'] },
        ],
      },
      slow,
    );
    assert.deepEqual(order, ['first', 'second']);
    const statuses = Object.fromEntries((parse(result).responses as Json[]).map((r) => [r.id, r.status]));
    assert.deepEqual(statuses, { first: 200, second: 404, third: 424 });
  });

  it('keeps a failure inside its own response: 403, 429 with Retry-After, and a crash as 500', async () => {
    const failing: BatchDispatcher = async (inner) => {
      if (inner.id === 'throttled')
        throw new GraphHttpError(429, 'TooManyRequests', 'Slow down.', { 'Retry-After': '3' });
      if (inner.id === 'crash') throw new Error('boom');
      return dispatchAs(['Chat.Read.All'])(inner);
    };
    fx.user('u1');
    const result = await handleBatch(
      fx.request(
        BATCH_PATH,
        {},
        {
          method: 'POST',
          roles: ['Chat.Read.All'],
          body: JSON.stringify({
            requests: [
              { id: 'users', method: 'GET', url: '/users' },
              { id: 'throttled', method: 'GET', url: `/chats/${CHAT}/messages` },
              { id: 'crash', method: 'GET', url: `/chats/${CHAT}/messages` },
              { id: 'fine', method: 'GET', url: `/chats/${CHAT}/messages` },
            ],
          }),
        },
      ),
      failing,
    );
    const responses = new Map((parse(result).responses as Json[]).map((response) => [response.id, response]));
    assert.equal(responses.get('users')?.status, 403);
    assert.equal(responses.get('throttled')?.status, 429);
    assert.equal((responses.get('throttled')?.headers as Json)['Retry-After'], '3');
    assert.equal(responses.get('crash')?.status, 500);
    assert.equal(responses.get('fine')?.status, 200);
  });

  it('refuses a malformed envelope with 400 and runs none of it', async () => {
    const request = (id: string, extra: Json = {}) => ({
      id,
      method: 'GET',
      url: `/chats/${CHAT}/messages`,
      ...extra,
    });
    const envelopes: unknown[] = [
      undefined,
      'not json',
      {},
      { requests: [] },
      { requests: Array.from({ length: MAX_BATCH_REQUESTS + 1 }, (_, i) => request(String(i))) },
      { requests: [request('1'), request('1')] },
      { requests: [request('1', { url: `https://graph.microsoft.com/v1.0/chats/${CHAT}/messages` })] },
      { requests: [request('1', { dependsOn: ['2'] }), request('2')] },
      { requests: [request('1', { method: 'FETCH' })] },
      { requests: [{ id: '1', method: 'GET' }] },
    ];
    for (const envelope of envelopes) {
      await assert.rejects(batch(envelope), (error: unknown) => {
        assert.ok(error instanceof GraphHttpError);
        assert.equal(error.status, 400);
        assert.equal(error.code, 'BadRequest');
        return true;
      });
    }
    assert.equal(dispatched.length, 0);
    const twenty = await batch({
      requests: Array.from({ length: MAX_BATCH_REQUESTS }, (_, i) => request(String(i))),
    });
    assert.equal((parse(twenty).responses as Json[]).length, 20);
  });
});
