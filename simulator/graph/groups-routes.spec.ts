import assert from 'node:assert/strict';
import { groupRow } from '../state/groups';
import { BASE_URL, GraphFixture, OTHER_TENANT, TENANT } from './graph-test-fixtures';
import { GROUP_MEMBER_READ_ROLES, GROUP_READ_ROLES } from './permissions';

type Json = Record<string, unknown>;

const ADVANCED = { headers: { consistencylevel: 'eventual' }, query: { $count: 'true' } };
const members = (groupId: string) => `/groups/${groupId}/transitiveMembers/microsoft.graph.user`;

describe('GET /groups, /groups/{id}, /groups/{id}/transitiveMembers/microsoft.graph.user', () => {
  let fx: GraphFixture;
  let ordinal = 0;

  const group = (id: string, displayName: string, tenantId = TENANT): void => {
    const row = groupRow(tenantId, { id, displayName, description: null }, ordinal++, Date.UTC(2025, 0, 1));
    fx.db
      .prepare(
        'INSERT INTO groups (tenant_id, id, display_name, ordinal, json) VALUES (@tenant_id, @id, @display_name, @ordinal, @json)',
      )
      .run(row);
  };
  const add = (groupId: string, memberId: string, type: 'user' | 'group', tenantId = TENANT): void => {
    fx.db
      .prepare('INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES (?, ?, ?, ?)')
      .run(tenantId, groupId, memberId, type);
  };

  beforeEach(() => {
    fx = new GraphFixture();
    ordinal = 0;
    for (let i = 0; i < 8; i++) fx.user(`u${i}`, { deleted: i === 7 });
    fx.user('stranger', { tenantId: OTHER_TENANT });
    group('aaaaaaaa-0000-4000-8000-000000000001', 'Sales');
    group('aaaaaaaa-0000-4000-8000-000000000002', 'Sales Leadership');
    group('aaaaaaaa-0000-4000-8000-000000000003', 'Engineering');
    group('bbbbbbbb-0000-4000-8000-000000000001', 'Sales', OTHER_TENANT);
    // Sales: u0, u1 and the leadership group (u1 again, u2, and the deleted u7).
    add('aaaaaaaa-0000-4000-8000-000000000001', 'u0', 'user');
    add('aaaaaaaa-0000-4000-8000-000000000001', 'u1', 'user');
    add('aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002', 'group');
    add('aaaaaaaa-0000-4000-8000-000000000002', 'u1', 'user');
    add('aaaaaaaa-0000-4000-8000-000000000002', 'u2', 'user');
    add('aaaaaaaa-0000-4000-8000-000000000002', 'u7', 'user');
    add('bbbbbbbb-0000-4000-8000-000000000001', 'stranger', 'user', OTHER_TENANT);
  });
  afterEach(() => fx.close());

  it('lists the tenant’s groups only, paged, with $select', async () => {
    const pages = await fx.pages('/groups', { query: { $top: '2', $select: 'id,displayName' } });
    assert.deepEqual(
      pages.map((page) => (page.value as Json[]).map((g) => g.displayName)),
      [['Sales', 'Sales Leadership'], ['Engineering']],
    );
    assert.equal(pages[0]!['@odata.context'], `${BASE_URL}/$metadata#groups(id,displayName)`);
    assert.deepEqual(Object.keys((pages[0]!.value as Json[])[0]!), ['id', 'displayName']);
    const [whole] = await fx.all('/groups', { query: { $top: '1' } });
    assert.equal(whole!.securityEnabled, true);
    assert.deepEqual(whole!.groupTypes, []);
  });

  it('finds a group by displayName eq, ignoring case, and refuses what Graph serves only as advanced queries', async () => {
    const found = await fx.all('/groups', { query: { $filter: "displayName eq 'sales leadership'" } });
    assert.deepEqual(
      found.map((g) => g.id),
      ['aaaaaaaa-0000-4000-8000-000000000002'],
    );
    assert.deepEqual(await fx.all('/groups', { query: { $filter: "displayName eq 'Nobody'" } }), []);
    const byId = await fx.all('/groups', {
      query: { $filter: "id eq 'AAAAAAAA-0000-4000-8000-000000000003'" },
    });
    assert.equal(byId[0]?.displayName, 'Engineering');

    const unknownProperty = await fx.error('/groups', { query: { $filter: "description eq 'x'" } });
    assert.equal(unknownProperty.status, 400);
    assert.equal(unknownProperty.code, 'Request_UnsupportedQuery');
    assert.match(unknownProperty.message, /property 'description' of resource 'Group'/);
    const ne = await fx.error('/groups', { query: { $filter: "displayName ne 'Sales'" } });
    assert.equal(ne.code, 'Request_UnsupportedQuery');
    assert.match(ne.message, /ConsistencyLevel:eventual/);
  });

  it('gets one group by id in any case; another tenant’s group is 404 like an unknown one', async () => {
    const got = await fx.call('/groups/AAAAAAAA-0000-4000-8000-000000000001', {
      query: { $select: 'displayName' },
    });
    assert.ok('json' in got);
    assert.deepEqual(got.json, {
      '@odata.context': `${BASE_URL}/$metadata#groups(displayName)/$entity`,
      displayName: 'Sales',
    });
    for (const id of ['bbbbbbbb-0000-4000-8000-000000000001', 'cccccccc-0000-4000-8000-000000000000']) {
      const error = await fx.error(`/groups/${id}`);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'Request_ResourceNotFound');
    }
  });

  it('lists transitive user members once each, nested groups expanded, deleted users left out', async () => {
    const users = await fx.all(members('aaaaaaaa-0000-4000-8000-000000000001'), {
      ...ADVANCED,
      query: { ...ADVANCED.query, $select: 'id,userPrincipalName' },
    });
    assert.deepEqual(
      users.map((u) => u.id),
      ['u0', 'u1', 'u2'],
    );
    assert.deepEqual(users[0], { id: 'u0', userPrincipalName: 'u0@contoso.example' });
    const nested = await fx.all(members('aaaaaaaa-0000-4000-8000-000000000002'), ADVANCED);
    assert.deepEqual(
      nested.map((u) => u.id),
      ['u1', 'u2'],
    );
    assert.deepEqual(await fx.all(members('aaaaaaaa-0000-4000-8000-000000000003'), ADVANCED), []);
  });

  it('pages members with @odata.count on every page, the advanced query parameters carried', async () => {
    const pages = await fx.pages(members('aaaaaaaa-0000-4000-8000-000000000001'), {
      ...ADVANCED,
      query: { ...ADVANCED.query, $top: '2' },
    });
    assert.deepEqual(
      pages.map((page) => [(page.value as Json[]).map((u) => u.id), page['@odata.count']]),
      [
        [['u0', 'u1'], 3],
        [['u2'], 3],
      ],
    );
    const next = new URL(pages[0]!['@odata.nextLink'] as string);
    assert.equal(next.searchParams.get('$count'), 'true');
    assert.equal(pages[0]!['@odata.context'], `${BASE_URL}/$metadata#users`);
  });

  it('refuses the cast without ConsistencyLevel: eventual or $count=true, and another tenant’s group', async () => {
    for (const options of [{ query: { $count: 'true' } }, { headers: { consistencylevel: 'eventual' } }]) {
      const error = await fx.error(members('aaaaaaaa-0000-4000-8000-000000000001'), options);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'Request_UnsupportedQuery');
    }
    const foreign = await fx.error(members('bbbbbbbb-0000-4000-8000-000000000001'), ADVANCED);
    assert.equal(foreign.status, 404);
  });

  it('ends a nesting loop put there behind the state layer’s back', async () => {
    add('aaaaaaaa-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001', 'group');
    const users = await fx.all(members('aaaaaaaa-0000-4000-8000-000000000002'), ADVANCED);
    assert.deepEqual(
      users.map((u) => u.id),
      ['u0', 'u1', 'u2'],
    );
  });

  it('asks for the documented roles: the transitive list does not take Directory.ReadWrite.All', () => {
    const roles = (path: string) => fx.match('GET', path).route.anyRole;
    assert.deepEqual(roles('/groups'), GROUP_READ_ROLES);
    assert.deepEqual(roles('/groups/x'), GROUP_READ_ROLES);
    assert.deepEqual(roles(members('x')), GROUP_MEMBER_READ_ROLES);
    assert.ok(!roles(members('x')).includes('Directory.ReadWrite.All'));
    assert.ok(roles(members('x')).includes('GroupMember.Read.All'));
  });
});
