import type { DirectoryUser } from '../store/backup-records';
import type { DirectoryStore } from '../store/backup-store';

/**
 * A user of the tenant's backed-up directory by object id or UPN (case-insensitive), as admins name
 * people. The directory store is keyed by id; a UPN is looked for page by page.
 */
export async function findDirectoryUser(
  directory: Pick<DirectoryStore, 'getUser' | 'listUsers'>,
  tenantId: string,
  idOrUpn: string,
): Promise<DirectoryUser | undefined> {
  const wanted = idOrUpn.trim();
  if (wanted === '') return undefined;
  const byId = await directory.getUser(tenantId, wanted);
  if (byId) return byId;
  if (!wanted.includes('@')) return undefined;
  const upn = wanted.toLowerCase();
  let cursor: string | undefined;
  do {
    const page = await directory.listUsers(tenantId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    const found = page.items.find((u) => u.upn.toLowerCase() === upn);
    if (found) return found;
    cursor = page.next;
  } while (cursor);
  return undefined;
}
