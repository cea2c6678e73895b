import type { HandlerDeps } from '../handler-deps';
import type { RouteHandlers } from '../route-context';

export function sessionHandlers(deps: HandlerDeps): Pick<RouteHandlers, 'getMe'> {
  return {
    async getMe({ principal }) {
      const [isAdmin, tenantHasAdmins] = await Promise.all([
        deps.admins.isAdmin(principal.tenantId, principal.userId),
        deps.admins.tenantHasAdmins(principal.tenantId),
      ]);
      return {
        tenantId: principal.tenantId,
        userId: principal.userId,
        displayName: principal.displayName,
        ...(principal.userPrincipalName ? { userPrincipalName: principal.userPrincipalName } : {}),
        isAdmin,
        tenantHasAdmins,
      };
    },
  };
}
