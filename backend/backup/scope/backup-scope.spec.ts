import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MAX_GROUP_MEMBERS } from './scope-group-entries';
import { MAX_SCOPE_USERS } from './scope-input';
import type { GroupMembersSnapshot } from './scope-store';
import {
  applyMembershipChange,
  applyScopeChange,
  DEFAULT_SCOPE,
  MAX_SCOPE_RECORD_BYTES,
  MAX_SINCE_ENTRIES,
  pruneSince,
  sameScope,
  UserScope,
  type BackupScopeRecord,
  type GroupMembers,
  type ScopedUser,
  type ScopeMode,
} from './backup-scope';

const ADMIN = { kind: 'user', id: 'admin-1', name: 'Ada Admin' } as const;
const person = (id: string): ScopedUser => ({ id, userPrincipalName: `${id}@contoso.test`, displayName: id });

/** Saves the changes one after another, at T1, T2, …; returns every record. */
function history(...changes: [ScopeMode, string[]][]): BackupScopeRecord[] {
  const records: BackupScopeRecord[] = [DEFAULT_SCOPE];
  changes.forEach(([mode, ids], i) => {
    const at = `2025-01-0${i + 1}T00:00:00.000Z`;
    records.push(applyScopeChange(records.at(-1)!, { mode, users: ids.map(person) }, at, ADMIN).record);
  });
  return records;
}

