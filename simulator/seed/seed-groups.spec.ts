import assert from 'node:assert/strict';
import { ManualClock } from '../state/clock';
import { TenantState } from '../state/tenant-state';
import type { SeedTenantOptions } from './seed-options';
import { seedTenant } from './seed-tenant';

const END = Date.parse('2025-06-01T12:00:00.000Z');
const OPTIONS: SeedTenantOptions = {
  seed: 'contoso',
  domain: 'contoso.onmicrosoft.com',
  displayName: 'Contoso',
  users: 10,
  chats: 6,
  messages: 40,
  endMs: END,
};

describe('seeded groups', () => {
  const seeded = (options: SeedTenantOptions) => {
    const state = new TenantState({ clock: new ManualClock(END) });
    const tenant = seedTenant(state, options);
    const groups = state.listGroups(tenant.id).map((g) => ({
      id: g.id,
      name: g.displayName,
      members: g.members,
      transitive: state.transitiveUserIds(tenant.id, g.id),
    }));
    const users = (
      state.db.prepare('SELECT id FROM users WHERE tenant_id = ?').all(tenant.id) as { id: string }[]
    ).map((u) => u.id);
    state.close();
    return { groups, users };
  };

  it('gives every tenant the same few groups from its seed, one nested in another', () => {
    const first = seeded(OPTIONS);
    assert.deepEqual(seeded(OPTIONS), first, 'the same seed, the same groups');
    assert.deepEqual(
      first.groups.map((g) => g.name),
      ['Engineering', 'Sales', 'Sales Leadership', 'Backup Opt-Out'],
    );
    const byName = new Map(first.groups.map((g) => [g.name, g]));
    const sales = byName.get('Sales')!;
    const leadership = byName.get('Sales Leadership')!;
    assert.ok(
      sales.members.some((m) => m.type === 'group' && m.id === leadership.id),
      'nested',
    );
    const direct = sales.members.filter((m) => m.type === 'user').map((m) => m.id);
    // The nested group's people are not direct members: only a transitive read finds them.
    assert.ok(leadership.transitive.length > 0 && leadership.transitive.every((id) => !direct.includes(id)));
    assert.deepEqual(new Set(sales.transitive), new Set([...direct, ...leadership.transitive]));
    for (const group of first.groups) {
      assert.ok(group.transitive.length > 0, `${group.name} has people`);
      assert.ok(
        group.transitive.every((id) => first.users.includes(id)),
        'members are directory users',
      );
    }
    const other = seeded({ ...OPTIONS, seed: 'fabrikam', domain: 'fabrikam.onmicrosoft.com' });
    assert.notDeepEqual(
      other.groups.map((g) => g.id),
      first.groups.map((g) => g.id),
    );
  });

  it('seeds groups even in the smallest tenant', () => {
    const { groups } = seeded({ ...OPTIONS, users: 2, chats: 1, messages: 0 });
    assert.equal(groups.length, 4);
    assert.ok(groups.every((g) => g.transitive.length > 0));
  });
});
