import type { Container, CosmosClient, IndexingPolicy } from '@azure/cosmos';
import { openCosmosContainers, type CosmosContainers } from './cosmos-containers';
import { hasStatus } from './cosmos-documents';

/**
 * The recovery store's containers: the backup's two (`tenant`, `messages`, see
 * cosmos-containers.ts) and `search`, partitioned like `messages` by `/pk` = `<tenantId>|<chatId>`,
 * holding one search document per indexed message version (docs/recovery.md, Search on Cosmos DB).
 */
export interface CosmosRecoveryContainers extends CosmosContainers {
  search: Container;
  /** How the search container is queried: the service's full-text search, or term arrays. */
  searchMode: CosmosSearchMode;
}

/**
 * `full-text`: Cosmos DB's full-text search (`FullTextContainsAll` over `/text`, a full-text index
 * set by the container's full-text policy). `terms`: the fallback wherever that is not offered
 * (older accounts, emulators, the test server): `ARRAY_CONTAINS` over each document's folded terms,
 * served by the ordinary index of array elements.
 */
export type CosmosSearchMode = 'full-text' | 'terms';

export const SEARCH_CONTAINER = 'search';

// Only what searches filter and sort on is indexed: a write's RU charge grows with its indexed paths.
const SEARCH_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [
    { path: '/type/?' },
    { path: '/tenantId/?' },
    { path: '/chatId/?' },
    { path: '/messageId/?' },
    { path: '/fromUserId/?' },
    { path: '/createdMs/?' },
    { path: '/versionTs/?' },
    { path: '/terms/[]/?' },
    { path: '/blobs/[]/?' },
  ],
  excludedPaths: [{ path: '/*' }, { path: '/"_etag"/?' }],
  compositeIndexes: [
    [
      { path: '/createdMs', order: 'descending' },
      { path: '/chatId', order: 'descending' },
      { path: '/messageId', order: 'descending' },
    ],
  ],
  fullTextIndexes: [{ path: '/text' }],
};

/**
 * Opens (creating when missing) every container recovery reads and writes, and finds out whether
 * the account answers full-text queries on `search`. A full-text policy can only be given when a
 * container is created; a server that does not know it ignores it, and the probe query then fails.
 */
export async function openCosmosRecoveryContainers(
  client: CosmosClient,
  databaseId: string,
): Promise<CosmosRecoveryContainers> {
  return withCosmosSearch(await openCosmosContainers(client, databaseId));
}

/**
 * Adds `search` (created when missing, in the same database) to the backup's containers a process
 * has open already: recovery shares their client instead of opening another.
 */
export async function withCosmosSearch(backup: CosmosContainers): Promise<CosmosRecoveryContainers> {
  const { container: search } = await backup.tenant.database.containers.createIfNotExists({
    id: SEARCH_CONTAINER,
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: SEARCH_INDEXING,
    fullTextPolicy: { defaultLanguage: 'en-US', fullTextPaths: [{ path: '/text', language: 'en-US' }] },
  });
  return { ...backup, search, searchMode: await probeSearchMode(search) };
}

/**
 * Asks the search container one full-text question about a probe document of its own: a server that
 * evaluates functions per document (the test server) must meet one to fail.
 */
async function probeSearchMode(search: Container): Promise<CosmosSearchMode> {
  await search.items.upsert({
    id: 'search-probe',
    pk: 'search-probe',
    type: 'probe',
    text: 'chatvault probe',
  });
  try {
    await search.items
      .query("SELECT VALUE c.id FROM c WHERE c.pk = 'search-probe' AND FullTextContains(c.text, 'probe')", {
        partitionKey: 'search-probe',
      })
      .fetchAll();
    return 'full-text';
  } catch (error) {
    // 400: the function, or a full-text index for /text, is not there.
    if (hasStatus(error, 400)) return 'terms';
    throw error;
  }
}
