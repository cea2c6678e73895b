/**
 * Put and get throughput of each BlobStore adapter: the filesystem store in a temporary folder,
 * and the Azure store against Azurite in this process (so the Azure figures measure the adapter
 * and the emulator on one machine, not the service).
 *
 *   npx tsx bench/blob-store-throughput.ts [sizeMiB=64] [smallCount=500]
 *
 * Prints figures only; it never passes or fails on time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AzureBlobStore } from '../backend/blobs/azure-blob-store';
import type { BlobStore } from '../backend/blobs/blob-store';
import { FsBlobStore } from '../backend/blobs/fs-blob-store';
import { startAzurite } from '../test/support/azurite';
import { generatedBytes, generatedSha256, generatedStream } from '../test/support/generated-bytes';

const TENANT = '0b5e7c1d-0000-4000-8000-00000000be9c';
const sizeMiB = Number(process.argv[2] ?? 64);
const smallCount = Number(process.argv[3] ?? 500);

async function measure(name: string, store: BlobStore): Promise<void> {
  const size = sizeMiB * 1024 * 1024;
  const sha256 = await generatedSha256(size, name);

  let started = performance.now();
  await store.put(TENANT, generatedStream(size, name), { contentType: 'application/octet-stream' });
  const streamPut = performance.now() - started;

  started = performance.now();
  await store.put(TENANT, generatedStream(size, name), {
    contentType: 'application/octet-stream',
    expectedSha256: sha256,
  });
  const knownPut = performance.now() - started;

  started = performance.now();
  for await (const _ of await store.get(TENANT, sha256)) void _;
  const get = performance.now() - started;

  // Many small images, the common case for chat hosted contents.
  const smalls = Array.from({ length: smallCount }, (_, i) => generatedBytes(30_000, `${name}-${i}`));
  started = performance.now();
  const puts = [];
  for (const bytes of smalls) puts.push(await store.put(TENANT, bytes, { contentType: 'image/png' }));
  const smallPut = performance.now() - started;
  started = performance.now();
  for (const put of puts) await store.getBuffer(TENANT, put.sha256);
  const smallGet = performance.now() - started;

  const mibPerS = (ms: number) => (sizeMiB / (ms / 1000)).toFixed(0).padStart(5);
  const perS = (ms: number) => ((smallCount / ms) * 1000).toFixed(0).padStart(5);
  console.log(
    `${name.padEnd(6)} ${sizeMiB} MiB stream put ${mibPerS(streamPut)} MiB/s | put again (existed) ${mibPerS(knownPut)} MiB/s | ` +
      `get ${mibPerS(get)} MiB/s | ${smallCount}×30 kB put ${perS(smallPut)}/s, get ${perS(smallGet)}/s (one at a time)`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'chatvault-bench-blobs-'));
  try {
    await measure('fs', new FsBlobStore({ dir }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const azurite = await startAzurite();
  try {
    await measure('azure', AzureBlobStore.fromConnectionString(azurite.connectionString, 'bench'));
  } finally {
    await azurite.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
