import { bindTenant } from '../../connection/tenant-binding';
import { notFound } from '../api-error';
import { connectionReportBody, connectionViewBody } from '../connection-view';
import type { HandlerDeps } from '../handler-deps';
import type { RouteHandlers } from '../route-context';

export function connectionHandlers(
  deps: HandlerDeps,
): Pick<RouteHandlers, 'getConnection' | 'connect' | 'retestConnection' | 'removeConnection'> {
  const { connections, authorityHost } = deps;
  return {
    async getConnection({ principal }) {
      return connectionViewBody(await connections.status(principal.tenantId), principal, authorityHost);
    },

    async connect({ principal, actor, isAdmin, body }) {
      await deps.limits.spend('connectionTests', principal.tenantId);
      const report = await connections.testAndSave(
        bindTenant(principal.tenantId, 'sso-token'),
        {
          appId: body.appId,
          secret: body.secret,
          ...(body.secretExpiresAt !== undefined ? { secretExpiresAt: body.secretExpiresAt } : {}),
        },
        actor,
      );
      // Working credentials of the tenant's own app prove the authority to manage ChatVault there.
      const becameAdmin =
        report.saved && !isAdmin
          ? await deps.admins.claimFirstAdmin(principal.tenantId, {
              userId: principal.userId,
              displayName: principal.displayName,
              ...(principal.userPrincipalName ? { userPrincipalName: principal.userPrincipalName } : {}),
            })
          : false;
      return connectionReportBody(report, becameAdmin, principal, authorityHost);
    },

    async retestConnection({ principal, actor }) {
      await deps.limits.spend('connectionTests', principal.tenantId);
      const report = await connections.retest(bindTenant(principal.tenantId, 'sso-token'), actor);
      return connectionReportBody(report, false, principal, authorityHost);
    },

    async removeConnection({ principal, actor }) {
      const removed = await connections.remove(bindTenant(principal.tenantId, 'sso-token'), actor);
      if (!removed) throw notFound('A saved connection');
      return {
        removed: true as const,
        status: connectionViewBody(await connections.status(principal.tenantId), principal, authorityHost),
      };
    },
  };
}
