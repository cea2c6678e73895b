import { ClientSecretCredential, type ClientSecretCredentialOptions } from '@azure/identity';

/** A pipeline policy added to @azure/identity's HTTP pipeline (type taken from its options). */
export type IdentityPolicy = NonNullable<ClientSecretCredentialOptions['additionalPolicies']>[number];

export interface ClientSecretCredentialParams {
  tenantId: string;
  appId: string;
  secret: string;
  authorityHost: string;
  /** Pipeline policies to add, e.g. one that records Entra's error bodies. */
  additionalPolicies?: IdentityPolicy[];
  /** Retries of the token request by @azure/identity's pipeline; its default when unset. */
  maxRetries?: number;
}

/**
 * A new credential for one tenant's app. Each instance has its own in-memory MSAL token cache, so a
 * new instance always asks Entra for a fresh token: a connection test builds one per test, since a
 * token issued before admin consent keeps its old `roles` until it expires.
 */
export function createClientSecretCredential(params: ClientSecretCredentialParams): ClientSecretCredential {
  return new ClientSecretCredential(
    params.tenantId,
    params.appId,
    params.secret,
    clientSecretCredentialOptions(params),
  );
}

export function clientSecretCredentialOptions(
  params: ClientSecretCredentialParams,
): ClientSecretCredentialOptions {
  const options: ClientSecretCredentialOptions = {
    authorityHost: params.authorityHost,
    // MSAL otherwise asks login.microsoftonline.com whether any other authority host is genuine,
    // which fails for national clouds behind a proxy and for the simulator.
    disableInstanceDiscovery: true,
    // No `tokenCachePersistenceOptions`: tokens never outlive the credential or reach the disk.
  };
  if (params.additionalPolicies) options.additionalPolicies = params.additionalPolicies;
  if (params.maxRetries !== undefined) options.retryOptions = { maxRetries: params.maxRetries };
  return options;
}
