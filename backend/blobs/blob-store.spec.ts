import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type AzuriteBlobService } from '../../test/support/azurite';
import { AzureBlobStore } from './azure-blob-store';
import { blobKey } from './blob-key';
import { describeBlobStoreContract } from './blob-store.contract';
import { createBlobStore } from './create-blob-store';
import { FsBlobStore } from './fs-blob-store';

describe('BlobStore adapters', () => {
  describeBlobStoreContract('filesystem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chatvault-blobs-'));
    return {
      store: new FsBlobStore({ dir }),
      async corrupt(tenantId, sha256, bytes) {
        const file = join(dir, ...blobKey(tenantId, sha256).key.split('/'));
        await chmod(file, 0o600);
        await writeFile(file, bytes);
      },
      close: () => rm(dir, { recursive: true, force: true }),
    };
  });

  describe('on Azurite', () => {
    let azurite: AzuriteBlobService;
    before(async () => {
      azurite = await startAzurite();
    });
    after(async () => {
      await azurite?.close();
    });

    describeBlobStoreContract('Azure Blob Storage', async () => {
      const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
        `contract-${randomUUID()}`,
      );
      return {
        // Small blocks, so that ordinary test blobs span several and racing writers overlap.
        store: new AzureBlobStore(container, { blockSize: 1024 * 1024 }),
        async corrupt(tenantId, sha256, bytes) {
          await container.getBlockBlobClient(blobKey(tenantId, sha256).key).upload(bytes, bytes.length);
        },
        async close() {
          await container.deleteIfExists();
        },
      };
    });
  });

  describe('createBlobStore', () => {
    it('makes the adapter the configuration names', () => {
      assert.ok(createBlobStore({ kind: 'fs', dir: join(tmpdir(), 'unused') }) instanceof FsBlobStore);
      const azure = createBlobStore({
        kind: 'azure',
        connectionString:
          'DefaultEndpointsProtocol=https;AccountName=example;AccountKey=a2V5;EndpointSuffix=core.windows.net',
        container: 'chatvault',
      });
      assert.ok(azure instanceof AzureBlobStore);
    });
  });
});
