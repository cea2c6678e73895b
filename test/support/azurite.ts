import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Azurite's (and the Azure Storage emulator's) published development account. */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteBlobService {
  /** A connection string for the development account, path-style: `http://127.0.0.1:<port>/devstoreaccount1`. */
  connectionString: string;
  blobEndpoint: string;
  /** Where Azurite keeps its database and extents; removed by `close()`. */
  dataDir: string;
  /** Stops the service, frees its port and removes `dataDir`. */
  close(): Promise<void>;
}

// Azurite ships no type declarations and its package entry point loads the VS Code extension, so
// the blob server is reached by its module path (the package declares no `exports` map). These are
// the parts of its API this harness uses.
interface AzuriteBlobServer {
  start(): Promise<void>;
  close(): Promise<void>;
  clean(): Promise<void>;
  getHttpServerAddress(): string;
  readonly httpServer: Server;
}
type BlobConfigurationCtor = new (
  host: string,
  port: number,
  keepAliveTimeout: number,
  metadataDBPath: string,
  extentDBPath: string,
  persistencePathArray: { locationId: string; locationPath: string; maxConcurrency: number }[],
  enableAccessLog: boolean,
  accessLogWriteStream: undefined,
  enableDebugLog: boolean,
  debugLogFilePath: undefined,
  loose: boolean,
  skipApiVersionCheck: boolean,
) => unknown;
type BlobServerCtor = new (configuration: unknown) => AzuriteBlobServer;

/**
 * Starts Azurite's Blob service in this process on a free loopback port, persisting to a fresh
 * temporary directory (so large test blobs go to disk, not to this process's heap).
 *
 * Strict mode (`loose` off): Azurite rejects headers and parameters it does not support instead
 * of ignoring them, so a request the real service would treat differently fails loudly here.
 */
export async function startAzurite(): Promise<AzuriteBlobService> {
  const BlobServer = require('azurite/dist/src/blob/BlobServer').default as BlobServerCtor;
  const BlobConfiguration = require('azurite/dist/src/blob/BlobConfiguration')
    .default as BlobConfigurationCtor;

  const dataDir = await mkdtemp(join(tmpdir(), 'chatvault-azurite-'));
  const configuration = new BlobConfiguration(
    '127.0.0.1',
    0,
    5,
    join(dataDir, 'blob-metadata.json'),
    join(dataDir, 'blob-extents.json'),
    [{ locationId: 'Default', locationPath: join(dataDir, 'extents'), maxConcurrency: 10 }],
    false,
    undefined,
    false,
    undefined,
    false,
    // The installed @azure/storage-blob speaks a newer service API version than this Azurite knows
    // and Azurite refuses unknown versions by default; the operations used here predate both.
    true,
  );
  const server = new BlobServer(configuration);
  try {
    await server.start();
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const blobEndpoint = `${server.getHttpServerAddress()}/${AZURITE_ACCOUNT}`;

  let closing: Promise<void> | undefined;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};` +
      `BlobEndpoint=${blobEndpoint};`,
    blobEndpoint,
    dataDir,
    close() {
      closing ??= (async () => {
        const http = server.httpServer;
        const closed = http.listening ? once(http, 'close') : Promise.resolve([]);
        // Azurite's close() asks its server to stop but does not wait for the port to be released,
        // and idle keep-alive sockets would hold it open until they time out.
        await server.close();
        http.closeAllConnections();
        await closed;
        await server.clean();
        await rm(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