describe('backup scope record', () => {
  it('puts everyone in scope by default, from the start', () => {
    const scope = new UserScope(DEFAULT_SCOPE);
    assert.equal(scope.covers('anyone'), true);
    assert.equal(scope.sinceOf('anyone'), null);
  });

  it('covers the people `only` lists, and everyone but those `allExcept` lists', () => {
    const [, only, except] = history(['only', ['ann', 'bob']], ['allExcept', ['ann']]);
    const o = new UserScope(only!);
    assert.deepEqual(
      ['ann', 'bob', 'cy'].map((id) => o.covers(id)),
      [true, true, false],
    );
    const e = new UserScope(except!);
    assert.deepEqual(
      ['ann', 'bob', 'cy'].map((id) => e.covers(id)),
      [false, true, true],
    );
  });

  it('moves a user’s "since" only when they cross the edge of the scope', () => {
    const [, only, wider, all] = history(['only', ['ann']], ['only', ['ann', 'bob']], ['all', []]);
    // Ann was in scope from the start and never left; the others left on day 1.
    assert.equal(new UserScope(only!).sinceOf('ann'), null);
    assert.equal(new UserScope(only!).sinceOf('cy'), '2025-01-01T00:00:00.000Z');
    // Bob came back on day 2; Cy (never named) on day 3 with everyone else.
    assert.equal(new UserScope(wider!).sinceOf('bob'), '2025-01-02T00:00:00.000Z');
    const back = new UserScope(all!);
    assert.equal(back.sinceOf('ann'), null);
    assert.equal(back.sinceOf('bob'), '2025-01-02T00:00:00.000Z');
    assert.equal(back.sinceOf('cy'), '2025-01-03T00:00:00.000Z');
    assert.equal(back.sinceOf('someone-new'), '2025-01-03T00:00:00.000Z');
  });

  it('reports who came in and who left, named or not', () => {
    const records = history(['allExcept', ['ann', 'bob']]);
    const { change } = applyScopeChange(records[1]!, { mode: 'only', users: [person('ann')] }, 'T', ADMIN);
    assert.deepEqual(change, { from: 'allExcept', to: 'only', entered: ['ann'], left: [], others: 'left' });
    const back = applyScopeChange(DEFAULT_SCOPE, { mode: 'allExcept', users: [person('bob')] }, 'T', ADMIN);
    assert.deepEqual(back.change, {
      from: 'all',
      to: 'allExcept',
      entered: [],
      left: ['bob'],
      others: 'unchanged',
    });
  });

  it('keeps the time a user left, for the per-user table, after the list stops naming them', () => {
    const [, , last] = history(['allExcept', ['ann']], ['allExcept', ['bob']]);
    const scope = new UserScope(last!);
    assert.equal(scope.covers('ann'), true);
    assert.equal(scope.sinceOf('ann'), '2025-01-02T00:00:00.000Z');
    assert.equal(scope.sinceOf('bob'), '2025-01-02T00:00:00.000Z');
    assert.equal(scope.sinceOf('cy'), null);
  });

  it('records who saved it and bumps the version; `all` keeps no list', () => {
    const [, only, all] = history(['only', ['ann']], ['all', []]);
    assert.equal(only!.version, 1);
    assert.deepEqual(only!.updatedBy, ADMIN);
    assert.equal(all!.version, 2);
    assert.deepEqual(all!.users, []);
  });

  it('tells a save that changes nothing from one that does', () => {
    const [, only] = history(['only', ['ann', 'bob']]);
    assert.equal(sameScope(only!, { mode: 'only', users: [person('bob'), person('ann')] }), true);
    assert.equal(sameScope(only!, { mode: 'only', users: [person('bob')] }), false);
    assert.equal(sameScope(only!, { mode: 'allExcept', users: [person('ann'), person('bob')] }), false);
    assert.equal(sameScope(DEFAULT_SCOPE, { mode: 'all', users: [] }), true);
  });

  it('fits the longest list, with the longest UPNs and names, and every time it keeps, in one stored item', () => {
    const users = Array.from({ length: MAX_SCOPE_USERS }, () => ({
      id: randomUUID(),
      userPrincipalName: `${'u'.repeat(100)}@contoso.com`.slice(0, 113),
      displayName: 'N'.repeat(256),
    }));
    const { record } = applyScopeChange(
      DEFAULT_SCOPE,
      { mode: 'only', users },
      '2025-05-01T00:00:00.000Z',
      ADMIN,
    );
    const since = { ...record.since };
    while (Object.keys(since).length < MAX_SINCE_ENTRIES) since[randomUUID()] = '2025-05-01T00:00:00.000Z';
    const bytes = Buffer.byteLength(JSON.stringify({ ...record, since }));
    assert.ok(bytes < MAX_SCOPE_RECORD_BYTES, `${bytes} bytes`);
  });

  it('drops first the times no watermark depends on when there are too many to keep', () => {
    const since: Record<string, string | null> = {};
    for (let i = 0; i < MAX_SINCE_ENTRIES - 1; i++) since[`late-${i}`] = '2025-03-01T00:00:00.000Z';
    since['out'] = '2025-01-01T00:00:00.000Z';
    since['early'] = '2025-01-01T00:00:00.000Z';
    const record: BackupScopeRecord = {
      mode: 'allExcept',
      users: [person('out')],
      version: 9,
      othersSince: '2025-02-01T00:00:00.000Z',
      since,
    };
    const kept = pruneSince(record);
    assert.equal(Object.keys(kept).length, MAX_SINCE_ENTRIES);
    // The excluded user's time goes first (nothing reads it but the table).
    assert.equal(Object.hasOwn(kept, 'out'), false);
    assert.equal(Object.hasOwn(kept, 'early'), true);

    const more = { ...record, since: { ...since, 'early-2': '2025-01-01T00:00:00.000Z' } };
    const pruned = pruneSince(more);
    // Then a time earlier than the fallback: falling back to `othersSince` only makes watermarks look older.
    assert.equal(Object.hasOwn(pruned, 'out'), false);
    assert.equal(Object.keys(pruned).filter((id) => id.startsWith('early')).length, 1);
    // A time later than the fallback is never dropped.
    assert.equal(Object.keys(pruned).filter((id) => id.startsWith('late-')).length, MAX_SINCE_ENTRIES - 1);
  });
});

