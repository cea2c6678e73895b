import { userJson, type UserJson, type UserType } from './directory-json';
import { guidFrom } from './graph-ids';
import type { StateContext, TenantRow, UserRow } from './state-context';
import { StateError } from './state-error';

/** Tenants and their directory users. */

export interface TenantRef {
  id: string;
  domain: string;
  displayName: string;
}

export interface UserRecord {
  tenantId: string;
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  teamsLicensed: boolean;
  userType: UserType;
  /** A guest's own tenant; null for the tenant's members. */
  homeTenantId: string | null;
  deleted: boolean;
  json: UserJson;
}

export interface NewTenant {
  /** Derived from the domain when absent. */
  id?: string;
  domain: string;
  displayName: string;
}

export interface NewUser {
  /** Derived from the tenant and UPN when absent. */
  id?: string;
  displayName: string;
  /** Derived from the display name (members) or the mail address (guests) when absent. */
  userPrincipalName?: string;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  jobTitle?: string | null;
  preferredLanguage?: string | null;
  /** A user without a Teams license has no chats: Graph refuses their chat endpoints. */
  teamsLicensed?: boolean;
  accountEnabled?: boolean;
  userType?: UserType;
  /** Guests only: the tenant the guest comes from. */
  homeTenantId?: string;
}

export function toTenantRef(row: TenantRow): TenantRef {
  return { id: row.id, domain: row.domain, displayName: row.display_name };
}

export function toUserRecord(row: UserRow): UserRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    userPrincipalName: row.upn,
    displayName: row.display_name,
    accountEnabled: row.account_enabled === 1,
    teamsLicensed: row.teams_licensed === 1,
    userType: row.user_type,
    homeTenantId: row.home_tenant_id,
    deleted: row.deleted === 1,
    json: JSON.parse(row.json) as UserJson,
  };
}

export function createTenant(ctx: StateContext, t: NewTenant): TenantRef {
  const id = (t.id ?? guidFrom('tenant', t.domain.toLowerCase())).toLowerCase();
  return ctx.write(() => {
    if (ctx.tenant(id) || ctx.tenant(t.domain)) {
      throw new StateError('conflict', `a tenant with id ${id} or domain ${t.domain} already exists`);
    }
    ctx.stmt.insertTenant.run({ id, domain: t.domain, display_name: t.displayName });
    ctx.stmt.insertCounter.run(id);
    ctx.nextSeq(id);
    return { id, domain: t.domain, displayName: t.displayName };
  });
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

/** Guests get the UPN Entra gives invited accounts: `alias_theirdomain#EXT#@ourdomain`. */
function defaultUpn(u: NewUser, domain: string, ordinal: number): string {
  if (u.userType === 'Guest' && u.mail) return `${u.mail.replace('@', '_')}#EXT#@${domain}`;
  return `${slug(u.displayName) || `user${ordinal}`}@${domain}`;
}

/** The row a new user is stored as; the seed writes the same rows in bulk. */
export function userRow(tenant: TenantRow, u: NewUser, ordinal: number): UserRow {
  const upn = u.userPrincipalName ?? defaultUpn(u, tenant.domain, ordinal);
  const id = (u.id ?? guidFrom(tenant.id, 'user', upn.toLowerCase())).toLowerCase();
  const userType = u.userType ?? 'Member';
  if (userType === 'Guest' && !u.homeTenantId) throw new StateError('invalid', 'a guest needs homeTenantId');
  if (userType === 'Member' && u.homeTenantId)
    throw new StateError('invalid', 'only guests have a homeTenantId');
  const json = userJson({
    id,
    displayName: u.displayName,
    givenName: u.givenName ?? null,
    surname: u.surname ?? null,
    userPrincipalName: upn,
    mail: u.mail === undefined ? (userType === 'Member' ? upn : null) : u.mail,
    jobTitle: u.jobTitle ?? null,
    preferredLanguage: u.preferredLanguage ?? null,
  });
  return {
    tenant_id: tenant.id,
    id,
    upn,
    display_name: u.displayName,
    account_enabled: u.accountEnabled === false ? 0 : 1,
    teams_licensed: u.teamsLicensed === false ? 0 : 1,
    user_type: userType,
    home_tenant_id: u.homeTenantId?.toLowerCase() ?? null,
    deleted: 0,
    ordinal,
    json: JSON.stringify(json),
  };
}

export function addUser(ctx: StateContext, tenantIdOrDomain: string, u: NewUser): UserRecord {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const { n } = ctx.stmt.nextUserOrdinal.get(tenant.id) as { n: number };
    const row = userRow(tenant, u, n);
    if (ctx.anyUser(tenant.id, row.id) || ctx.anyUser(tenant.id, row.upn)) {
      throw new StateError('conflict', `a user with id ${row.id} or UPN ${row.upn} already exists`);
    }
    ctx.stmt.insertUser.run(row);
    ctx.nextSeq(tenant.id);
    return toUserRecord(row);
  });
}

export interface UserChange {
  accountEnabled?: boolean;
  teamsLicensed?: boolean;
}

function requireUser(ctx: StateContext, tenantId: string, userId: string): UserRow {
  const row = ctx.directoryUser(tenantId, userId);
  if (!row) throw new StateError('userNotFound', `user ${userId} not found in tenant ${tenantId}`);
  return row;
}

export function updateUser(
  ctx: StateContext,
  tenantIdOrDomain: string,
  userId: string,
  change: UserChange,
): UserRecord {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const row = requireUser(ctx, tenant.id, userId);
    const next: UserRow = {
      ...row,
      account_enabled:
        change.accountEnabled === undefined ? row.account_enabled : Number(change.accountEnabled),
      teams_licensed: change.teamsLicensed === undefined ? row.teams_licensed : Number(change.teamsLicensed),
    };
    ctx.stmt.updateUserFlags.run(next);
    ctx.nextSeq(tenant.id);
    return toUserRecord(next);
  });
}

/**
 * Soft delete, as Entra's recycle bin does: the row stays (chats still name the user, earlier
 * messages still carry their id) but Graph answers 404 for the user from now on.
 */
export function deleteUser(ctx: StateContext, tenantIdOrDomain: string, userId: string): UserRecord {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const row = requireUser(ctx, tenant.id, userId);
    const next: UserRow = { ...row, deleted: 1 };
    ctx.stmt.updateUserFlags.run(next);
    ctx.nextSeq(tenant.id);
    return toUserRecord(next);
  });
}
