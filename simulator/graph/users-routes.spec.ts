import assert from 'node:assert/strict';
import { BASE_URL, GraphFixture, OTHER_TENANT } from './graph-test-fixtures';

type Json = Record<string, unknown>;

describe('GET /users, GET /users/{id | userPrincipalName}', () => {
  let fx: GraphFixture;
  beforeEach(() => {
    fx = new GraphFixture();
    for (let i = 0; i < 250; i++) {
      fx.user(`u${String(i).padStart(3, '0')}`, {
        enabled: i % 7 !== 0,
        userType: i % 5 === 0 ? 'Guest' : 'Member',
        deleted: i % 50 === 49,
      });
    }
    fx.user('stranger', { tenantId: OTHER_TENANT });
  });
  afterEach(() => fx.close());

  const visible = () => Array.from({ length: 250 }, (_, i) => i).filter((i) => i % 50 !== 49);
  const name = (i: number) => `u${String(i).padStart(3, '0')}`;

  it('pages every user of the tenant once, 100 to a page by default, deleted users left out', async () => {
    const pages = await fx.pages('/users');
    assert.deepEqual(
      pages.map((page) => (page.value as Json[]).length),
      [100, 100, 45],
    );
    assert.deepEqual(
      pages.flatMap((page) => (page.value as Json[]).map((user) => user.id)),
      visible().map(name),
    );
    assert.equal(pages[0]['@odata.context'], `${BASE_URL}/$metadata#users`);
    const everyone = await fx.all('/users', { query: { $top: '999' } });
    assert.equal(everyone.length, 245);
  });

  it('filters on accountEnabled and userType, carried through the pages', async () => {
    const served = await fx.all('/users', {
      query: { $top: '7', $filter: "accountEnabled eq true and userType eq 'Member'" },
    });
    assert.deepEqual(
      served.map((user) => user.id),
      visible()
        .filter((i) => i % 7 !== 0 && i % 5 !== 0)
        .map(name),
    );
    const guests = await fx.all('/users', { query: { $filter: "userType eq 'Guest'" } });
    assert.ok(guests.length > 0 && guests.every((user) => Number((user.id as string).slice(1)) % 5 === 0));
  });

  it('projects $select in the order asked, answering from the columns the filters read', async () => {
    const [first] = await fx.all('/users', {
      query: { $top: '1', $select: 'userType,id,accountEnabled,jobTitle' },
    });
    assert.deepEqual(Object.entries(first), [
      ['userType', 'Guest'],
      ['id', 'u000'],
      ['accountEnabled', false],
      ['jobTitle', null],
    ]);
    const page = await fx.call('/users', { query: { $top: '1', $select: 'id,displayName' } });
    assert.ok('json' in page);
    assert.equal(page.json['@odata.context'], `${BASE_URL}/$metadata#users(id,displayName)`);
    assert.equal(
      new URL(page.json['@odata.nextLink'] as string).searchParams.get('$select'),
      'id,displayName',
    );
  });

  it('gets a user by id or by user principal name in any case, within the tenant only', async () => {
    const byId = await fx.call('/users/u001');
    const byUpn = await fx.call('/users/U001@Contoso.Example', { query: { $select: 'displayName' } });
    assert.ok('json' in byId && 'json' in byUpn);
    assert.equal(byId.json.id, 'u001');
    assert.equal(byId.json['@odata.context'], `${BASE_URL}/$metadata#users/$entity`);
    assert.deepEqual(byUpn.json, {
      '@odata.context': `${BASE_URL}/$metadata#users(displayName)/$entity`,
      displayName: 'User u001',
    });
    for (const id of ['stranger', 'u049', 'nobody']) {
      const error = await fx.error(`/users/${id}`);
      assert.equal(error.status, 404, id);
      assert.equal(error.code, 'Request_ResourceNotFound');
    }
    assert.equal((await fx.all('/users', { tenantId: OTHER_TENANT })).length, 1);
  });

  it('answers queries it does not serve with 400 Request_UnsupportedQuery or Request_BadRequest', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ $top: '1000' }, 'Request_BadRequest'],
      [{ $top: '0' }, 'Request_BadRequest'],
      [{ $select: 'nosuch' }, 'Request_BadRequest'],
      [{ $filter: "startswith(jobTitle,'a')" }, 'Request_UnsupportedQuery'],
      [{ $filter: "userType ne 'Guest'" }, 'Request_UnsupportedQuery'],
      [{ $filter: "department eq 'Sales'" }, 'Request_UnsupportedQuery'],
      [{ $filter: 'accountEnabled eq 1' }, 'Request_BadRequest'],
      [{ $filter: 'accountEnabled eq' }, 'Request_BadRequest'],
      [{ $count: 'true' }, 'Request_UnsupportedQuery'],
      [{ $orderby: 'displayName' }, 'Request_UnsupportedQuery'],
      [{ $search: '"displayName:a"' }, 'Request_UnsupportedQuery'],
      [{ $skip: '5' }, 'Request_UnsupportedQuery'],
      [{ $skiptoken: 'nonsense' }, 'Request_BadRequest'],
    ];
    for (const [query, code] of cases) {
      const error = await fx.error('/users', { query });
      assert.equal(error.status, 400, JSON.stringify(query));
      assert.equal(error.code, code, JSON.stringify(query));
    }
  });
});
