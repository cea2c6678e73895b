import type { Clock } from '../connection/clock';
import type { ConnectionService } from '../connection/connection-service';
import { createClientSecretCredential } from '../graph/client-secret-credential';
import type { GraphRateLimitsChange } from '../graph/graph-rate-limits';
import type { MicrosoftEndpoints } from '../graph/microsoft-endpoints';
import type { Logger } from '../observability/logger';
import { createGraphUserLookup, type GraphUserLookup } from './graph-user-lookup';

/** The live directory of a tenant, or undefined when it has no saved connection to read it through. */
export interface UserLookupSource {
  lookupFor(tenantId: string): Promise<GraphUserLookup | undefined>;
  /** Drops the tenant's lookup (its credential and token), e.g. after Graph refused it. */
  forget(tenantId: string): void;
  /** Drops every lookup. */
  clear(): void;
}

export interface ConnectedUserLookupsOptions {
  endpoints: MicrosoftEndpoints;
  connection: Pick<ConnectionService, 'openCredentials'>;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  limits?: GraphRateLimitsChange;
  timeoutMs?: number;
  /**
   * How long one tenant's lookup (credential, token, pacing) is reused. A picker asks on every
   * few keystrokes: without reuse each search would fetch a new token from Entra first.
   */
  reuseMs?: number;
  /** At most this many tenants' lookups are kept; the oldest goes first. */
  maxTenants?: number;
}

const DEFAULT_REUSE_MS = 5 * 60 * 1000;
const DEFAULT_MAX_TENANTS = 100;

/**
 * Lookups built from each tenant's saved app, the way the backup engine builds its Graph source:
 * `ConnectionService.openCredentials`, a client-secret credential, the configured Graph host. A
 * lookup lives a few minutes at most, so a replaced secret is used soon after it is saved and an
 * unsealed one does not linger; `forget` drops it at once.
 */
export function connectedUserLookups(options: ConnectedUserLookupsOptions): UserLookupSource {
  const reuseMs = options.reuseMs ?? DEFAULT_REUSE_MS;
  const maxTenants = options.maxTenants ?? DEFAULT_MAX_TENANTS;
  const cache = new Map<string, { lookup: GraphUserLookup; until: number }>();

  return {
    async lookupFor(tenantId) {
      const now = options.clock.now().getTime();
      const cached = cache.get(tenantId);
      if (cached && cached.until > now) return cached.lookup;
      cache.delete(tenantId);
      const credentials = await options.connection.openCredentials(tenantId);
      if (!credentials) return undefined;
      const lookup = createGraphUserLookup({
        graphBaseUrl: options.endpoints.graphBaseUrl,
        credential: createClientSecretCredential({
          tenantId,
          appId: credentials.appId,
          secret: credentials.secret,
          authorityHost: options.endpoints.authorityHost,
        }),
        logger: options.logger.child({ component: 'directory', tenantId }),
        ...(options.limits ? { limits: options.limits } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
      while (cache.size >= maxTenants) cache.delete(cache.keys().next().value!);
      cache.set(tenantId, { lookup, until: now + reuseMs });
      return lookup;
    },
    forget(tenantId) {
      cache.delete(tenantId);
    },
    clear() {
      cache.clear();
    },
  };
}
