import type { Clock } from '../../connection/clock';
import type { TenantGraphSource } from '../../graph/tenant-graph-source';
import type { BackupStore } from '../../store/backup-store';
import { chatInput, expandedMembers } from './chat-records';

export interface DiscoveredChats {
  chatIds: string[];
  /** Chats whose member list the listing could not give whole (past the `$expand` cap). */
  needMembers: string[];
}

/**
 * One user's chats (`GET /users/{id}/chats?$expand=members`), recorded with their members. The same
 * group chat is listed once per member; the store keeps only the newest metadata and member
 * snapshot, so every listing may write it and repeating one changes nothing. `recorded` (chat id to
 * the `lastUpdatedDateTime` written) spares the writes of a chat already recorded unchanged: Graph
 * moves `lastUpdatedDateTime` when a chat is renamed or its members change [chat resource].
 */
export async function discoverChats(
  tenantId: string,
  userId: string,
  deps: {
    graph: Pick<TenantGraphSource, 'userChats'>;
    store: Pick<BackupStore, 'upsertChats' | 'recordMembers'>;
    clock: Pick<Clock, 'now'>;
    recorded?: Map<string, string>;
  },
  signal?: AbortSignal,
): Promise<DiscoveredChats> {
  const found: DiscoveredChats = { chatIds: [], needMembers: [] };
  for await (const page of deps.graph.userChats(userId, { signal })) {
    const seenAt = deps.clock.now().toISOString();
    for (const chat of page) found.chatIds.push(chat.id);
    const fresh = page.filter((chat) => deps.recorded?.get(chat.id) !== chat.lastUpdatedDateTime);
    if (fresh.length > 0) await deps.store.upsertChats(tenantId, fresh.map(chatInput), seenAt);
    for (const chat of fresh) {
      deps.recorded?.set(chat.id, chat.lastUpdatedDateTime);
      const members = expandedMembers(chat);
      if (members) await deps.store.recordMembers(tenantId, chat.id, members, seenAt);
      else found.needMembers.push(chat.id);
    }
  }
  return found;
}
