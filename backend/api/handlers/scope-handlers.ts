import type { BackupScopeView } from '../../backup/scope/scope-service';
import { SCOPE_RULE_SENTENCE } from '../../backup/scope/scope-texts';
import type { HandlerDeps } from '../handler-deps';
import type { RouteHandlers } from '../route-context';

/**
 * The backup scope (docs/backup-scope.md). ScopeService checks the list against the directory and
 * audits the change; its ScopeErrors become 400/409/503 in error-mapping.ts.
 */
export function scopeHandlers(deps: HandlerDeps): Pick<RouteHandlers, 'getScope' | 'setScope'> {
  const { scope } = deps;
  return {
    async getScope({ principal }) {
      const [current, summary] = await Promise.all([
        scope.get(principal.tenantId),
        scope.summary(principal.tenantId),
      ]);
      return scopeView(current, summary.sentence);
    },

    async setScope({ principal, actor, body }) {
      const saved = await scope.set(
        principal.tenantId,
        actor,
        { mode: body.mode, users: body.users },
        body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {},
      );
      const summary = await scope.summary(principal.tenantId);
      return { ...scopeView(saved.scope, summary.sentence), changed: saved.changed, message: saved.message };
    },
  };
}

function scopeView(view: BackupScopeView, summary: string) {
  return {
    mode: view.mode,
    users: view.users.map((u) => ({
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
    })),
    // The tab writes the groups back (as `group:<id>`) on its next save: without them it would drop them.
    groups: view.groups.map((g) => ({ id: g.id, displayName: g.displayName, members: g.members })),
    version: view.version,
    ...(view.updatedAt ? { updatedAt: view.updatedAt } : {}),
    summary,
    rule: SCOPE_RULE_SENTENCE,
  };
}
