import { onlineMeetingInfo, type ChatType, type OnlineMeetingInfo } from '../state/directory-json';
import { groupChatId, guidFrom, hexFrom, meetingChatId, oneOnOneChatId } from '../state/graph-ids';
import type { SeedPeople, SeedPerson } from './seed-people';
import type { SeedRandom } from './seed-random';

/**
 * The chats of a seeded tenant. The first five have roles the special cases are planted in (see
 * seed-specials.ts); the rest are random 1:1, group (some over the 25 members `$expand=members`
 * returns) and meeting chats born at random times over the history.
 */

export type ChatRole = 'team' | 'pair' | 'meeting' | 'bots' | 'federated';

/** Roles in the order chats get them, so small tenants keep the most useful ones. */
export const CHAT_ROLES: readonly ChatRole[] = ['team', 'pair', 'meeting', 'bots', 'federated'];

/** The largest group chat the seed makes (Teams allows far more; 60 is past every paging limit that matters). */
export const MAX_GROUP_MEMBERS = 60;

/** Members the Graph `$expand=members` of a chat list returns at most. */
export const EXPAND_MEMBERS_CAP = 25;

export interface SeedChat {
  id: string;
  chatType: ChatType;
  role: ChatRole | null;
  topic: string | null;
  birthMs: number;
  /** Share of the traffic the chat attracts, relative to others. */
  weight: number;
  /** Current members, in the order they were added. */
  members: SeedPerson[];
  organizer: SeedPerson;
  onlineMeetingInfo: OnlineMeetingInfo | null;
  /** Pinned message ids, oldest first. */
  pinned: string[];
  /** The newest message that may be pinned (a regular, undeleted one). */
  pinnable: string | null;
  botInstalled: boolean;
  lastUpdatedMs: number;
}

const GROUP_TOPICS = [
  'Launch crew',
  'Design review',
  'Lunch 🍕',
  'Q3 planning',
  'Ops on-call',
  'Book club',
  'Offsite 2025',
];
const MEETING_TOPICS = [
  'Weekly sync',
  'Customer call: Northwind',
  'Sprint review',
  'Budget review',
  '1:1 catch-up',
];

function newChat(
  seed: string,
  tenantId: string,
  index: number,
  chatType: ChatType,
  members: SeedPerson[],
  topic: string | null,
  birthMs: number,
  weight: number,
  role: ChatRole | null,
): SeedChat {
  const organizer = members[0]!;
  const id =
    chatType === 'oneOnOne'
      ? oneOnOneChatId(members[0]!.participant.userId, members[1]!.participant.userId)
      : chatType === 'group'
        ? groupChatId(hexFrom(32, seed, 'chat', index))
        : meetingChatId(guidFrom(seed, 'meeting', index));
  return {
    id,
    chatType,
    role,
    topic,
    birthMs,
    weight,
    members,
    organizer,
    onlineMeetingInfo:
      chatType === 'meeting'
        ? onlineMeetingInfo(
            id,
            tenantId,
            organizer.participant.userId,
            Buffer.from(guidFrom(seed, 'event', index)).toString('base64'),
          )
        : null,
    pinned: [],
    pinnable: null,
    botInstalled: false,
    lastUpdatedMs: birthMs,
  };
}

function roleChat(
  seed: string,
  tenantId: string,
  people: SeedPeople,
  role: ChatRole,
  index: number,
  birthMs: number,
): SeedChat | undefined {
  const [first, second, ...rest] = people.internal;
  if (!first) return undefined;
  switch (role) {
    case 'team': {
      if (!second) return undefined;
      const members = people.internal.slice(0, MAX_GROUP_MEMBERS);
      return newChat(seed, tenantId, index, 'group', members, 'All hands', birthMs, 1, role);
    }
    case 'pair':
      return second
        ? newChat(seed, tenantId, index, 'oneOnOne', [first, second], null, birthMs, 0.8, role)
        : undefined;
    case 'meeting': {
      const members = [
        first,
        ...(second ? [second] : []),
        ...(people.guest ? [people.guest] : []),
        ...rest.slice(1, 3),
      ];
      return newChat(seed, tenantId, index, 'meeting', members, 'Weekly sync', birthMs, 0.6, role);
    }
    case 'bots': {
      // Kept small so that there is always someone left to add.
      const members = [first, ...(second ? [second] : []), ...(people.guest ? [people.guest] : [])];
      return members.length >= 2
        ? newChat(seed, tenantId, index, 'group', members, 'Release crew', birthMs, 0.6, role)
        : undefined;
    }
    case 'federated': {
      const outsider = people.federated[0];
      return outsider
        ? newChat(seed, tenantId, index, 'oneOnOne', [first, outsider], null, birthMs, 0.5, role)
        : undefined;
    }
    default: {
      const unreachable: never = role;
      throw new Error(`unknown chat role ${String(unreachable)}`);
    }
  }
}

/** Chats sorted by birth; role chats are born first, a second apart, at the start of the history. */
export function planChats(
  rng: SeedRandom,
  seed: string,
  tenantId: string,
  people: SeedPeople,
  count: number,
  startMs: number,
  spanMs: number,
): SeedChat[] {
  const chats: SeedChat[] = [];
  const pairs = new Set<string>();
  for (const role of CHAT_ROLES) {
    if (chats.length >= count) break;
    const chat = roleChat(seed, tenantId, people, role, chats.length, startMs + chats.length * 1000);
    if (!chat) continue;
    if (chat.chatType === 'oneOnOne') pairs.add(chat.id);
    chats.push(chat);
  }

  const internal = people.internal;
  const random: SeedChat[] = [];
  for (let index = chats.length; index < count; index++) {
    const birthMs = startMs + Math.floor(rng.float() * spanMs * 0.8);
    const weight = 0.05 + 0.95 * rng.float() ** 2;
    const roll = rng.float();
    if (roll < 0.5 && internal.length >= 2) {
      const outsiders = [...people.federated, ...(people.guest ? [people.guest] : [])];
      let made: SeedChat | undefined;
      for (let attempt = 0; attempt < 10 && !made; attempt++) {
        const a = rng.pick(internal);
        const b = rng.chance(0.05) && outsiders.length > 0 ? rng.pick(outsiders) : rng.pick(internal);
        if (a === b) continue;
        const chat = newChat(seed, tenantId, index, 'oneOnOne', [a, b], null, birthMs, weight, null);
        if (pairs.has(chat.id)) continue;
        pairs.add(chat.id);
        made = chat;
      }
      if (made) {
        random.push(made);
        continue;
      }
    }
    if (roll < 0.85 && internal.length >= 2) {
      const big = rng.chance(0.05);
      const size = big ? rng.range(EXPAND_MEMBERS_CAP + 1, MAX_GROUP_MEMBERS) : rng.range(3, 8);
      const members = rng.sample(internal, size);
      if (people.guest && rng.chance(0.15)) members.push(people.guest);
      const topic = rng.chance(0.3) ? null : rng.pick(GROUP_TOPICS);
      random.push(newChat(seed, tenantId, index, 'group', members, topic, birthMs, weight, null));
      continue;
    }
    const members = rng.sample(internal, rng.range(2, 15));
    if (people.guest && rng.chance(0.2)) members.push(people.guest);
    random.push(
      newChat(seed, tenantId, index, 'meeting', members, rng.pick(MEETING_TOPICS), birthMs, weight, null),
    );
  }
  random.sort((a, b) => a.birthMs - b.birthMs);
  return [...chats, ...random];
}
