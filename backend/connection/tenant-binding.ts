import { isGuid } from './input-checks';

/**
 * The tenant a connection request acts for. It comes from what Microsoft signed: the Teams
 * activity (Bot Framework-authenticated `channelData.tenant.id`) or the tab's SSO token (`tid`),
 * or from the operator's own `--tenant` flag on the server's command line. Never from a form field:
 * an admin of tenant A must not be able to test or save anything for tenant B.
 */
export interface TenantBinding {
  readonly tenantId: string;
  readonly source: 'teams-activity' | 'sso-token' | 'operator';
}

export class TenantBindingError extends Error {
  constructor(readonly value: string) {
    super(`"${value}" is not a tenant ID (a GUID such as 2bc09791-95cd-4267-92af-50f8e38327ca).`);
    this.name = 'TenantBindingError';
  }
}

/** Call only with a value taken from a verified activity or token, or from the operator. */
export function bindTenant(tenantId: string, source: TenantBinding['source']): TenantBinding {
  const trimmed = tenantId.trim();
  if (!isGuid(trimmed)) throw new TenantBindingError(tenantId);
  return { tenantId: trimmed.toLowerCase(), source };
}
