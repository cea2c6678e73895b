import { isDirectoryError } from '../../directory/directory-error';
import type { DirectoryPerson } from '../../directory/user-directory';
import type { TenantAdmin } from '../../governance/tenant-admins';
import type { NotificationTarget } from '../../notifications/notification-targets';
import { ApiError } from '../api-error';
import type { HandlerDeps } from '../handler-deps';
import type { RouteHandlers } from '../route-context';
import type { AuditEvent } from '../../store/connection-records';

/** How many people a search answers when the query names no `limit` (the default the schema documents). */
const DEFAULT_PEOPLE_LIMIT = 10;

/**
 * The per-user table, the directory search of the scope picker, the admins, the notification
 * targets and the audit trail. Adding and removing admins and targets is audited by the governance
 * services themselves.
 */
export function peopleHandlers(
  deps: HandlerDeps,
): Pick<
  RouteHandlers,
  | 'listUsers'
  | 'searchPeople'
  | 'listAdmins'
  | 'addAdmin'
  | 'removeAdmin'
  | 'listTargets'
  | 'removeTarget'
  | 'listAudit'
> {
  const { admins, audit } = deps;
  return {
    async listUsers({ principal, query }) {
      return deps.userTable.page(principal.tenantId, query);
    },

    async searchPeople({ principal, query }) {
      const limit = query.limit ?? DEFAULT_PEOPLE_LIMIT;
      let people: DirectoryPerson[];
      try {
        people = await deps.directory.search(principal.tenantId, query.search, limit);
      } catch (error) {
        if (!isDirectoryError(error)) throw error;
        // The directory's own message names the text searched for; answers and logs never hold
        // what a person typed.
        deps.logger.warn({ tenantId: principal.tenantId, reason: error.reason }, 'directory search failed');
        throw new ApiError(
          'unavailable',
          "Your organization's directory could not be searched just now: Microsoft Graph did not answer, or " +
            'refused the app ChatVault connects with. Try again in a moment; if it keeps failing, use Test again ' +
            'on Credential Settings to see why. You can still paste UPNs into the list.',
          { retryAfterSeconds: 30 },
        );
      }
      return { items: people.slice(0, limit).map(personView) };
    },

    async listAdmins({ principal }) {
      return { items: (await admins.list(principal.tenantId)).map(adminView) };
    },

    async addAdmin({ principal, actor, body }) {
      const { admin } = await admins.addAdmin(principal.tenantId, actor, body.user);
      return adminView(admin);
    },

    async removeAdmin({ principal, actor, params }) {
      await admins.removeAdmin(principal.tenantId, actor, params.userId);
      return { removed: true as const };
    },

    async listTargets({ principal }) {
      return { items: (await deps.notifications.list(principal.tenantId)).map(targetView) };
    },

    async removeTarget({ principal, actor, params }) {
      await deps.notifications.unsubscribe(principal.tenantId, actor, params.targetId);
      return { removed: true as const };
    },

    async listAudit({ principal, query }) {
      const entries = await audit.list(principal.tenantId, { limit: query.limit ?? 50 });
      return { items: entries.map(auditView) };
    },
  };
}

function personView(person: DirectoryPerson) {
  return {
    id: person.id,
    userPrincipalName: person.userPrincipalName,
    displayName: person.displayName,
    ...(person.mail ? { mail: person.mail } : {}),
  };
}

function adminView(admin: TenantAdmin) {
  return {
    userId: admin.userId,
    ...(admin.displayName ? { displayName: admin.displayName } : {}),
    ...(admin.userPrincipalName ? { userPrincipalName: admin.userPrincipalName } : {}),
    addedAt: admin.addedAt,
    addedBy: admin.addedBy,
    via: admin.via,
  };
}

/** The bot's conversation reference stays inside the server: the tab only names and removes targets. */
function targetView(target: NotificationTarget) {
  return {
    targetId: target.targetId,
    kind: target.kind,
    label: target.label,
    addedAt: target.addedAt,
    addedBy: target.addedBy,
  };
}

function auditView(entry: AuditEvent) {
  const optional = {
    subject: entry.subject,
    appId: entry.appId,
    code: entry.code,
    from: entry.from,
    to: entry.to,
    details: entry.details,
  };
  return {
    id: entry.id,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  };
}
