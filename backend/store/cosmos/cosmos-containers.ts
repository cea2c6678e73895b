import type { Container, CosmosClient, IndexingPolicy } from '@azure/cosmos';

/**
 * The two containers of the metadata store (docs/storage.md, Metadata):
 * - `tenant`, partitioned by `/tenantId`: one logical partition per tenant holding its connection,
 *   directory, chats, members, pinned messages, checkpoints, runs, leases and work items;
 * - `messages`, partitioned by `/pk` = `<tenantId>|<chatId>`: one logical partition per chat
 *   holding that chat's message versions and heads.
 */
export interface CosmosContainers {
  tenant: Container;
  messages: Container;
}

export const TENANT_CONTAINER = 'tenant';
export const MESSAGES_CONTAINER = 'messages';

// Queries ordering by two properties need a composite index that matches them (Cosmos DB
// "composite indexes"; the test server enforces it too). Bulky JSON nobody filters on is left out
// of the index: the RU charge of a write grows with the number of indexed paths.
const TENANT_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [
    { path: '/"_etag"/?' },
    { path: '/raw/*' },
    { path: '/pinned/*' },
    { path: '/value/*' },
    { path: '/errors/*' },
    { path: '/periods/*' },
    { path: '/topicHistory/*' },
    { path: '/conversation/*' },
  ],
  compositeIndexes: [
    [
      { path: '/startedAt', order: 'descending' },
      { path: '/runId', order: 'descending' },
    ],
  ],
};

const MESSAGES_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [
    { path: '/"_etag"/?' },
    { path: '/message/*' },
    { path: '/hostedContents/*' },
    { path: '/versions/*' },
  ],
  compositeIndexes: [
    [
      { path: '/chatId', order: 'ascending' },
      { path: '/messageId', order: 'ascending' },
      { path: '/capturedAt', order: 'ascending' },
      { path: '/versionKey', order: 'ascending' },
    ],
  ],
};

/** Creates the database and containers when missing (no throughput is set: serverless, or the database's shared throughput). */
export async function openCosmosContainers(
  client: CosmosClient,
  databaseId: string,
): Promise<CosmosContainers> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  const [{ container: tenant }, { container: messages }] = await Promise.all([
    database.containers.createIfNotExists({
      id: TENANT_CONTAINER,
      partitionKey: { paths: ['/tenantId'] },
      indexingPolicy: TENANT_INDEXING,
    }),
    database.containers.createIfNotExists({
      id: MESSAGES_CONTAINER,
      partitionKey: { paths: ['/pk'] },
      indexingPolicy: MESSAGES_INDEXING,
    }),
  ]);
  return { tenant, messages };
}
