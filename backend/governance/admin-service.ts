import type { Clock } from '../connection/clock';
import { isDirectoryError } from '../directory/directory-error';
import type { DirectoryPerson, UserDirectory } from '../directory/user-directory';
import type { Logger } from '../observability/logger';
import type { Actor } from '../store/connection-records';
import type { AuditLog } from './audit-log';
import { GovernanceError } from './governance-error';
import { checkTenantId, checkUserId, checkUserReference } from './governance-input';
import type { TenantAdmin, TenantAdminStore } from './tenant-admins';

/** The person a verified token or activity names: `oid`/`aadObjectId`, and what it says of them. */
export interface AdminPerson {
  userId: string;
  displayName?: string;
  userPrincipalName?: string;
}

export interface AddAdminResult {
  admin: TenantAdmin;
  /** False when the person already was an admin (nothing changed, nothing audited). */
  added: boolean;
}

export interface AdminServiceDeps {
  store: TenantAdminStore;
  directory: UserDirectory;
  audit: AuditLog;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
}

/**
 * Who may act for a tenant. The first admin is whoever first saves working credentials (holding
 * them proves the authority to grant Chat.Read.All); every later admin is added by an admin, by UPN
 * or object id resolved in the tenant's own directory. A tenant never loses its last admin here.
 *
 * The server's operator (`Actor` kind `operator`: the CLI on the server itself, which holds the
 * database anyway) may add and remove admins too: the way back in when every admin has left.
 */
export class AdminService {
  private readonly logger: Logger;

  constructor(private readonly deps: AdminServiceDeps) {
    this.logger = deps.logger.child({ component: 'admins' });
  }

  async isAdmin(tenantId: string, userId: string): Promise<boolean> {
    const admin = await this.deps.store.getAdmin(checkTenantId(tenantId), checkUserId(userId));
    return admin !== undefined;
  }

  async tenantHasAdmins(tenantId: string): Promise<boolean> {
    return (await this.deps.store.listAdmins(checkTenantId(tenantId))).length > 0;
  }

  /** In the order they were added. */
  async list(tenantId: string): Promise<TenantAdmin[]> {
    return this.deps.store.listAdmins(checkTenantId(tenantId));
  }

  /**
   * Call after a Test & Save that saved the connection (`ConnectionReport.saved`): makes the
   * person who saved it the tenant's first admin, if and only if the tenant has no admin yet (of
   * two racing, exactly one). Resolves whether this call made them admin.
   */
  async claimFirstAdmin(tenantId: string, person: AdminPerson): Promise<boolean> {
    const tid = checkTenantId(tenantId);
    const userId = checkUserId(person.userId);
    const actor: Actor = withName({ kind: 'user', id: userId }, person.displayName);
    const admin: TenantAdmin = {
      tenantId: tid,
      userId,
      ...defined({ displayName: person.displayName, userPrincipalName: person.userPrincipalName }),
      addedAt: this.deps.clock.now().toISOString(),
      addedBy: actor,
      via: 'first-connect',
    };
    if (!(await this.deps.store.addFirstAdmin(admin))) return false;
    await this.deps.audit.record(tid, actor, 'admin_added', {
      subject: userId,
      details: { via: 'first-connect', ...defined({ upn: person.userPrincipalName }) },
    });
    this.logger.info({ tenantId: tid, userId, via: 'first-connect' }, 'first admin');
    return true;
  }

  /**
   * An admin adds a person named by UPN or object id. Refuses with `not_admin`, `invalid_input`,
   * `unknown_user` (not in this tenant's directory) or `directory_unavailable`.
   */
  async addAdmin(tenantId: string, actor: Actor, upnOrId: string): Promise<AddAdminResult> {
    const tid = checkTenantId(tenantId);
    await this.requireAdmin(tid, actor);
    const reference = checkUserReference(upnOrId);
    const person = await this.resolve(tid, reference);
    const userId = person.id.toLowerCase();
    const existing = await this.deps.store.getAdmin(tid, userId);
    if (existing) return { admin: existing, added: false };

    const admin: TenantAdmin = {
      tenantId: tid,
      userId,
      displayName: person.displayName,
      userPrincipalName: person.userPrincipalName,
      addedAt: this.deps.clock.now().toISOString(),
      addedBy: actor,
      via: 'added',
    };
    const kept = await this.deps.store.addAdmin(admin);
    // Another admin added the same person meanwhile: theirs is the record, and theirs the audit.
    if (kept.addedAt !== admin.addedAt || kept.via !== 'added' || !sameActor(kept.addedBy, actor)) {
      return { admin: kept, added: false };
    }
    await this.deps.audit.record(tid, actor, 'admin_added', {
      subject: userId,
      details: { via: 'added', upn: person.userPrincipalName },
    });
    this.logger.info({ tenantId: tid, userId, by: actor.kind }, 'admin added');
    return { admin: kept, added: true };
  }

