import type { TenantGraphSource } from '../../graph/tenant-graph-source';
import type { DirectoryUserInput } from '../../store/backup-records';
import type { BackupStore } from '../../store/backup-store';
import { directoryUser, isBackedUp } from './user-states';

export interface DiscoveredUsers {
  /** Users whose chats this run reads, by id. */
  active: string[];
  /** Listed but skipped (disabled accounts). */
  skipped: number;
  /** Known from earlier runs and no longer listed: deleted from the directory since. */
  gone: number;
}

const UPSERT_BATCH = 500;

/**
 * Every user of the tenant (`GET /users`, paged), recorded in the store. A user the store knew and
 * Graph no longer lists was deleted: they are recorded as such, and everything backed up of them is
 * kept. Repeating it changes nothing.
 */
export async function discoverUsers(
  tenantId: string,
  graph: Pick<TenantGraphSource, 'users'>,
  store: Pick<BackupStore, 'upsertUsers' | 'listUsers'>,
  signal?: AbortSignal,
): Promise<DiscoveredUsers> {
  const listed = new Set<string>();
  const active: string[] = [];
  let skipped = 0;
  for await (const page of graph.users({ signal })) {
    const users = page.map(directoryUser);
    for (const user of users) {
      listed.add(user.userId);
      if (isBackedUp(user.state)) active.push(user.userId);
      else skipped++;
    }
    for (let i = 0; i < users.length; i += UPSERT_BATCH) {
      await store.upsertUsers(tenantId, users.slice(i, i + UPSERT_BATCH));
    }
  }

  const gone: DirectoryUserInput[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listUsers(tenantId, { limit: 1000, cursor });
    for (const user of page.items) {
      if (!listed.has(user.userId) && user.state !== 'deleted') {
        gone.push({ userId: user.userId, upn: user.upn, displayName: user.displayName, state: 'deleted' });
      }
    }
    cursor = page.next;
  } while (cursor);
  for (let i = 0; i < gone.length; i += UPSERT_BATCH) {
    await store.upsertUsers(tenantId, gone.slice(i, i + UPSERT_BATCH));
  }
  return { active, skipped, gone: gone.length };
}
