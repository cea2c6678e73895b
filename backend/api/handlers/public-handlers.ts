import { notFound } from '../api-error';
import type { HandlerDeps } from '../handler-deps';
import type { RouteHandlers } from '../route-context';

export function publicHandlers(
  deps: HandlerDeps,
): Pick<RouteHandlers, 'getOpenApi' | 'getClientConfig' | 'createDemoToken'> {
  return {
    getOpenApi: async () => ({ ...deps.openApi(), openapi: '3.1.0' }),

    async getClientConfig() {
      if (!deps.demoSignIn) return {};
      const users = await deps.demoSignIn.users();
      return {
        demoSignIn: {
          users: users.map((u) => ({
            upn: u.upn,
            displayName: u.displayName,
            ...(u.tenantName ? { tenant: u.tenantName } : {}),
          })),
        },
      };
    },

    async createDemoToken({ body, clientAddress }) {
      // Not mounted without demo sign-in; kept for a handler table that is complete either way.
      if (!deps.demoSignIn) throw notFound('This route');
      await deps.limits.spend('demoTokens', clientAddress);
      return { token: await deps.demoSignIn.issueToken(body.upn) };
    },
  };
}
