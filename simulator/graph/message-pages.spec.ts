import assert from 'node:assert/strict';
import { openSimulatorDb } from '../state/schema';
import { GRAPH_CANONICAL_BASE, rebaseGraphUrls } from '../state/graph-urls';
import {
  collectionBytes,
  frameParams,
  pageBodySql,
  pageSql,
  rebaseGraphUrlBytes,
  servedMessageSql,
  type PageBodyRow,
  type PageFrame,
  type PageRow,
} from './message-pages';

describe('message pages assembled in SQLite', () => {
  const db = openSimulatorDb();
  after(() => db.close());

  const stored = [
    { id: '1', messageType: 'message', body: { content: 'Grüße 👋 "quoted" \\ back' } },
    {
      id: '2',
      messageType: 'systemEventMessage',
      eventDetail: { '@odata.type': '#microsoft.graph.chatRenamedEventMessageDetail' },
    },
    { '@odata.type': '#microsoft.graph.chatMessage', id: '3', messageType: 'message' },
  ];
  before(() => {
    const insert = db.prepare(
      `INSERT INTO messages (tenant_id, chat_id, id, created_ms, last_modified_ms, seq, version, message_type, json)
       VALUES ('t', 'c', ?, ?, ?, ?, 1, ?, ?)`,
    );
    stored.forEach((message, i) =>
      insert.run(message.id, i, i, i, message.messageType, JSON.stringify(message)),
    );
  });

  function page(
    options: { includeUnknown: boolean; exported: boolean },
    top = 10,
  ): { items: unknown[]; count: number; raw: Buffer | null } {
    const sql = pageSql(
      servedMessageSql(options),
      "FROM messages WHERE tenant_id = 't' AND chat_id = 'c' ORDER BY created_ms",
    );
    const [raw, count] = db.prepare(sql).raw(true).get(top) as PageRow;
    return { items: raw ? (JSON.parse(`[${raw.toString('utf8')}]`) as unknown[]) : [], count, raw };
  }

  it('serves stored messages byte for byte, only system messages rewritten without the Prefer header', () => {
    const preferred = page({ includeUnknown: true, exported: false });
    assert.equal(preferred.raw?.toString('utf8'), stored.map((m) => JSON.stringify(m)).join(','));
    const plain = page({ includeUnknown: false, exported: false });
    assert.deepEqual(plain.items, [
      stored[0],
      { ...stored[1], messageType: 'unknownFutureValue' },
      stored[2],
    ]);
    assert.equal(plain.count, 3);
  });

  it('names the type of each exported message first, unless it already does', () => {
    const exported = page({ includeUnknown: true, exported: true });
    const type = { '@odata.type': '#microsoft.graph.chatMessage' };
    assert.deepEqual(exported.items, [{ ...type, ...stored[0] }, { ...type, ...stored[1] }, stored[2]]);
    assert.equal(
      (exported.raw?.toString('utf8').match(/"@odata\.type":"#microsoft\.graph\.chatMessage"/g) ?? []).length,
      3,
    );
    assert.deepEqual(Object.keys(exported.items[0] as object)[0], '@odata.type');
  });

  it('keeps the subquery order and limit, and gives no bytes for an empty page', () => {
    assert.deepEqual(
      page({ includeUnknown: true, exported: false }, 2).items.map((m) => (m as { id: string }).id),
      ['1', '2'],
    );
    const [raw, count] = db
      .prepare(pageSql('json', "FROM messages WHERE chat_id = 'none' ORDER BY id"))
      .raw(true)
      .get(5) as PageRow;
    assert.equal(raw, null);
    assert.equal(count, 0);
    const body = collectionBytes({ context: 'ctx', counted: false, deltaLink: 'd' }, 1, [
      raw,
      Buffer.from('{"a":1}'),
      Buffer.alloc(0),
    ]);
    assert.deepEqual(JSON.parse(body.toString()), {
      '@odata.context': 'ctx',
      '@odata.deltaLink': 'd',
      value: [{ a: 1 }],
    });
  });

  describe('a whole page from one statement', () => {
    const from = "FROM messages WHERE tenant_id = 't' AND chat_id = ? ORDER BY created_ms";
    function whole(frame: PageFrame, chatId: string, top: number): PageBodyRow {
      return db
        .prepare(pageBodySql('json', from, frame.counted))
        .raw(true)
        .get(...frameParams(frame), chatId, top) as PageBodyRow;
    }

    it("writes the same bytes as a page joined from pieces, annotations in Graph's order", () => {
      const frame: PageFrame = {
        context: 'https://h/v1.0/$metadata#x',
        counted: true,
        nextLink: 'https://h/n?a="b"',
      };
      const [body, count] = whole(frame, 'c', 2);
      assert.equal(count, 2);
      const [items] = db.prepare(pageSql('json', from)).raw(true).get('c', 2) as PageRow;
      assert.equal(body.toString('utf8'), collectionBytes(frame, 2, [items]).toString('utf8'));
      assert.deepEqual(Object.keys(JSON.parse(body.toString('utf8')) as object), [
        '@odata.context',
        '@odata.count',
        '@odata.nextLink',
        'value',
      ]);
      assert.deepEqual((JSON.parse(body.toString('utf8')) as { value: unknown[] }).value, stored.slice(0, 2));
    });

    it('answers an empty page with its annotations and no items, counted or not', () => {
      assert.deepEqual(JSON.parse(whole({ context: 'ctx', counted: true }, 'none', 5)[0].toString()), {
        '@odata.context': 'ctx',
        '@odata.count': 0,
        value: [],
      });
      assert.deepEqual(
        JSON.parse(whole({ context: 'ctx', counted: false, deltaLink: 'd' }, 'none', 5)[0].toString()),
        { '@odata.context': 'ctx', '@odata.deltaLink': 'd', value: [] },
      );
    });
  });

  it('rebases Graph URLs on bytes exactly as the state layer does on text', () => {
    const text = `{"a":"${GRAPH_CANONICAL_BASE}/chats/x/$value","b":"Grüße ${GRAPH_CANONICAL_BASE}/y ${GRAPH_CANONICAL_BASE}"}`;
    for (const base of [
      'https://127.0.0.1:8443/v1.0',
      'https://127.0.0.1:8443/v1.0/',
      GRAPH_CANONICAL_BASE,
    ]) {
      assert.equal(
        rebaseGraphUrlBytes(Buffer.from(text), base).toString(),
        rebaseGraphUrls(text, base),
        base,
      );
    }
    const untouched = Buffer.from('{"a":1}');
    assert.equal(rebaseGraphUrlBytes(untouched, 'https://127.0.0.1:1/v1.0'), untouched);
  });

  it('rebases in place onto a shorter base, and onto a longer one into new bytes', () => {
    const text = `${GRAPH_CANONICAL_BASE}/a ${GRAPH_CANONICAL_BASE}/${GRAPH_CANONICAL_BASE}/b ü${GRAPH_CANONICAL_BASE}/`;
    const shorter = 'https://127.0.0.1:1/v1.0';
    const given = Buffer.from(text);
    const rebased = rebaseGraphUrlBytes(given, shorter);
    assert.equal(rebased.toString(), rebaseGraphUrls(text, shorter));
    assert.ok(
      rebased.buffer === given.buffer && rebased.byteOffset === given.byteOffset,
      'no second buffer for a shorter base',
    );
    const longer = 'https://[0000:0000:0000:0000:0000:0000:0000:0001]:65535/v1.0';
    assert.equal(rebaseGraphUrlBytes(Buffer.from(text), longer).toString(), rebaseGraphUrls(text, longer));
  });
});
