import type { BackupStore } from '../../store/backup-store';
import { activeUsers } from '../discovery/active-users';
import type { HarvestPlanInput, PlannedChat } from './harvest-strategy';

const DAY_MS = 86_400_000;

/**
 * What a full run's plan starts from, read back from the store once discovery is durable: the users
 * backed up (state still `active`: discovery skips those Graph refused), every chat the tenant has
 * with those of its present members, and each chat's weight. A chat read before weighs what it
 * holds; one never read weighs its age in days times the tenant's mean messages per chat-day (or
 * just its age on a first run), because old chats have had longer to fill up. `pinnedBefore` names
 * the chats that had pinned messages at the last look: a full run reads their pins again.
 */
export async function planInput(
  tenantId: string,
  store: Pick<BackupStore, 'listUsers' | 'listChats' | 'getMembers' | 'countMessages' | 'getPinnedMessages'>,
  now: Date,
): Promise<HarvestPlanInput & { pinnedBefore: string[] }> {
  const users = await activeUsers(tenantId, store);
  const active = new Set(users);

  const chats: (PlannedChat & { ageDays: number; stored: number })[] = [];
  const pinnedBefore: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listChats(tenantId, { limit: 1000, cursor });
    for (const chat of page.items) {
      const members = await store.getMembers(tenantId, chat.chatId);
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
