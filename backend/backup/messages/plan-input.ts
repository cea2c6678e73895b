import type { BackupStore } from '../../store/backup-store';
import type { UserScope } from '../scope/backup-scope';
import { isBackedUp } from '../discovery/user-states';
import type { HarvestPlanInput, PlannedChat } from './harvest-strategy';

const DAY_MS = 86_400_000;

/** Who a run backs up: a tenant's backup scope (`scope/`); everyone when none is given. */
export type PlanScope = Pick<UserScope, 'mode' | 'covers'>;

const EVERYONE: PlanScope = { mode: 'all', covers: () => true };

/**
 * What a full run's plan starts from, read back from the store once discovery is durable: the users
 * backed up (in scope, and state still `active`: discovery skips those Graph refused), every chat
 * of the scope with those of its present members, and each chat's weight. A chat read before weighs
 * what it holds; one never read weighs its age in days times the tenant's mean messages per
 * chat-day (or just its age on a first run), because old chats have had longer to fill up.
 * `pinnedBefore` names the chats that had pinned messages at the last look: a full run reads their
 * pins again.
 *
 * A chat is in scope when one of its present members is a directory user in scope; under `all`,
 * every chat the store holds is (docs/backup-scope.md). Chats kept from a wider scope are left out:
 * what was backed up of them stays, nothing new is read.
 */
export async function planInput(
  tenantId: string,
  store: Pick<BackupStore, 'listUsers' | 'listChats' | 'getMembers' | 'countMessages' | 'getPinnedMessages'>,
  now: Date,
  scope: PlanScope = EVERYONE,
): Promise<HarvestPlanInput & { pinnedBefore: string[] }> {
  const users: string[] = [];
  const inScope = new Set<string>();
  let userCursor: string | undefined;
  do {
    const page = await store.listUsers(tenantId, { limit: 1000, cursor: userCursor });
    for (const user of page.items) {
      if (!scope.covers(user.userId)) continue;
      inScope.add(user.userId);
      if (isBackedUp(user.state)) users.push(user.userId);
    }
    userCursor = page.next;
  } while (userCursor);
  const active = new Set(users);

  const chats: (PlannedChat & { ageDays: number; stored: number })[] = [];
  const pinnedBefore: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listChats(tenantId, { limit: 1000, cursor });
    for (const chat of page.items) {
      const members = await store.getMembers(tenantId, chat.chatId);
      if (scope.mode !== 'all' && !members.some((m) => m.present && inScope.has(m.userId))) continue;
      const readers = members.filter((m) => m.present && active.has(m.userId)).map((m) => m.userId);
      const stored = (await store.countMessages(tenantId, { chatId: chat.chatId })).messages;
      const ageDays = Math.max(1, (now.getTime() - Date.parse(chat.createdDateTime)) / DAY_MS);
      chats.push({ chatId: chat.chatId, readers, weight: 0, ageDays, stored });
      const pins = await store.getPinnedMessages(tenantId, chat.chatId);
      if (pins && pins.pinned.length > 0) pinnedBefore.push(chat.chatId);
    }
    cursor = page.next;
  } while (cursor);

  const counted = chats.filter((chat) => chat.stored > 0);
  const perDay =
    counted.length === 0
      ? 1
      : counted.reduce((sum, chat) => sum + chat.stored, 0) /
        counted.reduce((sum, chat) => sum + chat.ageDays, 0);
  for (const chat of chats) chat.weight = chat.stored > 0 ? chat.stored : chat.ageDays * perDay;
  return {
    users,
    chats: chats.map(({ chatId, readers, weight }) => ({ chatId, readers, weight })),
    pinnedBefore,
  };
}
