import type { Container } from '@azure/cosmos';
import type { RemoveAdminResult, TenantAdmin, TenantAdminStore } from '../../governance/tenant-admins';
import { readDoc, updateDoc, type Doc } from './cosmos-documents';

/**
 * A tenant's admins are one document of its partition in the `tenant` container, id
 * `tenant-admins`, holding the whole roster. Every change is a compare-and-swap on that one
 * document's ETag (Cosmos DB has no transaction across documents here: the test server lacks
 * transactional batch), so "only when there is none yet" and "unless it is the last one" are
 * decided atomically: of two first connects racing, exactly one writes.
 */
const ROSTER_ID = 'tenant-admins';

type RosterDoc = Doc & { type: 'tenant-admins'; tenantId: string; admins: TenantAdmin[] };

export class CosmosTenantAdminStore implements TenantAdminStore {
  constructor(private readonly container: Container) {}

  async listAdmins(tenantId: string): Promise<TenantAdmin[]> {
    const roster = await readDoc<RosterDoc>(this.container, ROSTER_ID, tenantId);
    return [...(roster?.admins ?? [])].sort(
      (a, b) => a.addedAt.localeCompare(b.addedAt) || a.userId.localeCompare(b.userId),
    );
  }

  async getAdmin(tenantId: string, userId: string): Promise<TenantAdmin | undefined> {
    const roster = await readDoc<RosterDoc>(this.container, ROSTER_ID, tenantId);
    return roster?.admins.find((a) => a.userId === userId);
  }

  async addFirstAdmin(admin: TenantAdmin): Promise<boolean> {
    const { written } = await this.update(admin.tenantId, (admins) =>
      admins.length === 0 ? [admin] : undefined,
    );
    return written;
  }

  async addAdmin(admin: TenantAdmin): Promise<TenantAdmin> {
    let kept: TenantAdmin = admin;
    await this.update(admin.tenantId, (admins) => {
      const existing = admins.find((a) => a.userId === admin.userId);
      kept = existing ?? admin;
      return existing ? undefined : [...admins, admin];
    });
    return kept;
  }

  async removeAdmin(tenantId: string, userId: string): Promise<boolean> {
    const { written } = await this.update(tenantId, (admins) =>
      admins.some((a) => a.userId === userId) ? admins.filter((a) => a.userId !== userId) : undefined,
    );
    return written;
  }

  async removeAdminUnlessLast(tenantId: string, userId: string): Promise<RemoveAdminResult> {
    let result: RemoveAdminResult = 'not_admin';
    await this.update(tenantId, (admins) => {
      if (!admins.some((a) => a.userId === userId)) {
        result = 'not_admin';
        return undefined;
      }
      if (admins.length === 1) {
        result = 'last_admin';
        return undefined;
      }
      result = 'removed';
      return admins.filter((a) => a.userId !== userId);
    });
    return result;
  }

  /** Applies `change` to the roster through its ETag; `change` answers undefined to leave it be. */
  private update(
    tenantId: string,
    change: (admins: TenantAdmin[]) => TenantAdmin[] | undefined,
  ): Promise<{ written: boolean }> {
    return updateDoc<RosterDoc>(this.container, ROSTER_ID, tenantId, (current) => {
      const admins = change(current?.admins ?? []);
      return admins && { id: ROSTER_ID, type: 'tenant-admins', tenantId, admins };
    });
  }
}
