import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import {
  BASE_URL,
  GraphFixture,
  NOW,
  OTHER_TENANT,
  example,
  examplesStartingWith,
} from './graph-test-fixtures';

const PREFER = { Prefer: 'include-unknown-enum-members' };
const DAY = 86_400_000;
const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';

type Json = Record<string, unknown>;

/** Every chatMessage the documented examples show, with the file it came from. */
function exampleMessages(): { file: string; message: Json }[] {
  const files = [
    ...examplesStartingWith('chat-list-messages.'),
    ...examplesStartingWith('chats-getallmessages.'),
    ...examplesStartingWith('chatmessage-delta.'),
    ...examplesStartingWith('chatmessage-get.'),
    ...examplesStartingWith('chatmessage-post.'),
    ...examplesStartingWith('system-messages.'),
    'chat-list-pinnedmessages.2.json',
  ];
  return files.flatMap((file) => {
    const body = example(file);
    if (Array.isArray(body.value)) {
      return (body.value as Json[]).map((item) => ({
        file,
        message: (item.message as Json | undefined) ?? item,
      }));
    }
    const { ['@odata.context']: _context, ...message } = body;
    return [{ file, message }];
  });
}

/** Row times for a message; the docs have a few timestamps no parser reads (`2021-03-1706:47:05.123Z`). */
function timesOf(message: Json, fallback: number): { createdMs: number; modifiedMs: number } {
  const parse = (value: unknown) => {
    const ms = Date.parse(String(value).replace(/^(\d{4}-\d{2}-\d{2})(\d{2}:)/, '$1T$2'));
    return Number.isFinite(ms) ? ms : fallback;
  };
  return { createdMs: parse(message.createdDateTime), modifiedMs: parse(message.lastModifiedDateTime) };
}

