import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay from 'find-my-way';
import { PNG } from 'pngjs';
import { ManualClock } from '../state/clock';
import type { ChatMessageJson } from '../state/message-json';
import { TenantState } from '../state/tenant-state';
import { registerControlRoutes } from './control-routes';

const T0 = Date.parse('2025-05-01T08:00:00.000Z');

describe('control API', () => {
  let state: TenantState;
  let clock: ManualClock;
  let server: Server;
  let base: string;

  before(async () => {
    clock = new ManualClock(T0);
    state = new TenantState({ clock });
    const router = FindMyWay({ defaultRoute: (_req, res) => ((res.statusCode = 404), res.end()) });
    registerControlRoutes(router, { state });
    server = createServer((req, res) => router.lookup(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_sim`;
  });

  after(async () => {
    // fetch keeps connections alive; close them or server.close() waits for them.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    state.close();
  });

  // Answers are read field by field below; typing each one would add nothing the asserts do not say.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  function tick(): void {
    clock.advance(1000);
  }

  it('creates a tenant, users and a chat, then changes it the ways a backup must notice', async () => {
    const tenant = await call('POST', '/tenants', { domain: 'live.onmicrosoft.com', displayName: 'Live' });
    assert.equal(tenant.status, 201);
    const t = `/tenants/${tenant.json.id}`;
    const alice = (await call('POST', `${t}/users`, { displayName: 'Alice Archer' })).json;
    const bob = (await call('POST', `${t}/users`, { displayName: 'Bob Baker' })).json;
    const carol = (await call('POST', `/tenants/live.onmicrosoft.com/users`, { displayName: 'Carol Cruz' }))
      .json;
    assert.equal(alice.userPrincipalName, 'alice.archer@live.onmicrosoft.com');

    const chat = await call('POST', `${t}/chats`, {
      chatType: 'group',
      topic: 'Plans',
      members: [{ userId: alice.id }, { userId: bob.id }],
    });
    assert.equal(chat.status, 201);
    assert.equal(chat.json.members.length, 2);
    const c = `${t}/chats/${encodeURIComponent(chat.json.id)}`;

    tick();
    const image = PNG.sync.write(new PNG({ width: 8, height: 6 }));
    const posted = await call('POST', `${c}/messages`, {
      from: { userId: alice.id },
      body: {
        contentType: 'html',
        content: '<p>Hi <at id="0">Bob</at></p><img src="../hostedContents/1/$value">',
      },
      mentions: [{ id: 0, userId: bob.id, mentionText: 'Bob' }],
      hostedContents: [
        {
          '@microsoft.graph.temporaryId': '1',
          contentType: 'image/png',
          contentBytes: image.toString('base64'),
        },
      ],
    });
    assert.equal(posted.status, 201);
    const message = posted.json as ChatMessageJson;
    assert.equal(message.id, String(T0 + 1000));
    assert.equal(message.mentions[0]?.mentioned.user.id, bob.id);
    const m = `${c}/messages/${message.id}`;

    tick();
    const edited = await call('PATCH', m, { body: { contentType: 'text', content: 'Hi Bob (edited)' } });
    assert.equal(edited.status, 200);
    assert.notEqual(edited.json.etag, message.etag);
    tick();
    assert.equal(
      (await call('POST', `${m}/reactions`, { userId: bob.id, reactionType: '👍' })).json.reactions.length,
      1,
    );
    tick();
    const unreacted = await call(
      'DELETE',
      `${m}/reactions?userId=${bob.id}&reactionType=${encodeURIComponent('👍')}`,
    );
    assert.equal(unreacted.status, 200);
    assert.equal(unreacted.json.messageHistory.length, 2);

    const pinned = await call('POST', `${c}/pinnedMessages`, { messageId: message.id, by: bob.id });
    assert.equal(pinned.status, 201);
    assert.equal(
      pinned.json.event.eventDetail['@odata.type'],
      '#microsoft.graph.messagePinnedEventMessageDetail',
    );
    const unpinned = await call('DELETE', `${c}/pinnedMessages/${pinned.json.id}?by=${alice.id}`);
    assert.equal(
      unpinned.json.eventDetail['@odata.type'],
      '#microsoft.graph.messageUnpinnedEventMessageDetail',
    );

    const added = await call('POST', `${c}/members`, { userId: carol.id, by: alice.id, shareHistory: false });
    assert.equal(added.json.eventDetail['@odata.type'], '#microsoft.graph.membersAddedEventMessageDetail');
    const removed = await call('DELETE', `${c}/members/${carol.id}?by=${alice.id}`);
    assert.equal(
      removed.json.eventDetail['@odata.type'],
      '#microsoft.graph.membersDeletedEventMessageDetail',
    );
    const renamed = await call('PATCH', c, { topic: 'Plans v2', by: bob.id });
    assert.equal(renamed.json.eventDetail.chatDisplayName, 'Plans v2');
    const call1 = await call('POST', `${c}/events`, { event: { kind: 'callStarted' }, by: bob.id });
    assert.equal(call1.json.eventDetail['@odata.type'], '#microsoft.graph.callStartedEventMessageDetail');
    const call2 = await call('POST', `${c}/events`, { event: { kind: 'callEnded', durationSeconds: 59 } });
    assert.equal(call2.json.eventDetail.callDuration, 'PT59S');

    tick();
    const deleted = await call('DELETE', m);
    assert.equal(deleted.json.body.content, '');

    assert.equal(
      (await call('PATCH', `${t}/users/${bob.id}`, { teamsLicensed: false })).json.teamsLicensed,
      false,
    );
    assert.equal((await call('DELETE', `${t}/users/${carol.id}`)).status, 200);

    const stats = (await call('GET', `${t}/stats`)).json;
    assert.deepEqual(
      {
        users: stats.users,
        unlicensed: stats.usersUnlicensed,
        deleted: stats.usersDeleted,
        messages: stats.messages,
        deletedMessages: stats.messagesDeleted,
        system: stats.systemMessages,
        hosted: stats.hostedContents,
        pinned: stats.pinned,
      },
      // group creation, pin, unpin, add, remove, rename and two calls are system events.
      {
        users: 2,
        unlicensed: 1,
        deleted: 1,
        messages: 9,
        deletedMessages: 1,
        system: 8,
        hosted: 0,
        pinned: 0,
      },
    );
    assert.equal(state.messageMeta(tenant.json.id, chat.json.id, message.id)?.version, 5);
  });

  it('seeds a whole tenant from a seed on request', async () => {
    const made = await call('POST', '/tenants', {
      domain: 'seeded.onmicrosoft.com',
      displayName: 'Seeded',
      seed: { seed: 'control', users: 6, chats: 6, messages: 80, endMs: T0 },
    });
    assert.equal(made.status, 201);
    assert.equal(made.json.stats.messages, 80);
    const listed = await call('GET', '/tenants');
    assert.ok(listed.json.some((t: { domain: string }) => t.domain === 'seeded.onmicrosoft.com'));
    assert.equal((await call('GET', '/tenants/seeded.onmicrosoft.com')).json.id, made.json.id);
  });

  describe('refusals', () => {
    let t: string;
    let c: string;
    let aliceId: string;

    before(() => {
      const tenant = state.createTenant({ domain: 'errors.onmicrosoft.com', displayName: 'Errors' });
      t = `/tenants/${tenant.id}`;
      aliceId = state.addUser(tenant.id, { displayName: 'Alice' }).id;
      const bob = state.addUser(tenant.id, { displayName: 'Bob' }).id;
      const chat = state.createChat(tenant.id, {
        chatType: 'oneOnOne',
        members: [{ userId: aliceId }, { userId: bob }],
      });
      c = `${t}/chats/${encodeURIComponent(chat.id)}`;
    });

    const cases: [string, () => [string, string, unknown?], number, string][] = [
      ['bad JSON', () => ['POST', `${t}/users`, '{"displayName": '], 400, 'invalidJson'],
      ['no body where one is needed', () => ['POST', `${t}/users`], 400, 'invalidRequest'],
      ['a wrong type', () => ['POST', `${t}/users`, { displayName: 42 }], 400, 'invalidRequest'],
      [
        'an unknown key',
        () => ['POST', `${t}/users`, { displayName: 'X', colour: 'red' }],
        400,
        'invalidRequest',
      ],
      [
        'a guest without a home tenant',
        () => ['POST', `${t}/users`, { displayName: 'G', userType: 'Guest' }],
        400,
        'invalid',
      ],
      ['an unknown tenant', () => ['GET', '/tenants/nowhere.example/stats'], 404, 'tenantNotFound'],
      [
        'an unknown user',
        () => ['DELETE', `${t}/users/00000000-0000-4000-8000-000000000000`],
        404,
        'userNotFound',
      ],
      [
        'an unknown chat',
        () => [
          'POST',
          `${t}/chats/${encodeURIComponent('19:nope@thread.v2')}/messages`,
          { from: null, body: { contentType: 'text', content: 'x' } },
        ],
        404,
        'chatNotFound',
      ],
      [
        'an unknown message',
        () => ['PATCH', `${c}/messages/123`, { body: { contentType: 'text', content: 'x' } }],
        404,
        'messageNotFound',
      ],
      [
        'a sender outside the chat',
        () => [
          'POST',
          `${c}/messages`,
          { from: { userId: 'someone' }, body: { contentType: 'text', content: 'x' } },
        ],
        404,
        'memberNotFound',
      ],
      [
        'a sender missing',
        () => ['POST', `${c}/messages`, { body: { contentType: 'text', content: 'x' } }],
        400,
        'invalidRequest',
      ],
      [
        'a body of the wrong kind',
        () => ['POST', `${c}/messages`, { from: null, body: { contentType: 'markdown', content: 'x' } }],
        400,
        'invalidRequest',
      ],
      [
        'bytes that are not base64',
        () => [
          'POST',
          `${c}/messages`,
          {
            from: null,
            body: { contentType: 'html', content: 'x' },
            hostedContents: [{ temporaryId: '1', contentType: 'image/png', contentBytes: '%%%' }],
          },
        ],
        400,
        'invalidRequest',
      ],
      ['renaming a 1:1 chat', () => ['PATCH', c, { topic: 'x' }], 400, 'invalid'],
      [
        'a second 1:1 chat for the same pair',
        () => [
          'POST',
          `${t}/chats`,
          {
            chatType: 'oneOnOne',
            members: [
              { userId: aliceId },
              { userId: state.findUser(t.split('/')[2]!, 'bob@errors.onmicrosoft.com')!.id },
            ],
          },
        ],
        409,
        'conflict',
      ],
      [
        'a duplicate domain',
        () => ['POST', '/tenants', { domain: 'errors.onmicrosoft.com', displayName: 'Again' }],
        409,
        'conflict',
      ],
      [
        'an unknown event kind',
        () => ['POST', `${c}/events`, { event: { kind: 'teamArchived' } }],
        400,
        'invalidRequest',
      ],
      [
        'a reaction query without user',
        () => ['DELETE', `${c}/messages/1/reactions?reactionType=like`],
        400,
        'invalidRequest',
      ],
      [
        'seed sizes out of range',
        () => ['POST', '/tenants', { domain: 'x.example', displayName: 'X', seed: { seed: 's', users: 1 } }],
        400,
        'invalidRequest',
      ],
    ];

    for (const [name, request, status, code] of cases) {
      it(`answers ${status} ${code} to ${name}`, async () => {
        const [method, path, body] = request();
        const res = await call(method, path, body);
        assert.equal(res.status, status, JSON.stringify(res.json));
        assert.equal(res.json.error.code, code);
        assert.equal(typeof res.json.error.message, 'string');
      });
    }

    it('refuses a body over the size limit with 413 and keeps serving', async () => {
      const res = await call(
        'POST',
        `${t}/users`,
        JSON.stringify({ displayName: 'x'.repeat(17 * 1024 * 1024) }),
      );
      assert.equal(res.status, 413);
      assert.equal(res.json.error.code, 'payloadTooLarge');
      assert.equal((await call('GET', `${t}/stats`)).status, 200);
    });
  });
});
