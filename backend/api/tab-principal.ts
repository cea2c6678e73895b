/**
 * The person behind a request, from a verified SSO token: the tenant is its `tid`, the person its
 * `oid`. Nothing else in the request says who or which tenant.
 */
export interface TabPrincipal {
  /** Lower-case tenant GUID. */
  tenantId: string;
  /** Entra object id of the person. */
  userId: string;
  displayName: string;
  userPrincipalName?: string;
}

/** Verifies a bearer token; rejects with an `ApiError` (401 unauthenticated, 503 unavailable). */
export interface TokenVerifier {
  verify(token: string): Promise<TabPrincipal>;
}

/** The domain part of the person's UPN: a verified domain of their tenant, shown on the setup page. */
export function tenantDomainOf(principal: TabPrincipal): string | undefined {
  const upn = principal.userPrincipalName;
  const at = upn?.lastIndexOf('@') ?? -1;
  return upn && at > 0 && at < upn.length - 1 ? upn.slice(at + 1).toLowerCase() : undefined;
}
