import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite, type AzuriteBlobService } from '../../test/support/azurite';
import { generatedBytes, generatedStream } from '../../test/support/generated-bytes';
import { AzureBlobStore } from './azure-blob-store';
import { isBlobStoreError } from './blob-store-error';

const TENANT = 'deadbeef-0000-4000-8000-000000000004';
const BLOCK = 256 * 1024;

describe('AzureBlobStore', () => {
  let azurite: AzuriteBlobService;
  let container: ContainerClient;
  let spoolDir: string;
  let store: AzureBlobStore;

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.close();
  });
  beforeEach(async () => {
    container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      `unit-${randomUUID()}`,
    );
    spoolDir = await mkdtemp(join(tmpdir(), 'chatvault-spool-'));
    store = new AzureBlobStore(container, { blockSize: BLOCK, spoolDir });
  });
  afterEach(async () => {
    await container.deleteIfExists();
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('creates its container on first use', async () => {
    assert.equal(await container.exists(), false);
    assert.equal(await store.has(TENANT, '0'.repeat(64)), false);
    assert.equal(await container.exists(), true);
  });

  it('works in a container that already exists', async () => {
    await container.create();
    const put = await store.put(TENANT, Buffer.from('existing container'), { contentType: 'text/plain' });
    assert.equal(put.existed, false);
  });

  for (const [shape, size] of [
    ['small buffer (one request)', 1000],
    ['large buffer (blocks)', 3 * BLOCK + 5],
    ['large stream (spooled, then blocks)', 3 * BLOCK + 5],
  ] as const) {
    it(`names a ${shape} <tenant>/<aa>/<sha256>, with its content type and hash as metadata`, async () => {
      const bytes = generatedBytes(size, shape);
      const body = shape.includes('stream') ? generatedStream(size, shape) : bytes;
      const { sha256 } = await store.put(TENANT, body, { contentType: 'image/jpeg' });
      assert.equal(sha256, createHash('sha256').update(bytes).digest('hex'));

      const names: string[] = [];
      for await (const item of container.listBlobsFlat()) names.push(item.name);
      assert.deepEqual(names, [`${TENANT}/${sha256.slice(0, 2)}/${sha256}`]);

      const blob = container.getBlockBlobClient(names[0]!);
      const properties = await blob.getProperties();
      assert.equal(properties.contentType, 'image/jpeg');
      assert.equal(properties.contentLength, size);
      assert.deepEqual(properties.metadata, { sha256 });
      const { committedBlocks } = await blob.getBlockList('committed');
      assert.equal(committedBlocks?.length ?? 0, size > BLOCK ? 4 : 0);
    });
  }

  it('commits nothing when streamed bytes miss their expected hash', async () => {
    const expected = '1'.repeat(64);
    await assert.rejects(
      store.put(TENANT, generatedStream(2 * BLOCK + 1, 'wrong'), {
        contentType: 'image/png',
        expectedSha256: expected,
      }),
      (err) => isBlobStoreError(err, 'hash_mismatch'),
    );
    // Staged blocks exist only as uncommitted blocks, which no read or listing shows.
    const names: string[] = [];
    for await (const item of container.listBlobsFlat()) names.push(item.name);
    assert.deepEqual(names, []);
    assert.equal(await container.getBlobClient(`${TENANT}/11/${expected}`).exists(), false);
  });

  it('removes its spool files, whether the put succeeds or fails', async () => {
    await store.put(TENANT, generatedStream(2 * BLOCK, 'spooled'), { contentType: 'image/png' });
    async function* failing() {
      yield generatedBytes(2 * BLOCK, 'half');
      throw new Error('gone');
    }
    await assert.rejects(store.put(TENANT, failing(), { contentType: 'image/png' }), /gone/);
    assert.deepEqual(await readdir(spoolDir), []);
  });

  it('erases every name under a tenant, also ones that are not blob keys', async () => {
    await store.put(TENANT, Buffer.from('one'), { contentType: 'text/plain' });
    await container.getBlockBlobClient(`${TENANT}/stray`).upload('x', 1);
    await container.getBlockBlobClient('ffffffff-0000-4000-8000-000000000005/stray').upload('y', 1);
    assert.equal(await store.deleteTenant(TENANT), 2);
    const names: string[] = [];
    for await (const item of container.listBlobsFlat()) names.push(item.name);
    assert.deepEqual(names, ['ffffffff-0000-4000-8000-000000000005/stray']);
  });
});
