import type { Actor } from '../store/connection-records';

/**
 * A ChatVault admin of one tenant. `userId` is the person's Entra object id, as Microsoft signs it:
 * `from.aadObjectId` of a Bot Framework-authenticated activity, or `oid` of a verified SSO token.
 */
export interface TenantAdmin {
  tenantId: string;
  userId: string;
  displayName?: string;
  userPrincipalName?: string;
  addedAt: string;
  addedBy: Actor;
  /** `first-connect`: became admin by saving working credentials (holding them proves the authority). */
  via: 'first-connect' | 'added';
}

/** Persistence of the tenant's admin roster. Every method touches one tenant only. */
export interface TenantAdminStore {
  listAdmins(tenantId: string): Promise<TenantAdmin[]>;
  getAdmin(tenantId: string, userId: string): Promise<TenantAdmin | undefined>;
  /**
   * Adds `admin` only when the tenant has no admin at all, atomically (two first connects racing
   * make exactly one admin). Resolves true when this one became the first admin.
   */
  addFirstAdmin(admin: TenantAdmin): Promise<boolean>;
  /** Adds or keeps (idempotent: an existing admin keeps its original record). */
  addAdmin(admin: TenantAdmin): Promise<TenantAdmin>;
  /** Resolves false when the user was not an admin. */
  removeAdmin(tenantId: string, userId: string): Promise<boolean>;
  /**
   * Removes the admin unless they are the tenant's only one, atomically: two admins removing each
   * other at the same moment cannot leave the tenant with none.
   */
  removeAdminUnlessLast(tenantId: string, userId: string): Promise<RemoveAdminResult>;
}

export type RemoveAdminResult = 'removed' | 'not_admin' | 'last_admin';
