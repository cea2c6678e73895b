import { guidFrom } from '../state/graph-ids';
import type { GroupMemberType } from '../state/groups';
import type { SeedRandom } from './seed-random';

/** A seeded group and its direct members, in the order they are added. */
export interface SeedGroup {
  id: string;
  displayName: string;
  description: string;
  members: { id: string; type: GroupMemberType }[];
}

/**
 * The groups every seeded tenant has, drawn from its directory users (guests, disabled and
 * unlicensed accounts can be drawn too, as in any directory): two departments, a small group
 * nested in one of them whose people are not direct members of it (so only a transitive read
 * finds them), and a small group of the kind a tenant leaves out of backups.
 *
 * Uses its own random stream: adding groups changes nothing else a seed generates.
 */
export function seedGroups(rng: SeedRandom, seed: string, userIds: readonly string[]): SeedGroup[] {
  const n = userIds.length;
  const order = rng.sample(userIds, n);
  const engineering = order.slice(0, Math.ceil(n * 0.4));
  const rest = order.slice(engineering.length);
  const sales = rest.slice(0, Math.max(1, Math.ceil(n * 0.3)));
  const outsideSales = order.filter((id) => !sales.includes(id));
  const leadership = rng.sample(
    outsideSales,
    Math.min(outsideSales.length, Math.max(1, Math.round(n * 0.1))),
  );
  const optOut = rng.sample(order, Math.min(n, Math.max(1, Math.round(n * 0.05))));

  const group = (displayName: string, description: string): Omit<SeedGroup, 'members'> => ({
    id: guidFrom(seed, 'group', displayName),
    displayName,
    description,
  });
  const users = (ids: readonly string[]) => ids.map((id) => ({ id, type: 'user' as const }));
  const salesLeadership = group('Sales Leadership', 'Heads of the sales regions');
  return [
    { ...group('Engineering', 'Everyone who builds the product'), members: users(engineering) },
    {
      ...group('Sales', 'The sales department'),
      members: [...users(sales), { id: salesLeadership.id, type: 'group' }],
    },
    { ...salesLeadership, members: users(leadership) },
    { ...group('Backup Opt-Out', 'People whose chats are left out of backups'), members: users(optOut) },
  ];
}