describe('GET /chats/{id}/messages', () => {
  let fx: GraphFixture;
  beforeEach(() => {
    fx = new GraphFixture();
  });
  afterEach(() => fx.close());

  it('serves every documented message shape back unchanged, listed and one by one', async () => {
    const stored = exampleMessages();
    assert.ok(stored.length >= 45, `only ${stored.length} example messages found`);
    stored.forEach(({ message }, i) => {
      const chatId = `19:example-${i}@thread.v2`;
      fx.chat(chatId);
      fx.message(chatId, message, {
        id: (message.id as string | undefined) ?? `no-id-${i}`,
        ...timesOf(message, NOW - i),
      });
    });

    for (const [i, { file, message }] of stored.entries()) {
      const chatId = `19:example-${i}@thread.v2`;
      const listed = await fx.all(`/chats/${chatId}/messages`, { headers: PREFER });
      assert.deepEqual(listed, [message], `listing ${file}`);
      // With the real enum values asked for, the stored text itself is served, byte for byte.
      const raw = await fx.result(`/chats/${chatId}/messages`, { headers: PREFER });
      assert.ok(
        'rawJson' in raw && raw.rawJson.toString().includes(`"value":[${JSON.stringify(message)}]`),
        file,
      );
      const one = await fx.call(
        `/chats/${chatId}/messages/${(message.id as string | undefined) ?? `no-id-${i}`}`,
        {
          headers: PREFER,
        },
      );
      assert.ok('json' in one);
      const { ['@odata.context']: context, ...served } = one.json;
      assert.deepEqual(served, message, `getting ${file}`);
      assert.equal(context, `${BASE_URL}/$metadata#chats('${encodeURIComponent(chatId)}')/messages/$entity`);
    }
  });

  it('answers chat-list-messages example 1 without Prefer and example 2 with it', async () => {
    fx.chat(CHAT);
    const withRealTypes = example('chat-list-messages.2.json').value as Json[];
    for (const message of withRealTypes)
      fx.message(CHAT, message, timesOf(message, Date.UTC(2021, 2, 17, 6, 47, 5, 123)));

    const plain = await fx.call(`/chats/${CHAT}/messages`, { query: { $top: '3' } });
    const preferred = await fx.call(`/chats/${CHAT}/messages`, {
      query: { $top: '3' },
      headers: { prefer: 'return=minimal, include-unknown-enum-members' },
    });
    assert.ok('json' in plain && 'json' in preferred);
    assert.deepEqual(plain.json.value, example('chat-list-messages.1.json').value);
    assert.deepEqual(preferred.json.value, withRealTypes);
    assert.equal(plain.json['@odata.context'], example('chat-list-messages.1.json')['@odata.context']);
    assert.equal(plain.json['@odata.count'], 3);

    const system = await fx.call(`/chats/${CHAT}/messages/1615943825123`);
    assert.ok('json' in system);
    assert.equal(system.json.messageType, 'unknownFutureValue');
  });

  describe('paging', () => {
    interface Row {
      id: string;
      createdMs: number;
      modifiedMs: number;
      deletedMs?: number;
    }
    const rows: Row[] = [];
    const base = NOW - 300 * DAY;

    beforeEach(() => {
      rows.length = 0;
      fx.chat(CHAT);
      fx.chat('19:neighbour@thread.v2');
      const random = seedrandom('chat-messages-paging');
      for (let i = 0; i < 137; i++) {
        // Coarse times so that many messages share a timestamp: ties must page too.
        const createdMs = base + Math.floor(random() * 40) * DAY;
        const modifiedMs = random() < 0.3 ? createdMs + Math.floor(random() * 300) * DAY : createdMs;
        const row: Row = {
          id: String(1_700_000_000_000 + i),
          createdMs,
          modifiedMs: Math.min(modifiedMs, NOW),
        };
        if (i % 23 === 0) row.deletedMs = NOW - (i % 2 ? 5 : 30) * DAY;
        rows.push(row);
        fx.textMessage(CHAT, 'u1', createdMs, {
          id: row.id,
          modifiedMs: row.deletedMs ?? row.modifiedMs,
          deleted: row.deletedMs !== undefined,
        });
        fx.textMessage('19:neighbour@thread.v2', 'u1', createdMs, { id: row.id });
      }
    });

    const gt = NOW - 280 * DAY;
    const lt = NOW - 100 * DAY;
    const filters: Record<string, string | undefined> = {
      none: undefined,
      modifiedAfter: `lastModifiedDateTime gt ${new Date(gt).toISOString()}`,
      modifiedBefore: `lastModifiedDateTime lt ${new Date(lt).toISOString()}`,
      modifiedBetween: `lastModifiedDateTime gt ${new Date(gt).toISOString()} and lastModifiedDateTime lt ${new Date(lt).toISOString()}`,
      createdBefore: `createdDateTime lt ${new Date(base + 20 * DAY).toISOString()}`,
    };
    const orders = [undefined, 'lastModifiedDateTime desc', 'createdDateTime desc'] as const;

    /** What Graph answers: readable messages, the filter applied only when $orderby names its property. */
    function expected(order: (typeof orders)[number], filter: string | undefined): string[] {
      const byCreated = order === 'createdDateTime desc';
      const key = (row: Row) => (byCreated ? row.createdMs : (row.deletedMs ?? row.modifiedMs));
      const modifiedOrder = order === 'lastModifiedDateTime desc';
      return rows
        .filter((row) => row.deletedMs === undefined || row.deletedMs >= NOW - 21 * DAY)
        .filter((row) => {
          const modified = row.deletedMs ?? row.modifiedMs;
          if (filter === filters.modifiedAfter && modifiedOrder) return modified > gt;
          if (filter === filters.modifiedBefore && modifiedOrder) return modified < lt;
          if (filter === filters.modifiedBetween && modifiedOrder) return modified > gt && modified < lt;
          if (filter === filters.createdBefore && byCreated) return row.createdMs < base + 20 * DAY;
          return true;
        })
        .sort((a, b) => key(b) - key(a) || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0))
        .map((row) => row.id);
    }

    for (const order of orders) {
      for (const [name, filter] of Object.entries(filters)) {
        for (const top of ['1', '7', '50']) {
          it(`returns every message once, in order: $orderby=${order ?? '(default)'}, ${name}, $top=${top}`, async () => {
            const query: Record<string, string> = { $top: top };
            if (order) query.$orderby = order;
            if (filter) query.$filter = filter;
            const pages = await fx.pages(`/chats/${CHAT}/messages`, { query });
            const ids = pages.flatMap((page) =>
              (page.value as Json[]).map((message) => message.id as string),
            );
            assert.deepEqual(ids, expected(order, filter));
            for (const page of pages.slice(0, -1)) assert.equal((page.value as Json[]).length, Number(top));
            assert.equal(pages.at(-1)?.['@odata.nextLink'], undefined);
          });
        }
      }
    }

    it('silently ignores a date filter unless $orderby names the same property', async () => {
      const filter = filters.modifiedBetween;
      const all = expected(undefined, undefined);
      const filtered = expected('lastModifiedDateTime desc', filter);
      assert.ok(filtered.length > 0 && filtered.length < all.length);
      const ids = async (query: Record<string, string>) =>
        (await fx.all(`/chats/${CHAT}/messages`, { query: { $top: '50', ...query } })).map((m) => m.id);
      assert.deepEqual(await ids({ $filter: filter as string }), all);
      assert.equal(
        (await ids({ $filter: filter as string, $orderby: 'createdDateTime desc' })).length,
        all.length,
      );
      assert.deepEqual(
        await ids({ $filter: filter as string, $orderBy: 'lastModifiedDateTime desc' }),
        filtered,
      );
    });

    it('carries $top, $orderby and $filter into nextLink, built on the base the client called', async () => {
      const baseUrl = 'https://127.0.0.1:8443/v1.0';
      const outcome = await fx.call(`/chats/${CHAT}/messages`, {
        baseUrl,
        query: { $top: '5', $orderby: 'createdDateTime desc', $filter: filters.createdBefore as string },
      });
      assert.ok('json' in outcome);
      const next = new URL(outcome.json['@odata.nextLink'] as string);
      assert.equal(`${next.origin}${next.pathname}`, `${baseUrl}/chats/${CHAT}/messages`);
      assert.equal(next.searchParams.get('$top'), '5');
      assert.equal(next.searchParams.get('$orderby'), 'createdDateTime desc');
      assert.equal(next.searchParams.get('$filter'), filters.createdBefore);
      assert.match(next.searchParams.get('$skiptoken') ?? '', /^[A-Za-z0-9_-]+$/);
    });

    it('refuses a skip token that was altered or belongs to another listing', async () => {
      const first = await fx.call(`/chats/${CHAT}/messages`, { query: { $top: '5' } });
      assert.ok('json' in first);
      const token = new URL(first.json['@odata.nextLink'] as string).searchParams.get('$skiptoken') as string;
      for (const [path, query] of [
        [`/chats/${CHAT}/messages`, { $skiptoken: `${token.slice(0, -3)}` }],
        [`/chats/${CHAT}/messages`, { $skiptoken: 'not a token' }],
        ['/chats/19:neighbour@thread.v2/messages', { $skiptoken: token }],
        [`/chats/${CHAT}/messages`, { $skiptoken: token, $orderby: 'createdDateTime desc' }],
      ] as const) {
        const error = await fx.error(path, { query });
        assert.equal(error.status, 400, JSON.stringify(query));
        assert.equal(error.code, 'BadRequest');
      }
    });
  });

  it('refuses malformed and unsupported query options with 400 BadRequest', async () => {
    fx.chat(CHAT);
    const cases: [Record<string, string>, RegExp][] = [
      [{ $top: 'abc' }, /\$top/],
      [{ $top: '0' }, /\$top/],
      [{ $top: '-1' }, /\$top/],
      [{ $top: '51' }, /limit of '50' for Top query has been exceeded/],
      [{ $orderby: 'createdDateTime asc' }, /descending/],
      [{ $orderby: 'createdDateTime' }, /descending/],
      [{ $orderby: 'subject desc' }, /subject/],
      [{ $orderby: 'createdDateTime desc, id desc' }, /orderby/i],
      [{ $filter: 'lastModifiedDateTime gt' }, /filter/i],
      [{ $filter: 'lastModifiedDateTime gt 2024-13-45T00:00:00Z' }, /filter/i],
      [{ $filter: "startswith(subject,'a')" }, /not supported/],
      [{ $filter: 'nosuchproperty eq 1' }, /nosuchproperty/],
      [{ $filter: 'createdDateTime gt 2024-01-01T00:00:00Z', $orderby: 'createdDateTime desc' }, /lt/],
      [
        { $filter: "lastModifiedDateTime gt '2024'", $orderby: 'lastModifiedDateTime desc' },
        /DateTimeOffset/,
      ],
      [{ $skip: '10' }, /\$skip/],
      [{ $select: 'id' }, /\$select/],
      [{ $expand: 'replies' }, /\$expand/],
      [{ $top: '5', top: '6' }, /more than once/],
    ];
    for (const [query, message] of cases) {
      const error = await fx.error(`/chats/${CHAT}/messages`, { query });
      assert.equal(error.status, 400, JSON.stringify(query));
      assert.equal(error.code, 'BadRequest', JSON.stringify(query));
      assert.match(error.message, message, JSON.stringify(query));
    }
  });

  it('reads $top without the $ prefix and option names in any case, as Graph v1.0 does', async () => {
    fx.chat(CHAT);
    for (let i = 0; i < 5; i++) fx.textMessage(CHAT, 'u1', NOW - i * DAY);
    const outcome = await fx.call(`/chats/${CHAT}/messages`, {
      query: { top: '2', $OrderBy: 'createdDateTime desc' },
    });
    assert.ok('json' in outcome);
    assert.equal((outcome.json.value as Json[]).length, 2);
  });

  it("answers 404 for an unknown chat and for another tenant's chat or message", async () => {
    fx.chat(CHAT, { tenantId: OTHER_TENANT });
    fx.textMessage(CHAT, 'u9', NOW - DAY, { tenantId: OTHER_TENANT, id: '1' });
    for (const path of [
      `/chats/${CHAT}/messages`,
      `/chats/${CHAT}/messages/1`,
      '/chats/19:nope@thread.v2/messages',
    ]) {
      const error = await fx.error(path);
      assert.equal(error.status, 404, path);
      assert.equal(error.code, 'NotFound', path);
    }
    const theirs = await fx.all(`/chats/${CHAT}/messages`, { tenantId: OTHER_TENANT });
    assert.equal(theirs.length, 1);
  });

  it('keeps a deleted message readable for 21 days, then answers 404', async () => {
    fx.chat(CHAT);
    fx.textMessage(CHAT, 'u1', NOW - 40 * DAY, { id: 'recent', modifiedMs: NOW - 20 * DAY, deleted: true });
    fx.textMessage(CHAT, 'u1', NOW - 40 * DAY, { id: 'old', modifiedMs: NOW - 22 * DAY, deleted: true });
    const listed = await fx.all(`/chats/${CHAT}/messages`);
    assert.deepEqual(
      listed.map((m) => [m.id, m.deletedDateTime]),
      [['recent', new Date(NOW - 20 * DAY).toISOString()]],
    );
    assert.equal((await fx.error(`/chats/${CHAT}/messages/old`)).status, 404);
    fx.clock.advance(2 * DAY);
    assert.deepEqual(await fx.all(`/chats/${CHAT}/messages`), []);
  });

  it('rewrites stored Graph URLs (inline images) onto the base the client called', async () => {
    fx.chat(CHAT);
    const [, withImage] = example('chat-list-messages.2.json').value as Json[];
    fx.message(CHAT, withImage);
    const baseUrl = 'https://127.0.0.1:8443/v1.0';
    const [listed] = await fx.all(`/chats/${CHAT}/messages`, { baseUrl });
    const content = (listed.body as { content: string }).content;
    assert.ok(
      content.includes(`src="${baseUrl}/chats/${CHAT}/messages/1615971548136/hostedContents/`),
      content,
    );
    assert.ok(!content.includes('graph.microsoft.com'));
  });
});
