import assert from 'node:assert/strict';
import {
  FilterSyntaxError,
  FilterUnsupportedError,
  exclusiveLowerBound,
  exclusiveUpperBound,
  parseFilter,
} from './filter-expression';

describe('parseFilter', () => {
  it('reads comparisons joined by and, with paths, parentheses and every literal kind', () => {
    const parsed = parseFilter(
      "(lastModifiedDateTime gt 2022-09-22T00:00:00.000Z and lastModifiedDateTime lt 2022-09-24T01:02:03+02:00) and from/user/id eq 'it''s' and accountEnabled eq true and x le -1.5 and y ne null",
    );
    assert.deepEqual(parsed, [
      {
        property: 'lastModifiedDateTime',
        operator: 'gt',
        literal: {
          kind: 'dateTime',
          ms: Date.UTC(2022, 8, 22),
          subMs: false,
          text: '2022-09-22T00:00:00.000Z',
        },
      },
      {
        property: 'lastModifiedDateTime',
        operator: 'lt',
        literal: {
          kind: 'dateTime',
          ms: Date.UTC(2022, 8, 23, 23, 2, 3),
          subMs: false,
          text: '2022-09-24T01:02:03+02:00',
        },
      },
      { property: 'from/user/id', operator: 'eq', literal: { kind: 'string', value: "it's" } },
      { property: 'accountEnabled', operator: 'eq', literal: { kind: 'boolean', value: true } },
      { property: 'x', operator: 'le', literal: { kind: 'number', value: -1.5 } },
      { property: 'y', operator: 'ne', literal: { kind: 'null' } },
    ]);
  });

  it('rounds sub-millisecond bounds so whole-millisecond times compare as the instant would', () => {
    const [exact] = parseFilter('t gt 2024-01-01T00:00:00.123Z');
    const [finer] = parseFilter('t lt 2024-01-01T00:00:00.1230001Z');
    assert.ok(exact.literal.kind === 'dateTime' && finer.literal.kind === 'dateTime');
    const ms = Date.UTC(2024, 0, 1, 0, 0, 0, 123);
    assert.equal(exclusiveLowerBound(exact.literal), ms);
    assert.equal(exclusiveUpperBound(exact.literal), ms);
    assert.equal(finer.literal.subMs, true);
    assert.equal(exclusiveUpperBound(finer.literal), ms + 1);
  });

  it('reports valid OData outside the subset as unsupported', () => {
    for (const text of [
      "a eq 'x' or b eq 'y'",
      "not (a eq 'x')",
      "startswith(displayName,'A')",
      "members/any(o: o/displayName eq 'P')",
      'a has 1',
      'a in (1,2)',
    ]) {
      assert.throws(() => parseFilter(text), FilterUnsupportedError, text);
    }
  });

  it('reports text that is not OData as malformed', () => {
    for (const text of [
      '',
      'a',
      'a eq',
      'a equals 1',
      "a eq 'open",
      'a eq 2024-13-01T00:00:00Z',
      'a eq b',
      '(a eq 1',
      'a eq 1)',
      '1a eq 1',
      'a eq 1 b eq 2',
    ]) {
      assert.throws(() => parseFilter(text), FilterSyntaxError, JSON.stringify(text));
    }
  });
});
