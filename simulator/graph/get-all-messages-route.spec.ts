import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { BASE_URL, GraphFixture, NOW, OTHER_TENANT, example } from './graph-test-fixtures';

const DAY = 86_400_000;
type Json = Record<string, unknown>;

const keyOf = (message: Json) => `${message.chatId as string}/${message.id as string}`;

describe('GET /users/{id}/chats/getAllMessages', () => {
  let fx: GraphFixture;
  beforeEach(() => {
    fx = new GraphFixture();
  });
  afterEach(() => fx.close());

  it("returns each group chat's messages once per member asked, and nothing of chats the user is not in", async () => {
    for (const user of ['a', 'b', 'c']) fx.user(user);
    const chats: Record<string, string[]> = {
      '19:g1@thread.v2': ['a', 'b', 'c'],
      '19:a_b@unq.gbl.spaces': ['a', 'b'],
      '19:g2@thread.v2': ['b', 'c'],
    };
    for (const [chatId, members] of Object.entries(chats)) {
      fx.chat(chatId);
      for (const member of members) fx.member(chatId, member);
      members.forEach((member, i) => fx.textMessage(chatId, member, NOW - (i + 1) * DAY));
    }
    const seen = new Map<string, number>();
    for (const user of ['a', 'b', 'c']) {
      const messages = await fx.all(`/users/${user}/chats/getAllMessages`, { query: { $top: '2' } });
      const expectedChats = Object.keys(chats).filter((chatId) => chats[chatId].includes(user));
      assert.deepEqual([...new Set(messages.map((m) => m.chatId))].sort(), expectedChats.sort(), user);
      for (const message of messages) seen.set(keyOf(message), (seen.get(keyOf(message)) ?? 0) + 1);
    }
    // Deduplicated on chatId + id, the three users' exports hold every message once per member.
    for (const [chatId, members] of Object.entries(chats)) {
      for (const [i, member] of members.entries())
        assert.equal(seen.get(`${chatId}/${NOW - (i + 1) * DAY}`), members.length, member);
    }
  });

  describe('paging a user in many chats', () => {
    interface Row {
      chatId: string;
      id: string;
      createdMs: number;
      modifiedMs: number;
      from: string;
      type: 'message' | 'systemEventMessage';
      identity: string;
    }
    const rows: Row[] = [];

    beforeEach(() => {
      rows.length = 0;
      fx.user('me');
      fx.user('other');
      const random = seedrandom('get-all-messages');
      for (let c = 0; c < 150; c++) {
        const chatId = `19:chat-${String(c).padStart(3, '0')}@thread.v2`;
        fx.chat(chatId);
        fx.member(chatId, 'other');
        if (c % 10 !== 9) fx.member(chatId, 'me');
        // Most chats are small, a few are big, many are empty.
        const size =
          random() < 0.4 ? 0 : random() < 0.9 ? Math.floor(random() * 6) : 60 + Math.floor(random() * 40);
        for (let m = 0; m < size; m++) {
          const createdMs = NOW - Math.floor(random() * 50) * DAY;
          const modifiedMs = random() < 0.2 ? createdMs + Math.floor(random() * 10) * DAY : createdMs;
          const from = random() < 0.5 ? 'me' : 'other';
          const type = random() < 0.1 ? 'systemEventMessage' : 'message';
          const identity = random() < 0.15 ? 'federatedUser' : 'aadUser';
          const id = String(1_700_000_000_000 + c * 1000 + m);
          const row: Row = { chatId, id, createdMs, modifiedMs, from, type, identity };
          fx.message(
            chatId,
            {
              id,
              messageType: type,
              createdDateTime: new Date(createdMs).toISOString(),
              lastModifiedDateTime: new Date(modifiedMs).toISOString(),
              chatId,
              from: {
                application: null,
                device: null,
                user: { id: from, displayName: from, userIdentityType: identity },
              },
              body: { contentType: 'text', content: `${c}/${m}` },
            },
            { createdMs, modifiedMs },
          );
          if (c % 10 !== 9) rows.push(row);
        }
      }
      assert.ok(rows.length > 300);
    });

    const gt = NOW - 20 * DAY;
    const lt = NOW - 5 * DAY;
    const cases: [string, string | undefined, (row: Row) => boolean][] = [
      ['no filter', undefined, () => true],
      [
        'a modification range',
        `lastModifiedDateTime gt ${iso(gt)} and lastModifiedDateTime lt ${iso(lt)}`,
        (r) => r.modifiedMs > gt && r.modifiedMs < lt,
      ],
      ['modified after', `lastModifiedDateTime gt ${iso(gt)}`, (r) => r.modifiedMs > gt],
      ['a sender', "from/user/id eq 'me'", (r) => r.from === 'me'],
      [
        'federated senders',
        "from/user/userIdentityType eq 'federatedUser'",
        (r) => r.identity === 'federatedUser',
      ],
      ['system messages', "messageType eq 'systemEventMessage'", (r) => r.type === 'systemEventMessage'],
      [
        'a range and a sender',
        `lastModifiedDateTime gt ${iso(gt)} and from/user/id eq 'other'`,
        (r) => r.modifiedMs > gt && r.from === 'other',
      ],
    ];

    for (const [name, filter, keep] of cases) {
      for (const top of ['1', '9', '50']) {
        it(`serves every matching message exactly once: ${name}, $top=${top}`, async () => {
          const query: Record<string, string> = { $top: top };
          if (filter) query.$filter = filter;
          const pages = await fx.pages('/users/me/chats/getAllMessages', { query });
          const served = pages.flatMap((page) => page.value as Json[]);
          const keys = served.map(keyOf);
          assert.equal(new Set(keys).size, keys.length, 'no message twice');
          assert.deepEqual(
            keys.sort(),
            rows
              .filter(keep)
              .map((r) => `${r.chatId}/${r.id}`)
              .sort(),
          );
          for (const page of pages.slice(0, -1)) assert.equal((page.value as Json[]).length, Number(top));
          for (const message of served) assert.equal(message['@odata.type'], '#microsoft.graph.chatMessage');
        });
      }
    }

    it('carries $top, $filter and model into nextLink', async () => {
      const filter = "from/user/id eq 'me'";
      const outcome = await fx.call('/users/me/chats/getAllMessages', {
        query: { $top: '3', $filter: filter, model: 'B' },
      });
      assert.ok('json' in outcome);
      const next = new URL(outcome.json['@odata.nextLink'] as string);
      assert.equal(`${next.origin}${next.pathname}`, `${BASE_URL}/users/me/chats/getAllMessages`);
      assert.equal(next.searchParams.get('$filter'), filter);
      assert.equal(next.searchParams.get('model'), 'B');
      assert.equal(next.searchParams.get('$top'), '3');
    });

    it('goes on to the next chat when the user left the chat a page ended in', async () => {
      const first = await fx.call('/users/me/chats/getAllMessages', { query: { $top: '1' } });
      assert.ok('json' in first);
      const [message] = first.json.value as Json[];
      fx.db.prepare("DELETE FROM chat_members WHERE chat_id = ? AND user_id = 'me'").run(message.chatId);
      const next = new URL(first.json['@odata.nextLink'] as string);
      const rest = await fx.all('/users/me/chats/getAllMessages', {
        query: Object.fromEntries(next.searchParams),
      });
      assert.ok(rest.length > 0);
      assert.ok(rest.every((m) => m.chatId !== message.chatId));
    });
  });

  it('serves the documented example messages with their @odata.type, and real system types only on Prefer', async () => {
    fx.user('0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5');
    const documented = example('chats-getallmessages.1.json').value as Json[];
    for (const message of documented) {
      fx.chat(message.chatId as string);
      fx.member(message.chatId as string, '0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5');
      fx.message(message.chatId as string, message);
    }
    const system = (example('chat-list-messages.2.json').value as Json[])[2];
    fx.message(documented[0].chatId as string, system, {
      createdMs: Date.UTC(2021, 2, 17),
      modifiedMs: Date.UTC(2021, 2, 17),
    });

    const served = await fx.all('/users/0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5/chats/getAllMessages', {
      headers: { Prefer: 'include-unknown-enum-members' },
    });
    const byId = new Map(served.map((m) => [m.id, m]));
    for (const message of documented) assert.deepEqual(byId.get(message.id), message);
    assert.deepEqual(byId.get(system.id), { '@odata.type': '#microsoft.graph.chatMessage', ...system });

    const plain = await fx.all('/users/0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5/chats/getAllMessages');
    assert.equal(plain.find((m) => m.id === system.id)?.messageType, 'unknownFutureValue');
    const systemOnly = await fx.all('/users/0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5/chats/getAllMessages', {
      query: { $filter: "messageType eq 'systemEventMessage'" },
    });
    assert.deepEqual(
      systemOnly.map((m) => m.id),
      [system.id],
    );
  });

  it('finds the user by user principal name too', async () => {
    fx.user('u1', { upn: 'Adele.Vance@contoso.example' });
    fx.chat('19:c@thread.v2');
    fx.member('19:c@thread.v2', 'u1');
    fx.textMessage('19:c@thread.v2', 'u1', NOW - DAY);
    assert.equal((await fx.all('/users/adele.vance@contoso.example/chats/getAllMessages')).length, 1);
  });

  it('answers 404 for unknown, deleted and other-tenant users, and 403 for a user without a Teams license', async () => {
    fx.user('gone', { deleted: true });
    fx.user('theirs', { tenantId: OTHER_TENANT });
    fx.user('unlicensed', { licensed: false });
    for (const user of ['nobody', 'gone', 'theirs']) {
      const error = await fx.error(`/users/${user}/chats/getAllMessages`);
      assert.equal(error.status, 404, user);
      assert.equal(error.code, 'NotFound');
    }
    const error = await fx.error('/users/unlicensed/chats/getAllMessages');
    assert.equal(error.status, 403);
    assert.equal(error.code, 'Forbidden');
    assert.match(error.message, /license/);
  });

  it('refuses malformed and unsupported query options with 400', async () => {
    fx.user('me');
    fx.user('other');
    fx.chat('19:c@thread.v2');
    fx.member('19:c@thread.v2', 'other');
    fx.member('19:c@thread.v2', 'me');
    for (let i = 0; i < 3; i++) fx.textMessage('19:c@thread.v2', 'me', NOW - i * DAY);
    const otherFirst = await fx.call('/users/other/chats/getAllMessages', { query: { $top: '1' } });
    assert.ok('json' in otherFirst);
    const otherToken = new URL(otherFirst.json['@odata.nextLink'] as string).searchParams.get(
      '$skiptoken',
    ) as string;
    const cases: Record<string, string>[] = [
      { $top: '51' },
      { $top: 'ten' },
      { $filter: "subject eq 'x'" },
      { $filter: `lastModifiedDateTime eq ${iso(NOW)}` },
      { $filter: "from/user/id ne 'me'" },
      { $filter: 'from/user/id eq me' },
      { $filter: `lastModifiedDateTime gt ${iso(NOW)} or messageType eq 'message'` },
      { $orderby: 'createdDateTime desc' },
      { model: 'C' },
      { $skiptoken: 'eyJub3QiOiJ0aGlzIn0' },
      { $skiptoken: otherToken },
      { $skiptoken: otherToken, $filter: `lastModifiedDateTime gt ${iso(0)}` },
    ];
    for (const query of cases) {
      const error = await fx.error('/users/me/chats/getAllMessages', { query });
      assert.equal(error.status, 400, JSON.stringify(query));
      assert.equal(error.code, 'BadRequest', JSON.stringify(query));
    }
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
