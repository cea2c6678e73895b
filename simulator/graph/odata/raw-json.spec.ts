import assert from 'node:assert/strict';
import { collectionBody, member, withLeadingMembers, withTrailingMembers } from './raw-json';

describe('raw JSON assembly', () => {
  it('adds members before or after the stored ones, keeping the stored text as it is', () => {
    const stored = '{\n  "id": "1",\n  "body": {"content": "}"}\n}';
    assert.deepEqual(JSON.parse(withLeadingMembers(stored, member('@odata.type', 'x'))), {
      '@odata.type': 'x',
      id: '1',
      body: { content: '}' },
    });
    assert.deepEqual(JSON.parse(withTrailingMembers(stored, '"members":[]')), {
      id: '1',
      body: { content: '}' },
      members: [],
    });
    assert.equal(withLeadingMembers(' { } ', '"a":1'), '{"a":1}');
    assert.equal(withTrailingMembers('{ }', '"a":1'), '{ "a":1}');
    assert.ok(withLeadingMembers(stored, '"a":1').includes('"id": "1"'));
  });

  it('writes a collection with its annotations before value', () => {
    const body = collectionBody({ context: 'c', count: 2, nextLink: 'n', items: ['{"a":1}', '{"a":2}'] });
    assert.equal(
      body,
      '{"@odata.context":"c","@odata.count":2,"@odata.nextLink":"n","value":[{"a":1},{"a":2}]}',
    );
    assert.deepEqual(JSON.parse(collectionBody({ context: 'c', deltaLink: 'd', items: [] })), {
      '@odata.context': 'c',
      '@odata.deltaLink': 'd',
      value: [],
    });
  });
});
