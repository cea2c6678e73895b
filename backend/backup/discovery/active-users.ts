import type { BackupStore } from '../../store/backup-store';

/** The users the store records as backed up (`active`): listed, enabled, and not refused by Graph. */
export async function activeUsers(
  tenantId: string,
  store: Pick<BackupStore, 'listUsers'>,
): Promise<string[]> {
  const users: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listUsers(tenantId, { limit: 1000, cursor });
    for (const user of page.items) if (user.state === 'active') users.push(user.userId);
    cursor = page.next;
  } while (cursor);
  return users;
}
