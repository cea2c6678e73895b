import assert from 'node:assert/strict';
import { GraphFixture, NOW, splitLink } from './graph-test-fixtures';

const DAY = 86_400_000;
type Json = Record<string, unknown>;
const PATH = '/users/me/chats/getAllMessages/delta';

interface Round {
  messages: Json[];
  pages: Json[];
  deltaLink: string;
}

describe('GET /users/{id}/chats/getAllMessages/delta', () => {
  let fx: GraphFixture;

  /** Follows nextLinks to the deltaLink, as a client does. */
  async function round(start: { path: string; query: Record<string, string> }): Promise<Round> {
    const pages = await fx.pages(start.path, { query: start.query });
    for (const page of pages.slice(0, -1))
      assert.equal(page['@odata.deltaLink'], undefined, 'deltaLink only on the last page');
    const deltaLink = pages.at(-1)?.['@odata.deltaLink'];
    assert.equal(typeof deltaLink, 'string', 'the last page carries a deltaLink');
    return { messages: pages.flatMap((page) => page.value as Json[]), pages, deltaLink: deltaLink as string };
  }

  const ids = (messages: Json[]) => messages.map((m) => `${m.chatId as string}/${m.id as string}`).sort();

  beforeEach(() => {
    fx = new GraphFixture();
    fx.user('me');
    fx.user('other');
    for (const chatId of ['19:a@thread.v2', '19:b@thread.v2', '19:not-mine@thread.v2']) {
      fx.chat(chatId);
      fx.member(chatId, 'other');
      if (chatId !== '19:not-mine@thread.v2') fx.member(chatId, 'me');
    }
    // Two messages a day for a year in each chat: about two thirds of them lie within eight months.
    for (let day = 1; day <= 365; day += 3) {
      fx.textMessage('19:a@thread.v2', 'me', NOW - day * DAY);
      fx.textMessage('19:b@thread.v2', 'other', NOW - day * DAY + 1);
      fx.textMessage('19:not-mine@thread.v2', 'other', NOW - day * DAY + 2);
    }
  });
  afterEach(() => fx.close());

  it('starts with the messages of the last eight months, paged, and ends with a deltaLink', async () => {
    const first = await round({ path: PATH, query: { $top: '7' } });
    const since = Date.UTC(2025, 9, 1); // eight months before NOW (2026-06-01)
    const expected = fx.db
      .prepare(
        "SELECT chat_id || '/' || id AS key FROM messages WHERE chat_id IN ('19:a@thread.v2', '19:b@thread.v2') AND last_modified_ms >= ? ORDER BY key",
      )
      .all(since)
      .map((row) => (row as { key: string }).key);
    assert.ok(expected.length > 100);
    assert.deepEqual(ids(first.messages), expected);
    assert.ok(first.pages.length > 10);
    for (const page of first.pages.slice(0, -1)) assert.equal((page.value as Json[]).length, 7);
    for (const message of first.messages)
      assert.equal(message['@odata.type'], '#microsoft.graph.chatMessage');
    assert.match(first.deltaLink, /\/users\/me\/chats\/getAllMessages\/delta\?\$deltatoken=[A-Za-z0-9_-]+$/);
  });

  it('returns from the deltaLink only what was written since, then nothing', async () => {
    const first = await round({ path: PATH, query: { $top: '1' } });
    fx.clock.advance(DAY);
    const editedMs = NOW + DAY;
    fx.touch('19:a@thread.v2', String(NOW - 4 * DAY), editedMs);
    fx.touch('19:not-mine@thread.v2', String(NOW - 4 * DAY + 2), editedMs);
    fx.textMessage('19:b@thread.v2', 'other', editedMs + 5);
    fx.textMessage('19:not-mine@thread.v2', 'other', editedMs + 6);

    const second = await round(splitLink(first.deltaLink));
    assert.deepEqual(ids(second.messages), [
      `19:a@thread.v2/${NOW - 4 * DAY}`,
      `19:b@thread.v2/${editedMs + 5}`,
    ]);
    const edited = second.messages.find((m) => m.chatId === '19:a@thread.v2');
    assert.equal(edited?.lastModifiedDateTime, new Date(editedMs).toISOString());

    assert.equal(second.pages.length, 2, 'the deltaLink keeps the page size of the round that made it');
    const third = await round(splitLink(second.deltaLink));
    assert.deepEqual(third.messages, []);
    assert.equal(third.pages.length, 1);
    assert.ok(first.pages.length > 100);
  });

  it('never loses a message changed while a round is being paged: it comes in the next round', async () => {
    const firstPage = await fx.call(PATH, { query: { $top: '5' } });
    assert.ok('json' in firstPage);
    const served = firstPage.json.value as Json[];
    // One message already served and one not yet served change before the round goes on.
    fx.touch('19:a@thread.v2', served[0].id as string, NOW + 1);
    fx.touch('19:b@thread.v2', String(NOW - 1 * DAY + 1), NOW + 2);
    const rest = await round(splitLink(firstPage.json['@odata.nextLink'] as string));
    const next = await round(splitLink(rest.deltaLink));
    assert.deepEqual(
      ids(next.messages),
      ids([served[0], { chatId: '19:b@thread.v2', id: String(NOW - 1 * DAY + 1) }]),
    );
    const all = new Set([...ids(served), ...ids(rest.messages), ...ids(next.messages)]);
    assert.ok(all.has(`19:b@thread.v2/${NOW - 1 * DAY + 1}`));
  });

  it('keeps $top across pages and narrows the first round with $filter=lastModifiedDateTime gt', async () => {
    const after = NOW - 10 * DAY;
    const first = await round({
      path: PATH,
      query: { $top: '3', $filter: `lastModifiedDateTime gt ${new Date(after).toISOString()}` },
    });
    assert.ok(first.messages.every((m) => Date.parse(m.lastModifiedDateTime as string) > after));
    const expected = fx.db
      .prepare(
        "SELECT count(*) AS n FROM messages WHERE chat_id IN ('19:a@thread.v2', '19:b@thread.v2') AND last_modified_ms > ?",
      )
      .get(after) as { n: number };
    assert.equal(first.messages.length, expected.n);
    assert.ok(expected.n > 3);
    for (const page of first.pages.slice(0, -1)) assert.equal((page.value as Json[]).length, 3);
    const link = new URL(first.pages[0]['@odata.nextLink'] as string);
    assert.deepEqual([...link.searchParams.keys()], ['$skiptoken']);
  });

  it('refuses tokens it did not hand to this user, both tokens at once, and filters on later rounds', async () => {
    const mine = await round({ path: PATH, query: { $top: '50' } });
    const theirs = await fx.call('/users/other/chats/getAllMessages/delta', { query: { $top: '1' } });
    assert.ok('json' in theirs);
    const theirSkip = new URL(theirs.json['@odata.nextLink'] as string).searchParams.get(
      '$skiptoken',
    ) as string;
    const myDelta = splitLink(mine.deltaLink).query.$deltatoken;
    const cases: Record<string, string>[] = [
      { $skiptoken: theirSkip },
      { $deltatoken: 'garbage' },
      { $deltatoken: myDelta, $skiptoken: theirSkip },
      { $deltatoken: myDelta, $filter: `lastModifiedDateTime gt ${new Date(NOW).toISOString()}` },
      { $filter: "from/user/id eq 'me'" },
      { $top: '51' },
    ];
    for (const query of cases) {
      const error = await fx.error(PATH, { query });
      assert.equal(error.status, 400, JSON.stringify(query));
    }
    const error = await fx.error('/users/other/chats/getAllMessages/delta', {
      query: { $deltatoken: myDelta },
    });
    assert.equal(error.status, 400);
  });
});
