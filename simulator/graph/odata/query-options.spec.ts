import assert from 'node:assert/strict';
import { GraphHttpError } from '../../graph-error';
import { directoryQueryErrors, teamsQueryErrors } from '../graph-errors';
import { QueryOptions } from './query-options';

function fails(run: () => unknown, code: string, message?: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GraphHttpError);
    assert.equal(error.status, 400);
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('QueryOptions', () => {
  it('takes system options in any case and without the $, and leaves other parameters alone', () => {
    const query = QueryOptions.read(
      { TOP: '5', $Filter: "a eq 'b'", model: 'A' },
      ['$top', '$filter'],
      teamsQueryErrors,
    );
    assert.equal(query.top(50, 20), 5);
    assert.equal(query.get('$filter'), "a eq 'b'");
    assert.deepEqual(query.carried(['$filter', '$top', '$orderby']), [
      ['$filter', "a eq 'b'"],
      ['$top', '5'],
    ]);
  });

  it('refuses options the route does not serve, unknown $ parameters and repeats, in the family wording', () => {
    fails(() => QueryOptions.read({ $skip: '1' }, ['$top'], teamsQueryErrors), 'BadRequest');
    fails(
      () => QueryOptions.read({ $count: 'true' }, ['$top'], directoryQueryErrors),
      'Request_UnsupportedQuery',
    );
    fails(() => QueryOptions.read({ $foo: '1' }, ['$top'], directoryQueryErrors), 'Request_BadRequest');
    fails(
      () => QueryOptions.read({ $top: '1', top: '2' }, ['$top'], teamsQueryErrors),
      'BadRequest',
      /more than once/,
    );
    const listed = { $top: ['1', '2'] } as unknown as Record<string, string>;
    fails(() => QueryOptions.read(listed, ['$top'], teamsQueryErrors), 'BadRequest', /more than once/);
  });

  it('checks $top: a whole number from 1 to the maximum', () => {
    const top = (value: string | undefined) =>
      QueryOptions.read(value === undefined ? {} : { $top: value }, ['$top'], teamsQueryErrors).top(50, 20);
    assert.equal(top(undefined), 20);
    assert.equal(top(' 50 '), 50);
    for (const value of ['0', '51', 'abc', '1.5', '-3', '']) fails(() => top(value), 'BadRequest');
  });

  it('takes one descending $orderby of the listed properties', () => {
    const order = (value: string) =>
      QueryOptions.read({ $orderby: value }, ['$orderby'], teamsQueryErrors).orderByDescending([
        'createdDateTime',
        'lastModifiedDateTime',
      ]);
    assert.equal(order('CreatedDateTime DESC'), 'createdDateTime');
    assert.equal(
      QueryOptions.read({}, ['$orderby'], teamsQueryErrors).orderByDescending(['createdDateTime']),
      undefined,
    );
    for (const value of [
      'createdDateTime asc',
      'createdDateTime',
      'subject desc',
      'createdDateTime desc,id desc',
      '',
    ]) {
      fails(() => order(value), 'BadRequest');
    }
  });

  it('reads $expand and $select lists of known properties', () => {
    const query = QueryOptions.read(
      { $expand: 'members, lastMessagePreview', $select: 'id,displayName,id' },
      ['$expand', '$select'],
      teamsQueryErrors,
    );
    assert.deepEqual([...query.expand(['members', 'lastMessagePreview'])], ['members', 'lastMessagePreview']);
    assert.deepEqual(query.select(['id', 'displayName']), ['id', 'displayName']);
    fails(
      () =>
        QueryOptions.read({ $expand: 'members($select=id)' }, ['$expand'], teamsQueryErrors).expand([
          'members',
        ]),
      'BadRequest',
    );
    fails(
      () => QueryOptions.read({ $select: 'nosuch' }, ['$select'], directoryQueryErrors).select(['id']),
      'Request_BadRequest',
    );
  });
});
