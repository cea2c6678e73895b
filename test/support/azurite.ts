import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { fork } from 'node:child_process';
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

const CHILD = join(__dirname, 'azurite-process.js');

/**
 * Starts Azurite's Blob service in a child process on a free loopback port, persisting to a fresh
 * temporary directory (so large test blobs go to disk, not to any process's heap). A child
 * process, because restify patches Node's http prototypes once any test loads it, and Azurite
 * serving from that process then answers wrongly.
 */
export async function startAzurite(): Promise<AzuriteBlobService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chatvault-azurite-'));
  const child = fork(CHILD, [dataDir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  let address: string;
  try {
    address = await new Promise<string>((resolve, reject) => {
      child.once('message', (message: { address?: string }) =>
        message.address ? resolve(message.address) : reject(new Error('Azurite reported no address')),
      );
      child.once('exit', (code) =>
        reject(new Error(`Azurite exited with ${code} before listening: ${stderr}`)),
      );
    });
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const blobEndpoint = `${address}/${AZURITE_ACCOUNT}`;

  let closing: Promise<void> | undefined;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};` +
      `BlobEndpoint=${blobEndpoint};`,
    blobEndpoint,
    dataDir,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.send('close');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
