import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import sinon from 'sinon';
import { ScopeService } from '../backup/scope/scope-service';
import type { Clock } from '../connection/clock';
import type { DirectoryPerson } from '../directory/user-directory';
import type { BackupStore } from '../store/backup-store';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../store/sqlite/sqlite-backup-store';
import { ApiError } from './api-error';
import type { UsersQuery } from './request-schemas';
import { UserTable, type UserRow } from './user-table';

const TENANT = '7b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const OTHER_TENANT = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const ADMIN = { kind: 'user', id: 'admin-1', name: 'Ada Admin' } as const;

const person = (letter: string, name: string): DirectoryPerson => ({
  id: `${letter.repeat(8)}-0000-4000-8000-000000000000`,
  userPrincipalName: `${name.toLowerCase()}@contoso.test`,
  displayName: name,
});
// Ids in the names' order, so ties broken by user id read alphabetically.
const ann = person('a', 'Ann');
const bob = person('b', 'Bob');
const cy = person('c', 'Cy');
const dee = person('d', 'Dee');
const fay = { ...person('f', 'Fay'), userPrincipalName: 'fay@fabrikam.test' };

type Place = [name: string, inScope: boolean, since: string | null];
const places = (rows: UserRow[]): Place[] => rows.map((r) => [r.displayName, r.inScope, r.inScopeSince]);

