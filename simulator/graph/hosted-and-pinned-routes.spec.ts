import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GraphFixture, NOW, OTHER_TENANT, TENANT, example } from './graph-test-fixtures';

const DAY = 86_400_000;
const CHAT = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';
const MESSAGE = '1615971548136';
type Json = Record<string, unknown>;

/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('hosted contents and pinned messages', () => {
  let fx: GraphFixture;
  const hostedId = (example('chatmessagehostedcontent-list.3.json').value as Json[])[0].id as string;

  beforeEach(() => {
    fx = new GraphFixture();
    fx.chat(CHAT);
    for (const message of example('chat-list-messages.2.json').value as Json[]) {
      fx.message(CHAT, message, { createdMs: NOW - DAY, modifiedMs: NOW - DAY });
    }
    const sha = createHash('sha256').update(PNG).digest('hex');
    fx.db
      .prepare('INSERT INTO content_blobs (sha256, content_type, bytes) VALUES (?, ?, ?)')
      .run(sha, 'image/png', PNG);
    fx.db
      .prepare(
        'INSERT INTO hosted_contents (tenant_id, chat_id, message_id, id, blob_sha256) VALUES (?, ?, ?, ?, ?)',
      )
      .run(TENANT, CHAT, MESSAGE, hostedId, sha);
  });
  afterEach(() => fx.close());

  it('lists and gets hosted contents as documented, bytes only from $value', async () => {
    const list = await fx.call(`/chats/${CHAT}/messages/${MESSAGE}/hostedContents`);
    assert.ok('json' in list);
    assert.deepEqual(list.json, example('chatmessagehostedcontent-list.3.json'));
    const one = await fx.call(`/chats/${CHAT}/messages/${MESSAGE}/hostedContents/${hostedId}`);
    assert.ok('json' in one);
    assert.deepEqual(one.json, example('chatmessagehostedcontent-get.1.json'));
    const value = await fx.call(`/chats/${CHAT}/messages/${MESSAGE}/hostedContents/${hostedId}/$value`);
    assert.ok('bytes' in value);
    assert.equal(value.contentType, 'image/png');
    assert.deepEqual(value.bytes, PNG);
  });

  it('answers 404 for unknown hosted contents, messages, and other tenants', async () => {
    fx.chat('19:theirs@thread.v2', { tenantId: OTHER_TENANT });
    for (const [path, tenantId] of [
      [`/chats/${CHAT}/messages/${MESSAGE}/hostedContents/aWQ9bm9uZQ`, undefined],
      [`/chats/${CHAT}/messages/${MESSAGE}/hostedContents/aWQ9bm9uZQ/$value`, undefined],
      [`/chats/${CHAT}/messages/1/hostedContents`, undefined],
      [`/chats/${CHAT}/messages/${MESSAGE}/hostedContents`, OTHER_TENANT],
      [`/chats/${CHAT}/messages/${MESSAGE}/hostedContents/${hostedId}/$value`, OTHER_TENANT],
    ] as const) {
      const error = await fx.error(path, { tenantId });
      assert.equal(error.status, 404, path);
    }
    assert.equal(
      (await fx.error(`/chats/${CHAT}/messages/${MESSAGE}/hostedContents`, { query: { $top: '1' } })).status,
      400,
    );
  });

  it('lists pinned messages as documented, plain and with $expand=message', async () => {
    const pin = fx.db.prepare(
      'INSERT INTO pinned_messages (tenant_id, chat_id, id, message_id, pinned_ms) VALUES (?, ?, ?, ?, ?)',
    );
    pin.run(TENANT, CHAT, '1616964509832', '1616964509832', NOW - 1000);
    pin.run(TENANT, CHAT, '1615971548136', '1615971548136', NOW - 2000);

    const plain = await fx.call(`/chats/${CHAT}/pinnedMessages`);
    assert.ok('json' in plain);
    assert.deepEqual(plain.json.value, example('chat-list-pinnedmessages.1.json').value);

    const expanded = await fx.call(`/chats/${CHAT}/pinnedMessages`, { query: { $expand: 'message' } });
    assert.ok('json' in expanded);
    const served = expanded.json.value as Json[];
    const stored = example('chat-list-messages.2.json').value as Json[];
    assert.deepEqual(
      served.map((item) => item.id),
      ['1616964509832', '1615971548136'],
    );
    assert.deepEqual(served[0].message, stored[0]);
    assert.deepEqual(served[1].message, stored[1]);

    for (const query of [{ $expand: 'replies' }, { $top: '1' }] as Record<string, string>[]) {
      assert.equal((await fx.error(`/chats/${CHAT}/pinnedMessages`, { query })).status, 400);
    }
    assert.equal((await fx.error(`/chats/${CHAT}/pinnedMessages`, { tenantId: OTHER_TENANT })).status, 404);
  });
});
