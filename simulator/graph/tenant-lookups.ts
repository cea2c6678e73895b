import { forbidden, notFound } from './graph-errors';
import type { StatementCache } from './statement-cache';

/**
 * Look-ups every route starts with, always inside the caller's tenant: a user or chat of another
 * tenant is answered exactly like an id that does not exist.
 */

export interface TenantUser {
  id: string;
  teamsLicensed: boolean;
}

interface UserRow {
  id: string;
  teams_licensed: number;
}

export class TenantLookups {
  constructor(private readonly sql: StatementCache) {}

  /** A user that exists and is not deleted, by object id or user principal name. */
  user(tenantId: string, idOrUpn: string): TenantUser | undefined {
    const byId = this.sql.rows(
      'SELECT id, teams_licensed FROM users WHERE tenant_id = ? AND id = ? AND deleted = 0',
    );
    const byUpn = this.sql.rows(
      'SELECT id, teams_licensed FROM users WHERE tenant_id = ? AND upn = ? AND deleted = 0',
    );
    const row = (byId.get(tenantId, idOrUpn) ?? byUpn.get(tenantId, idOrUpn)) as UserRow | undefined;
    return row && { id: row.id, teamsLicensed: row.teams_licensed === 1 };
  }

  /**
   * The user whose chats a Teams route reads. A deleted or unknown user is 404.
   *
   * A user without a Teams license: Microsoft's pages for list chats and getAllMessages do not say
   * what Graph answers. Teams operations on unlicensed users are reported (Graph issue threads) to
   * fail with 403 `Forbidden` "Failed to get license information for the user…", so the simulator
   * answers that: the stricter choice, which makes a backup handle one refused user without
   * failing the whole run, and tell it apart from a missing permission.
   */
  teamsUser(tenantId: string, idOrUpn: string): TenantUser {
    const user = this.user(tenantId, idOrUpn);
    if (!user) throw notFound(`The user '${idOrUpn}' was not found.`);
    if (!user.teamsLicensed) {
      throw forbidden(
        'Failed to get license information for the user. Ensure user has a valid Office365 license assigned to them.',
      );
    }
    return user;
  }

  /** Throws 404 unless the chat exists in the tenant. */
  requireChat(tenantId: string, chatId: string): void {
    const found = this.sql.rows('SELECT 1 FROM chats WHERE tenant_id = ? AND id = ?').get(tenantId, chatId);
    if (!found) throw notFound(`The chat '${chatId}' was not found.`);
  }

  isMember(tenantId: string, userId: string, chatId: string): boolean {
    const statement = this.sql.rows(
      'SELECT 1 FROM chat_members WHERE tenant_id = ? AND user_id = ? AND chat_id = ? LIMIT 1',
    );
    return statement.get(tenantId, userId, chatId) !== undefined;
  }
}