  /**
   * An admin removes an admin (themselves included), named by object id or by the UPN their admin
   * record holds. Refuses with `not_admin`, `invalid_input`, `not_found` (not an admin of this
   * tenant) or `last_admin`. Resolves the removed admin.
   */
  async removeAdmin(tenantId: string, actor: Actor, userIdOrUpn: string): Promise<TenantAdmin> {
    const tid = checkTenantId(tenantId);
    await this.requireAdmin(tid, actor);
    const reference = checkUserReference(userIdOrUpn, 'userId');
    const before = await this.findAdmin(tid, reference);
    if (!before) throw notAnAdmin();
    const uid = before.userId;
    const result = await this.deps.store.removeAdminUnlessLast(tid, uid);
    switch (result) {
      case 'removed':
        await this.deps.audit.record(tid, actor, 'admin_removed', {
          subject: uid,
          details: defined({ upn: before.userPrincipalName }),
        });
        this.logger.info({ tenantId: tid, userId: uid, by: actor.kind }, 'admin removed');
        return before;
      case 'not_admin':
        // Removed by someone else since it was read.
        throw notAnAdmin();
      case 'last_admin':
        throw new GovernanceError(
          'last_admin',
          "This is the tenant's only ChatVault admin: add another admin before removing this one.",
        );
      default: {
        const unreachable: never = result;
        throw new Error(`unknown removal result ${String(unreachable)}`);
      }
    }
  }

  /** Resolves when `actor` may manage the tenant's admins and notifications; throws `not_admin` otherwise. */
  async requireAdmin(tenantId: string, actor: Actor): Promise<void> {
    const tid = checkTenantId(tenantId);
    switch (actor.kind) {
      case 'operator':
        return;
      case 'user':
        if (isGuidLike(actor.id) && (await this.deps.store.getAdmin(tid, actor.id.toLowerCase()))) return;
        break;
      case 'system':
        break;
      default: {
        const unreachable: never = actor;
        throw new Error(`unknown actor ${JSON.stringify(unreachable)}`);
      }
    }
    throw new GovernanceError(
      'not_admin',
      'Only ChatVault admins of this tenant can do this: ask one of them to add you as an admin.',
    );
  }

  /** An admin by object id, or by the UPN recorded when they were added (case-insensitive). */
  private async findAdmin(tenantId: string, reference: string): Promise<TenantAdmin | undefined> {
    if (isGuidLike(reference)) return this.deps.store.getAdmin(tenantId, reference.toLowerCase());
    const upn = reference.toLowerCase();
    return (await this.deps.store.listAdmins(tenantId)).find(
      (a) => a.userPrincipalName?.toLowerCase() === upn,
    );
  }

  private async resolve(tenantId: string, reference: string): Promise<DirectoryPerson> {
    let person: DirectoryPerson | undefined;
    try {
      person = await this.deps.directory.find(tenantId, reference);
    } catch (error) {
      if (isDirectoryError(error, 'unavailable')) {
        throw new GovernanceError('directory_unavailable', error.message);
      }
      throw error;
    }
    if (!person) {
      throw new GovernanceError(
        'unknown_user',
        `There is no user "${reference}" in this tenant's directory: check the sign-in name (UPN) or object ID.`,
        'user',
      );
    }
    return person;
  }
}

function notAnAdmin(): GovernanceError {
  return new GovernanceError('not_found', 'That person is not a ChatVault admin of this tenant.', 'userId');
}

function isGuidLike(id: string): boolean {
  try {
    checkUserId(id);
    return true;
  } catch {
    return false;
  }
}

function sameActor(a: Actor, b: Actor): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'user' ? a.id === (b as { id: string }).id : a.name === (b as { name: string }).name;
}

function withName(actor: Extract<Actor, { kind: 'user' }>, name: string | undefined): Actor {
  return name === undefined ? actor : { ...actor, name };
}

/** The entries whose value is defined, so optional fields stay absent instead of `undefined`. */
function defined<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: string;
  };
}
