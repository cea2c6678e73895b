import assert from 'node:assert/strict';
import { GraphFixture, OTHER_TENANT, TENANT } from './graph-test-fixtures';

type Json = Record<string, unknown>;

describe('GET /users?$filter=startswith(…) or startswith(…): the people-picker search', () => {
  let fx: GraphFixture;
  let ordinal = 0;

  function person(
    id: string,
    displayName: string,
    upn: string,
    extra: { tenantId?: string; mail?: string | null; givenName?: string; deleted?: boolean } = {},
  ): void {
    const json = JSON.stringify({
      id,
      displayName,
      userPrincipalName: upn,
      mail: extra.mail === undefined ? upn : extra.mail,
      givenName: extra.givenName ?? displayName.split(' ')[0],
      surname: displayName.split(' ').slice(1).join(' ') || null,
    });
    fx.db
      .prepare(
        `INSERT INTO users (tenant_id, id, upn, display_name, account_enabled, teams_licensed, user_type, deleted, ordinal, json)
         VALUES (?, ?, ?, ?, 1, 1, 'Member', ?, ?, ?)`,
      )
      .run(extra.tenantId ?? TENANT, id, upn, displayName, extra.deleted ? 1 : 0, ++ordinal, json);
  }

  beforeEach(() => {
    fx = new GraphFixture();
    ordinal = 0;
    const add = (...args: Parameters<typeof person>) =>
      person(args[0], args[1], args[2], { tenantId: TENANT, ...args[3] });
    add('u1', 'Ada Lovelace', 'ada@contoso.example');
    add('u2', 'Adam Smith', 'asmith@contoso.example', { mail: 'adam.smith@contoso.example' });
    add('u3', 'Grace Hopper', 'grace@contoso.example', { mail: null });
    add('u4', 'Bob Adams', 'bob@contoso.example', { mail: 'ad.bob@contoso.example' });
    add('u5', '100%_Sure', 'sure@contoso.example');
    add('u6', 'Adele Gone', 'adele@contoso.example', { deleted: true });
    add('u7', "Liam O'Brien", 'liam@contoso.example');
    person('x1', 'Ada Elsewhere', 'ada@fabrikam.example', { tenantId: OTHER_TENANT });
  });
  afterEach(() => fx.close());

  const ids = (users: Json[]) => users.map((u) => u.id);

  it('matches a prefix of any named property, case-insensitively, within the tenant, deleted users left out', async () => {
    const filter =
      "startswith(displayName,'ad') or startswith(userPrincipalName,'AD') or startswith(mail,'ad')";
    assert.deepEqual(ids(await fx.all('/users', { query: { $filter: filter } })), ['u1', 'u2', 'u4']);
    assert.deepEqual(ids(await fx.all('/users', { query: { $filter: "startswith(givenName,'gr')" } })), [
      'u3',
    ]);
    assert.deepEqual(ids(await fx.all('/users', { query: { $filter: "startswith(surname,'ADAMS')" } })), [
      'u4',
    ]);
    assert.deepEqual(ids(await fx.all('/users', { query: { $filter: "startsWith(mail,'adam.')" } })), ['u2']);
  });

  it('takes the prefix literally: quotes doubled, % and _ are no wildcards', async () => {
    assert.deepEqual(ids(await fx.all('/users', { query: { $filter: "startswith(displayName,'100%_')" } })), [
      'u5',
    ]);
    assert.deepEqual(
      ids(await fx.all('/users', { query: { $filter: "startswith(displayName,'1_0')" } })),
      [],
    );
    assert.deepEqual(ids(await fx.all('/users', { query: { $filter: "startswith(surname,'O''Br')" } })), [
      'u7',
    ]);
  });

  it('pages with $top and carries the filter and $select into the next link', async () => {
    const pages = await fx.pages('/users', {
      query: {
        $filter: "(startswith(displayName,'a') or startswith(mail,'a'))",
        $top: '2',
        $select: 'id,mail',
      },
    });
    assert.deepEqual(
      pages.map((page) => ids(page.value as Json[])),
      [['u1', 'u2'], ['u4']],
    );
    assert.deepEqual((pages[0]!.value as Json[])[0], { id: 'u1', mail: 'ada@contoso.example' });
  });

  it('refuses startswith where Graph does not serve it, and filters it cannot read', async () => {
    const cases: [string, string][] = [
      ["startswith(jobTitle,'a')", 'Request_UnsupportedQuery'],
      ["startswith(id,'u')", 'Request_UnsupportedQuery'],
      ["startswith(displayName,'a') and accountEnabled eq true", 'Request_UnsupportedQuery'],
      ["startswith(displayName,'a') or endswith(mail,'a')", 'Request_UnsupportedQuery'],
      ["startswith(displayName,'a'", 'Request_BadRequest'],
      ['startswith(displayName,a)', 'Request_BadRequest'],
      ["startswith(displayName,'unterminated)", 'Request_BadRequest'],
    ];
    for (const [filter, code] of cases) {
      const error = await fx.error('/users', { query: { $filter: filter } });
      assert.equal(error.status, 400, filter);
      assert.equal(error.code, code, filter);
    }
  });
});