describe('backup scope record with Entra groups', () => {
  const SALES = { id: 'g-sales', displayName: 'Sales' };
  const T1 = '2025-03-01T00:00:00.000Z';
  const T2 = '2025-03-02T00:00:00.000Z';
  const T3 = '2025-03-03T00:00:00.000Z';
  const members = (ids: string[]): GroupMembers => new Map([[SALES.id, ids]]);

  it('names the people listed and the members of its groups, and nobody for a group never read', () => {
    const { record } = applyScopeChange(
      DEFAULT_SCOPE,
      { mode: 'only', users: [person('ann')], groups: [SALES] },
      T1,
      ADMIN,
      { after: members(['bob', 'cy']) },
    );
    const scope = new UserScope(record, members(['bob', 'cy']));
    assert.deepEqual(
      ['ann', 'bob', 'cy', 'dee'].map((id) => scope.covers(id)),
      [true, true, true, false],
    );
    assert.deepEqual([...scope.namedIds].sort(), ['ann', 'bob', 'cy']);
    assert.equal(new UserScope(record).covers('bob'), false, 'without its members a group names nobody');
    const except = new UserScope({ ...record, mode: 'allExcept' }, members(['bob']));
    assert.deepEqual(
      ['ann', 'bob', 'dee'].map((id) => except.covers(id)),
      [false, false, true],
    );
  });

  it('moves the "since" of group members who cross the edge when the scope is saved', () => {
    const only = applyScopeChange(DEFAULT_SCOPE, { mode: 'only', users: [person('ann')] }, T1, ADMIN).record;
    const { record, change } = applyScopeChange(
      only,
      { mode: 'only', users: [person('ann')], groups: [SALES] },
      T2,
      ADMIN,
      { before: new Map(), after: members(['ann', 'bob']) },
    );
    assert.deepEqual(change.entered, ['bob'], 'Ann was in already');
    const scope = new UserScope(record, members(['ann', 'bob']));
    assert.equal(scope.sinceOf('bob'), T2);
    assert.equal(scope.sinceOf('ann'), null);
    assert.deepEqual(record.groups, [SALES]);
    assert.equal(sameScope(record, { mode: 'only', users: [person('ann')], groups: [SALES] }), true);
    assert.equal(sameScope(record, { mode: 'only', users: [person('ann')] }), false, 'a group less');
  });

  it('keeps the largest group’s members in one stored item', () => {
    const snapshot: GroupMembersSnapshot = {
      groupId: randomUUID(),
      members: Array.from({ length: MAX_GROUP_MEMBERS }, () => randomUUID()),
      readAt: T1,
    };
    assert.ok(Buffer.byteLength(JSON.stringify(snapshot)) < MAX_SCOPE_RECORD_BYTES);
  });

  it('moves the "since" of people who join or leave a group between saves, and nothing else', () => {
    const saved = applyScopeChange(DEFAULT_SCOPE, { mode: 'only', users: [], groups: [SALES] }, T1, ADMIN, {
      after: members(['bob', 'cy']),
    }).record;
    const same = applyMembershipChange(saved, members(['bob', 'cy']), members(['cy', 'bob']), T2);
    assert.deepEqual([same.entered, same.left], [[], []]);
    assert.deepEqual(same.record.since, saved.since);

    const changed = applyMembershipChange(saved, members(['bob', 'cy']), members(['cy', 'dee']), T2);
    assert.deepEqual([changed.entered, changed.left], [['dee'], ['bob']]);
    assert.equal(changed.record.version, saved.version, 'not a change of the scope itself');
    const now = new UserScope(changed.record, members(['cy', 'dee']));
    assert.equal(now.sinceOf('dee'), T2);
    assert.equal(now.sinceOf('bob'), T2);
    assert.equal(now.sinceOf('cy'), new UserScope(saved, members(['bob', 'cy'])).sinceOf('cy'));

    // Bob comes back: another time, so a watermark from his first stretch is not trusted.
    const back = applyMembershipChange(
      changed.record,
      members(['cy', 'dee']),
      members(['bob', 'cy', 'dee']),
      T3,
    );
    assert.deepEqual(back.entered, ['bob']);
    assert.equal(new UserScope(back.record, members(['bob', 'cy', 'dee'])).sinceOf('bob'), T3);

    // Under allExcept, joining the group is leaving the scope.
    const except = applyScopeChange(
      DEFAULT_SCOPE,
      { mode: 'allExcept', users: [], groups: [SALES] },
      T1,
      ADMIN,
      {
        after: members(['bob']),
      },
    ).record;
    const joined = applyMembershipChange(except, members(['bob']), members(['bob', 'cy']), T2);
    assert.deepEqual([joined.entered, joined.left], [[], ['cy']]);
  });
});