describe('UserTable: the backup scope in the per-user table', () => {
  let db: Database.Database;
  let store: BackupStore;
  let scope: ScopeService;
  let now: Date;
  let table: UserTable;

  const clock: Clock = { now: () => now, setTimer: () => () => undefined };
  const at = (iso: string) => {
    now = new Date(iso);
    return now.toISOString();
  };
  const save = (mode: 'all' | 'only' | 'allExcept', people: DirectoryPerson[] = []) =>
    scope.set(TENANT, ADMIN, { mode, users: people.map((p) => p.userPrincipalName) });
  const page = async (query: UsersQuery = {}, tenantId = TENANT) =>
    (await table.page(tenantId, { limit: 200, ...query })).items;

  beforeEach(async () => {
    db = openSqlite(':memory:');
    store = createSqliteBackupStore(db);
    const people = [ann, bob, cy, dee];
    scope = new ScopeService({
      store,
      directory: {
        find: async (tenantId, upnOrId) =>
          tenantId === TENANT
            ? people.find((p) => p.id === upnOrId || p.userPrincipalName === upnOrId.toLowerCase())
            : undefined,
      },
      audit: { appendAudit: async (event) => ({ ...event, id: '1' }) },
      clock,
    });
    at('2025-05-01T08:00:00.000Z');
    const input = (p: DirectoryPerson) => ({
      userId: p.id,
      upn: p.userPrincipalName,
      displayName: p.displayName,
      state: 'active' as const,
    });
    await store.upsertUsers(TENANT, people.map(input));
    await store.upsertUsers(OTHER_TENANT, [input(fay)]);
    await store.setUserBackupStatus(TENANT, bob.id, {
      lastBackedUpAt: '2025-04-30T22:00:00.000Z',
      lastError: null,
    });
    table = new UserTable(store, scope, clock, { cacheMs: 60_000 });
  });
  afterEach(() => {
    sinon.restore();
    db.close();
  });

  it('shows who is in scope and since when they came in, through every change of mode', async () => {
    assert.deepEqual(places(await page()), [
      ['Ann', true, null],
      ['Bob', true, null],
      ['Cy', true, null],
      ['Dee', true, null],
    ]);

    at('2025-05-01T09:00:00.000Z');
    await save('only', [ann, bob]);
    assert.deepEqual(
      places(await page()),
      [
        ['Ann', true, null],
        ['Bob', true, null],
        ['Cy', false, null],
        ['Dee', false, null],
      ],
      'the people listed never left the scope: in it from the start',
    );

    const t2 = at('2025-05-02T09:00:00.000Z');
    await save('allExcept', [ann, bob]);
    assert.deepEqual(places(await page()), [
      ['Ann', false, null],
      ['Bob', false, null],
      ['Cy', true, t2],
      ['Dee', true, t2],
    ]);

    const t3 = at('2025-05-03T09:00:00.000Z');
    await save('all');
    assert.deepEqual(
      places(await page()),
      [
        ['Ann', true, t3],
        ['Bob', true, t3],
        ['Cy', true, t2],
        ['Dee', true, t2],
      ],
      'those who stayed in keep the time they came in',
    );
    const [bobRow] = await page({ filter: 'bob' });
    assert.equal(
      bobRow?.lastBackedUpAt,
      '2025-04-30T22:00:00.000Z',
      'the last backup is kept beside the scope',
    );
  });

  it('filters and sorts by scope, and a cursor keeps to the scope filter it was made for', async () => {
    at('2025-05-01T09:00:00.000Z');
    await save('only', [dee]);
    const t2 = at('2025-05-02T09:00:00.000Z');
    await save('only', [dee, bob]);

    assert.deepEqual(
      (await page({ inScope: 'true' })).map((r) => r.displayName),
      ['Bob', 'Dee'],
    );
    assert.deepEqual(
      (await page({ inScope: 'false' })).map((r) => r.displayName),
      ['Ann', 'Cy'],
    );
    assert.deepEqual(
      (await page({ inScope: 'false', filter: 'CY' })).map((r) => r.displayName),
      ['Cy'],
    );
    assert.equal((await table.page(TENANT, { inScope: 'true' })).total, 2);

    assert.deepEqual(places(await page({ sort: 'inScope' })), [
      ['Dee', true, null],
      ['Bob', true, t2],
      ['Ann', false, null],
      ['Cy', false, null],
    ]);
    assert.deepEqual(
      places(await page({ sort: 'inScope', order: 'desc' })).map(([name]) => name),
      ['Ann', 'Cy', 'Bob', 'Dee'],
    );

    const first = await table.page(TENANT, { inScope: 'true', limit: 1 });
    assert.ok(first.cursor);
    const second = await table.page(TENANT, { inScope: 'true', limit: 1, cursor: first.cursor });
    assert.deepEqual(
      [...first.items, ...second.items].map((r) => r.displayName),
      ['Bob', 'Dee'],
    );
    await assert.rejects(
      table.page(TENANT, { inScope: 'false', limit: 1, cursor: first.cursor }),
      (error: unknown) => error instanceof ApiError && error.extra.field === 'cursor',
    );
  });

  it('shows a scope change at once, without counting the chats again', async () => {
    const listChats = sinon.spy(store, 'listChats');
    const listScope = sinon.spy(scope, 'placesOf');
    await page();
    await page();
    assert.equal(listChats.callCount, 1, 'the counts are built once');
    assert.equal(listScope.callCount, 1, 'the places are read again only when the scope changes');

    // Within the counts' cache time (a minute).
    const t1 = at('2025-05-01T08:00:10.000Z');
    await save('allExcept', [cy]);
    assert.deepEqual(places(await page({ filter: 'cy' })), [['Cy', false, null]]);
    assert.deepEqual(places(await page({ filter: 'ann' })), [['Ann', true, null]]);
    assert.equal(listChats.callCount, 1, 'still the first build');
    assert.equal(listScope.callCount, 2);

    await save('only', [cy]);
    assert.deepEqual(
      places(await page({ inScope: 'true' })),
      [['Cy', true, t1]],
      'a second save at the same moment is seen too: the version moved, not the clock',
    );
  });

  it("keeps each tenant's scope to itself", async () => {
    at('2025-05-01T09:00:00.000Z');
    await save('only', [ann]);
    assert.deepEqual(places(await page({}, OTHER_TENANT)), [['Fay', true, null]]);
    assert.deepEqual(await page({ inScope: 'false' }, OTHER_TENANT), []);
    assert.equal((await page({ inScope: 'false' })).length, 3);
  });
});
