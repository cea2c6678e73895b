import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CosmosClient } from '@azure/cosmos';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { testCertificate } from './test-certificate';
import { openCosmosContainers, type CosmosContainers } from '../../backend/store/cosmos/cosmos-containers';

/**
 * The key every Cosmos DB emulator accepts (published in Microsoft's emulator documentation). The
 * in-memory server ignores keys altogether; a real-looking one keeps the client's request signing
 * exercised.
 */
export const COSMOS_EMULATOR_KEY =
  'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface CosmosTestServer {
  /** `https://127.0.0.1:<port>`, served with the test certificate. */
  endpoint: string;
  key: string;
  /** Stops listening and drops open connections; resolves once the port is free. */
  close(): Promise<void>;
}

/**
 * Starts @vercel/cosmosdb-server in this process on a free loopback port. It keeps everything in
 * memory, so each server starts empty and forgets everything when closed. See the Cosmos DB section
 * of the tooling notes for what it does not implement (GROUP BY, OFFSET/LIMIT, batch, …).
 */
export async function startCosmosServer(): Promise<CosmosTestServer> {
  const certificate = testCertificate();
  // The package defaults to its own bundled certificate; ours replaces it so that clients trust the
  // server through NODE_EXTRA_CA_CERTS instead of NODE_TLS_REJECT_UNAUTHORIZED=0.
  const server = createHttpsServer({ cert: certificate.cert, key: certificate.key });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    key: COSMOS_EMULATOR_KEY,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // close() alone waits for clients' keep-alive sockets to go idle and time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/**
 * A real @azure/cosmos client for a test server, configured the way the cosmos adapter must be:
 * endpoint discovery off, because the server advertises no regional endpoints to discover.
 * Call `dispose()` when done: the client otherwise keeps a background refresh timer.
 */
export function createCosmosTestClient(server: Pick<CosmosTestServer, 'endpoint' | 'key'>): CosmosClient {
  return new CosmosClient({
    endpoint: server.endpoint,
    key: server.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
}

export interface CosmosTestContext {
  readonly server: CosmosTestServer;
  readonly client: CosmosClient;
  /** A new, empty database with ChatVault's containers; `drop()` deletes it. */
  freshContainers(prefix: string): Promise<{ containers: CosmosContainers; drop(): Promise<void> }>;
}

/**
 * For a mocha `describe`: one server and client for the suite (started in `before`, closed in
 * `after`), and a fresh database per store, so that each test starts empty on the one server.
 */
export function useCosmosServer(): CosmosTestContext {
  let server: CosmosTestServer | undefined;
  let client: CosmosClient | undefined;
  let databases = 0;
  before(async () => {
    server = await startCosmosServer();
    client = createCosmosTestClient(server);
  });
  after(async () => {
    client?.dispose();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (!value)
      throw new Error('the Cosmos DB test server is not started: use its context inside tests and hooks');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get client() {
      return started(client);
    },
    async freshContainers(prefix) {
      const id = `${prefix}-${++databases}`;
      const db = started(client);
      const containers = await openCosmosContainers(db, id);
      return {
        containers,
        drop: async () => {
          await db.database(id).delete();
        },
      };
    },
  };
}
