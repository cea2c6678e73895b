import assert from 'node:assert/strict';
import type { MessageVersion } from './backup-records';
import { version } from './backup-store.contract';
import {
  classifyFetchedMessage,
  compareTimes,
  mergeHead,
  messageVersionId,
  messageVersionKey,
} from './message-heads';

const TENANT = 'aaaaaaaa-0000-4000-8000-000000000001';
const CHAT = '19:0a1b2c3d4e5f@thread.v2';

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('message-heads', () => {
  const original = version(CHAT, '1780000000001', { capturedAt: '2026-06-01T00:00:00.000Z' });
  const edit = version(CHAT, '1780000000001', {
    etag: 'e2',
    modified: '2026-06-01T12:00:00.000Z',
    capturedAt: '2026-06-02T00:00:00.000Z',
    from: 'user-bob',
  });
  const deletion = version(CHAT, '1780000000001', {
    etag: 'e3',
    modified: '2026-06-03T00:00:00.000Z',
    deleted: '2026-06-03T00:00:00.000Z',
    capturedAt: '2026-06-03T01:00:00.000Z',
  });
  const redeletion = version(CHAT, '1780000000001', {
    etag: 'e4',
    modified: '2026-06-04T00:00:00.000Z',
    deleted: '2026-06-03T00:00:00.000Z',
    capturedAt: '2026-06-04T01:00:00.000Z',
  });

  it('gives the same head whatever order and however split the versions arrive', () => {
    const all = [original, edit, deletion, redeletion];
    const expected = mergeHead(TENANT, undefined, all).head;
    assert.equal(expected.latestVersionKey, 'e4');
    assert.equal(expected.firstSeenDeletedAt, '2026-06-03T01:00:00.000Z');
    for (const order of permutations(all)) {
      for (let split = 0; split <= order.length; split++) {
        const first = split === 0 ? undefined : mergeHead(TENANT, undefined, order.slice(0, split)).head;
        const merged = mergeHead(TENANT, first, [...order.slice(split), ...order.slice(0, split)]);
        assert.deepEqual(merged.head, expected, `order ${order.map(messageVersionKey)} split ${split}`);
      }
    }
  });

  it('reports which versions are new to the head, once each', () => {
    const first = mergeHead(TENANT, undefined, [original, original]);
    assert.deepEqual(first.added, [original]);
    assert.equal(first.known, 1);
    const second = mergeHead(TENANT, first.head, [original, edit]);
    assert.deepEqual(second.added, [edit]);
    assert.equal(second.known, 1);
    assert.equal(second.head.fromUserId, 'user-bob', 'from the latest version');
  });

  it('clears the deletion when a message is undeleted', () => {
    const undeleted = version(CHAT, '1780000000001', { etag: 'e5', modified: '2026-06-05T00:00:00.000Z' });
    const head = mergeHead(TENANT, undefined, [original, deletion, undeleted]).head;
    assert.equal(head.deleted, false);
    assert.equal(head.firstSeenDeletedAt, null);
    assert.equal(classifyFetchedMessage(head, deletion), 'unchanged');
    assert.equal(classifyFetchedMessage(head, redeletion), 'deleted');
  });

  it('orders timestamps by instant, and malformed ones (seen in Graph examples) as text, keeping the sort total', () => {
    assert.ok(compareTimes('2026-06-01T00:00:00Z', '2026-06-01T00:00:00.001Z') < 0);
    assert.equal(compareTimes('2026-06-01T00:00:00Z', '2026-06-01T00:00:00.000Z'), 0);
    const odd = '2021-03-1706:47:05.123Z';
    assert.ok(Number.isNaN(Date.parse(odd)));
    assert.ok(compareTimes(odd, '2021-03-18T00:00:00.000Z') < 0);
    assert.ok(compareTimes('2021-03-18T00:00:00.000Z', odd) > 0);
    const a: MessageVersion = { ...original, etag: 'x1', lastModifiedDateTime: odd };
    const b: MessageVersion = { ...original, etag: 'x2', lastModifiedDateTime: '2021-03-18T00:00:00.000Z' };
    assert.equal(mergeHead(TENANT, undefined, [b, a]).head.latestVersionKey, 'x2');
    assert.equal(mergeHead(TENANT, undefined, [a, b]).head.latestVersionKey, 'x2');
  });

  it('names versions by etag, else lastModifiedDateTime, else createdDateTime', () => {
    assert.equal(messageVersionKey(original), '1780000000001');
    assert.equal(messageVersionKey({ ...original, etag: null }), `lm:${original.lastModifiedDateTime}`);
    assert.equal(
      messageVersionKey({ ...original, etag: null, lastModifiedDateTime: null }),
      `cr:${original.createdDateTime}`,
    );
    assert.equal(messageVersionId(edit), `${CHAT}|1780000000001|e2`);
  });
});
