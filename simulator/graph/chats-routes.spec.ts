import assert from 'node:assert/strict';
import { EXPANDED_MEMBERS_LIMIT } from './chats-routes';
import { GraphFixture, NOW, OTHER_TENANT, example } from './graph-test-fixtures';

const DAY = 86_400_000;
type Json = Record<string, unknown>;

/** Stores a documented chat (members split off into rows) and returns it as documented. */
function storeChat(fx: GraphFixture, documented: Json): void {
  const {
    members,
    ['@odata.context']: _context,
    ['members@odata.context']: _membersContext,
    ...chat
  } = documented;
  fx.chat(chat.id as string, {
    chatType: chat.chatType as string,
    createdMs: Date.parse(chat.createdDateTime as string),
    updatedMs: Date.parse(chat.lastUpdatedDateTime as string),
    json: chat,
  });
  for (const member of (members as Json[] | undefined) ?? []) {
    fx.member(chat.id as string, member.userId as string, { json: member as { id: string } });
  }
}

describe('chats: GET /users/{id}/chats, /chats/{id}, /chats/{id}/members', () => {
  let fx: GraphFixture;
  beforeEach(() => {
    fx = new GraphFixture();
  });
  afterEach(() => fx.close());

  it('serves the documented chats and expanded members unchanged (chat-list example 2)', async () => {
    const documented = example('chat-list.2.json').value as Json[];
    for (const chat of documented) storeChat(fx, chat);
    // Tony Stark and Peter Parker are in the three chats between them.
    for (const user of ['4595d2f2-7b31-446c-84fd-9b795e63114b', 'd74fc2ed-cb0e-4288-a219-b5c71abaf2aa'])
      fx.user(user);
    const served = new Map<string, Json>();
    for (const user of ['4595d2f2-7b31-446c-84fd-9b795e63114b', 'd74fc2ed-cb0e-4288-a219-b5c71abaf2aa']) {
      const page = await fx.call(`/users/${user}/chats`, { query: { $expand: 'members' } });
      assert.ok('json' in page);
      assert.equal(
        page.json['@odata.context'],
        'https://graph.microsoft.com/v1.0/$metadata#chats(members())',
      );
      for (const chat of page.json.value as Json[]) served.set(chat.id as string, chat);
    }
    assert.equal(served.size, 3);
    for (const chat of documented) assert.deepEqual(served.get(chat.id as string), chat);
  });

  it('gets one chat as documented, with and without expanded members (chat-get examples 1 and 3)', async () => {
    storeChat(fx, example('chat-get.3.json'));
    const plain = await fx.call('/chats/19:b8577894a63548969c5c92bb9c80c5e1@thread.v2');
    const expanded = await fx.call('/chats/19:b8577894a63548969c5c92bb9c80c5e1@thread.v2', {
      query: { $expand: 'members' },
    });
    assert.ok('json' in plain && 'json' in expanded);
    assert.deepEqual(expanded.json, example('chat-get.3.json'));
    const {
      members: _members,
      ['members@odata.context']: _context,
      ...withoutMembers
    } = example('chat-get.3.json');
    assert.deepEqual(plain.json, {
      ...withoutMembers,
      '@odata.context': example('chat-get.1.json')['@odata.context'],
    });
  });

  it('lists all members of a chat, in order, beyond the 25 an expansion stops at', async () => {
    fx.user('me');
    fx.chat('19:big@thread.v2');
    fx.member('19:big@thread.v2', 'me', { ordinal: 0 });
    for (let i = 1; i < 40; i++) fx.member('19:big@thread.v2', `u${i}`, { ordinal: i });
    const userIds = ['me', ...Array.from({ length: 39 }, (_, i) => `u${i + 1}`)];

    const members = await fx.call('/chats/19:big@thread.v2/members');
    assert.ok('json' in members);
    assert.deepEqual(
      (members.json.value as Json[]).map((m) => m.userId),
      userIds,
    );
    assert.equal(members.json['@odata.count'], 40);
    assert.equal(members.json['@odata.nextLink'], undefined);

    const listed = await fx.call('/users/me/chats', { query: { $expand: 'members' } });
    assert.ok('json' in listed);
    const [chat] = listed.json.value as Json[];
    assert.equal(EXPANDED_MEMBERS_LIMIT, 25);
    assert.deepEqual(
      (chat.members as Json[]).map((m) => m.userId),
      userIds.slice(0, 25),
    );

    const one = await fx.call('/chats/19:big@thread.v2', { query: { $expand: 'members' } });
    assert.ok('json' in one);
    assert.equal((one.json.members as Json[]).length, 25);
  });

  it('serves the documented member list (chat-list-members example 1)', async () => {
    const documented = example('chat-list-members.1.json');
    const chatId =
      '19:8b081ef6-4792-4def-b2c9-c363a1bf41d5_5031bb31-22c0-4f6f-9f73-91d34ab2b32d@unq.gbl.spaces';
    fx.chat(chatId, { chatType: 'oneOnOne' });
    for (const member of documented.value as Json[])
      fx.member(chatId, member.userId as string, { json: member as { id: string } });
    const served = await fx.call(`/chats/${chatId}/members`);
    assert.ok('json' in served);
    assert.deepEqual(served.json.value, documented.value);
  });

  it('pages through every chat of a user exactly once, 20 to a page by default', async () => {
    fx.user('me');
    fx.user('other');
    const mine: string[] = [];
    for (let i = 0; i < 57; i++) {
      const chatId = `19:chat-${String(i).padStart(2, '0')}@thread.v2`;
      fx.chat(chatId);
      fx.member(chatId, 'other');
      if (i % 4 !== 0) {
        fx.member(chatId, 'me');
        mine.push(chatId);
      }
    }
    const pages = await fx.pages('/users/me/chats');
    assert.deepEqual(
      pages.map((page) => (page.value as Json[]).length),
      [20, 20, 2],
    );
    for (const top of ['1', '7', '50']) {
      const served = (await fx.all('/users/me/chats', { query: { $top: top } })).map((chat) => chat.id);
      assert.deepEqual([...served].sort(), mine.sort(), `$top=${top}`);
    }
  });

  it('filters on chatType and lastUpdatedDateTime, and refuses other filters', async () => {
    fx.user('me');
    const chats: [string, string, number][] = [
      ['19:g-old@thread.v2', 'group', NOW - 30 * DAY],
      ['19:g-new@thread.v2', 'group', NOW - 2 * DAY],
      ['19:me_x@unq.gbl.spaces', 'oneOnOne', NOW - 2 * DAY],
      ['19:meeting_m@thread.v2', 'meeting', NOW - 10 * DAY],
    ];
    for (const [chatId, chatType, updatedMs] of chats) {
      fx.chat(chatId, { chatType, updatedMs, createdMs: NOW - 60 * DAY });
      fx.member(chatId, 'me');
    }
    const ids = async (filter: string) =>
      (await fx.all('/users/me/chats', { query: { $filter: filter } }))
        .map((chat) => chat.id as string)
        .sort();
    assert.deepEqual(await ids("chatType eq 'group'"), ['19:g-new@thread.v2', '19:g-old@thread.v2']);
    const weekAgo = new Date(NOW - 7 * DAY).toISOString();
    assert.deepEqual(await ids(`lastUpdatedDateTime gt ${weekAgo}`), [
      '19:g-new@thread.v2',
      '19:me_x@unq.gbl.spaces',
    ]);
    assert.deepEqual(await ids(`chatType eq 'group' and lastUpdatedDateTime lt ${weekAgo}`), [
      '19:g-old@thread.v2',
    ]);
    assert.deepEqual(
      await ids(
        `lastUpdatedDateTime ge ${new Date(NOW - 10 * DAY).toISOString()} and lastUpdatedDateTime le ${new Date(NOW - 10 * DAY).toISOString()}`,
      ),
      ['19:meeting_m@thread.v2'],
    );
    for (const filter of [
      "topic eq 'x'",
      "members/any(o: o/displayName eq 'Peter Parker')",
      "chatType eq 'channel'",
      "chatType ne 'group'",
    ]) {
      const error = await fx.error('/users/me/chats', { query: { $filter: filter } });
      assert.equal(error.status, 400, filter);
    }
  });

  it('expands lastMessagePreview as documented, with real system types only on Prefer', async () => {
    fx.user('me');
    const previews = (example('chat-list.beta.3.json').value as Json[]).map(
      (chat) => chat.lastMessagePreview as Json,
    );
    previews.forEach((preview, i) => {
      const chatId = `19:preview-${i}@thread.v2`;
      fx.chat(chatId);
      fx.member(chatId, 'me');
      const createdMs = Date.parse(preview.createdDateTime as string);
      // An older message first: the preview is of the latest one.
      fx.textMessage(chatId, 'me', createdMs - DAY);
      const { isDeleted: _isDeleted, ...message } = preview;
      fx.message(
        chatId,
        { ...message, lastModifiedDateTime: preview.createdDateTime, chatId, attachments: [] },
        { createdMs, modifiedMs: createdMs },
      );
    });
    fx.chat('19:empty@thread.v2');
    fx.member('19:empty@thread.v2', 'me');

    const served = await fx.all('/users/me/chats', {
      query: { $expand: 'lastMessagePreview' },
      headers: { Prefer: 'include-unknown-enum-members' },
    });
    const byId = new Map(served.map((chat) => [chat.id, chat.lastMessagePreview]));
    previews.forEach((preview, i) => assert.deepEqual(byId.get(`19:preview-${i}@thread.v2`), preview));
    assert.equal(byId.get('19:empty@thread.v2'), null);

    const plain = await fx.all('/users/me/chats', { query: { $expand: 'lastMessagePreview,members' } });
    const types = plain.map((chat) => (chat.lastMessagePreview as Json | null)?.messageType);
    assert.ok(types.includes('unknownFutureValue'));
    assert.ok(!types.includes('systemEventMessage'));
    assert.ok(plain.every((chat) => Array.isArray(chat.members)));
  });

  it('orders by the last message, newest first, chats without messages last, paging each chat once', async () => {
    fx.user('me');
    const order: string[] = [];
    for (let i = 0; i < 12; i++) {
      const chatId = `19:c${i}@thread.v2`;
      fx.chat(chatId);
      fx.member(chatId, 'me');
      if (i % 5 !== 4) fx.textMessage(chatId, 'me', NOW - ((i * 7) % 12) * DAY);
    }
    for (let i = 0; i < 12; i++) if (i % 5 !== 4) order.push(`19:c${i}@thread.v2`);
    order.sort((a, b) => lastOf(a) - lastOf(b));
    function lastOf(chatId: string): number {
      return ((Number(chatId.slice(4, -10)) * 7) % 12) * DAY;
    }
    const served = await fx.all('/users/me/chats', {
      query: { $top: '3', $orderby: 'lastMessagePreview/createdDateTime desc' },
    });
    assert.deepEqual(
      served.map((chat) => chat.id),
      [...order, '19:c9@thread.v2', '19:c4@thread.v2'],
    );
    const asc = await fx.error('/users/me/chats', {
      query: { $orderby: 'lastMessagePreview/createdDateTime asc' },
    });
    assert.equal(asc.status, 400);
  });

  it('refuses unsupported options, and message previews to Chat.ReadBasic.All', async () => {
    fx.user('me');
    for (const query of [
      { $top: '51' },
      { $expand: 'installedApps' },
      { $orderby: 'createdDateTime desc' },
      { $select: 'topic' },
    ] as Record<string, string>[]) {
      const error = await fx.error('/users/me/chats', { query });
      assert.equal(error.status, 400, JSON.stringify(query));
    }
    const basic = ['Chat.ReadBasic.All'];
    const error = await fx.error('/users/me/chats', {
      query: { $expand: 'lastMessagePreview' },
      roles: basic,
    });
    assert.equal(error.status, 403);
    const members = await fx.call('/users/me/chats', { query: { $expand: 'members' }, roles: basic });
    assert.equal(members.status, 200);
  });

  it("answers 404 for other tenants' and unknown users and chats, 403 for an unlicensed user", async () => {
    fx.user('gone', { deleted: true });
    fx.user('theirs', { tenantId: OTHER_TENANT });
    fx.user('unlicensed', { licensed: false });
    fx.chat('19:theirs@thread.v2', { tenantId: OTHER_TENANT });
    fx.member('19:theirs@thread.v2', 'theirs', { tenantId: OTHER_TENANT });
    for (const path of [
      '/users/gone/chats',
      '/users/theirs/chats',
      '/users/nobody/chats',
      '/chats/19:theirs@thread.v2',
      '/chats/19:theirs@thread.v2/members',
      '/chats/19:nothing@thread.v2/members',
    ]) {
      const error = await fx.error(path);
      assert.equal(error.status, 404, path);
      assert.equal(error.code, 'NotFound', path);
    }
    assert.equal((await fx.error('/users/unlicensed/chats')).status, 403);
    const theirs = await fx.call('/chats/19:theirs@thread.v2/members', { tenantId: OTHER_TENANT });
    assert.equal(theirs.status, 200);
  });
});
