import { createGraphUserLookup } from '../../../backend/directory/graph-user-lookup';
import { TenantUserDirectory } from '../../../backend/directory/tenant-user-directory';
import { createClientSecretCredential } from '../../../backend/graph/client-secret-credential';
import { silentLogger } from '../../../backend/observability/logger';
import type { DirectoryStore } from '../../../backend/store/backup-store';
import type { GraphForTenant } from './backup-harness';

/**
 * The real tenant directory for tests against the simulator: the users a backup discovered, then
 * the tenant's app live, built from the test's app credentials instead of a saved connection.
 */
export function graphUserDirectory(
  graph: GraphForTenant,
  store: Pick<DirectoryStore, 'getUser' | 'listUsers'>,
): TenantUserDirectory {
  const lookup = createGraphUserLookup({
    graphBaseUrl: graph.graphBaseUrl,
    credential: createClientSecretCredential({
      tenantId: graph.tenantId,
      appId: graph.appId,
      secret: graph.secret,
      authorityHost: graph.authorityHost,
    }),
  });
  return new TenantUserDirectory({
    store,
    live: {
      lookupFor: async (tenantId) => (tenantId === graph.tenantId ? lookup : undefined),
      forget: () => undefined,
      clear: () => undefined,
    },
    logger: silentLogger(),
  });
}
