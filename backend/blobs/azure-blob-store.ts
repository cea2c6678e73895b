import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { BlobServiceClient, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
import {
  blobKey,
  checkContentType,
  checkSha256,
  checkTenantId,
  sha256OfKey,
  tenantPrefix,
  type BlobKey,
} from './blob-key';
import type {
  BlobBody,
  BlobEntry,
  BlobStore,
  PutOptions,
  PutResult,
  ReadOptions,
  VerifyResult,
} from './blob-store';
import { BlobStoreError } from './blob-store-error';
import { chunksOf, collect, readHead } from './body-chunks';
import { fixedSizeBlocks } from './fixed-size-blocks';
import { hashChunks, mismatchError, RunningHash, verifyingStream, type Hashed } from './hashing';
import { writeHashedFile } from './hashed-file';

export interface AzureBlobStoreOptions {
  /** Bytes per staged block. A block blob holds at most 50,000 blocks (Azure Storage limits). */
  blockSize?: number;
  /** Blocks uploading at once; memory use is about blockSize × (concurrency + 1). */
  concurrency?: number;
  /** Where a stream whose hash the caller does not know waits while it is hashed (default: the OS temp dir). */
  spoolDir?: string;
}

const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;
const DEFAULT_CONCURRENCY = 2;
const DELETE_CONCURRENCY = 16;

/**
 * Blobs in one Azure Blob Storage container, named `<tenantId>/<aa>/<sha256>` (docs/storage.md),
 * each with its Content-Type and a `sha256` metadata entry.
 *
 * A put stages the bytes as uncommitted blocks of the final blob, which no reader can see, and
 * commits the block list only once the hash is known to match, on the condition that no blob of
 * that name exists yet (If-None-Match: *). So a failed put stores nothing (the service discards
 * uncommitted blocks after a week), and of racing writers of the same bytes exactly one commits.
 * Each block carries its MD5, which the service checks on receipt.
 *
 * Bytes that fit in one block go up in one conditional Put Blob. Larger bytes need their name,
 * hence their hash, before the first block is staged: a Buffer is hashed in memory, a stream
 * whose hash the caller gives goes straight up, and any other stream is first spooled to a local
 * temporary file while being hashed, then uploaded from it.
 */
export class AzureBlobStore implements BlobStore {
  static fromConnectionString(
    connectionString: string,
    containerName: string,
    options?: AzureBlobStoreOptions,
  ): AzureBlobStore {
    return new AzureBlobStore(
      BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName),
      options,
    );
  }

  private readonly blockSize: number;
  private readonly concurrency: number;
  private readonly spoolDir: string;
  private containerReady: Promise<void> | undefined;

  constructor(
    private readonly container: ContainerClient,
    options: AzureBlobStoreOptions = {},
  ) {
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.spoolDir = options.spoolDir ?? tmpdir();
  }

  async put(tenantId: string, body: BlobBody, options: PutOptions): Promise<PutResult> {
    const tenant = checkTenantId(tenantId);
    const contentType = checkContentType(options.contentType);
    const expected = options.expectedSha256 === undefined ? undefined : checkSha256(options.expectedSha256);
    const { signal } = options;
    await this.ensureContainer();

    if (body instanceof Uint8Array) {
      const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const known = await hashChunks(chunksOf(bytes));
      if (expected !== undefined && known.sha256 !== expected) throw mismatchError(expected, known);
      const blob = blobKey(tenant, known.sha256);
      return bytes.length <= this.blockSize
        ? this.putInOneRequest(blob, bytes, known, { contentType, signal })
        : this.putInBlocks(blob, chunksOf(bytes, signal), { contentType, signal, known });
    }

    // Most hosted contents are small images: those are read into memory and sent in one request.
    const head = await readHead(chunksOf(body, signal), this.blockSize);
    if (head.bytes !== undefined) return this.put(tenant, head.bytes, options);
    if (expected !== undefined) {
      return this.putInBlocks(blobKey(tenant, expected), head.rest, { contentType, signal });
    }

    await mkdir(this.spoolDir, { recursive: true });
    const spool = join(this.spoolDir, `chatvault-blob-${randomUUID()}.part`);
    try {
      const known = await writeHashedFile(spool, head.rest, { mode: 0o600, sync: false });
      const fromSpool = createReadStream(spool, {
        highWaterMark: 1024 * 1024,
        signal,
      }) as AsyncIterable<Buffer>;
      return await this.putInBlocks(blobKey(tenant, known.sha256), fromSpool, { contentType, signal, known });
    } finally {
      await rm(spool, { force: true });
    }
  }

  async get(tenantId: string, sha256: string, options: ReadOptions = {}): Promise<Readable> {
    const blob = blobKey(tenantId, sha256);
    const body = await this.download(blob, options);
    // pipeline carries an error of either side to the stream the caller holds.
    return pipeline(body, verifyingStream(blob), () => undefined);
  }

  async getBuffer(tenantId: string, sha256: string, options?: ReadOptions): Promise<Buffer> {
    return collect(await this.get(tenantId, sha256, options));
  }

  async has(tenantId: string, sha256: string): Promise<boolean> {
    const blob = blobKey(tenantId, sha256);
    await this.ensureContainer();
    return this.container.getBlobClient(blob.key).exists();
  }

  async delete(tenantId: string, sha256: string): Promise<boolean> {
    const blob = blobKey(tenantId, sha256);
    await this.ensureContainer();
    const { succeeded } = await this.container
      .getBlobClient(blob.key)
      .deleteIfExists({ deleteSnapshots: 'include' });
    return succeeded;
  }

  async verify(tenantId: string, sha256: string, options: ReadOptions = {}): Promise<VerifyResult> {
    const blob = blobKey(tenantId, sha256);
    let body: NodeJS.ReadableStream;
    try {
      body = await this.download(blob, options);
    } catch (error) {
      if (error instanceof BlobStoreError && error.reason === 'not_found') return { status: 'missing' };
      throw error;
    }
    const actual = await hashChunks(body as AsyncIterable<Buffer>);
    return actual.sha256 === blob.sha256
      ? { status: 'ok', size: actual.size }
      : { status: 'corrupt', size: actual.size, actualSha256: actual.sha256 };
  }

  async *list(tenantId: string): AsyncIterable<BlobEntry> {
    const tenant = checkTenantId(tenantId);
    await this.ensureContainer();
    for await (const item of this.container.listBlobsFlat({ prefix: tenantPrefix(tenant) })) {
      const sha256 = sha256OfKey(tenant, item.name);
      if (sha256 !== undefined) yield { sha256, size: item.properties.contentLength ?? 0 };
    }
  }

  async deleteTenant(tenantId: string): Promise<number> {
    const tenant = checkTenantId(tenantId);
    await this.ensureContainer();
    const names: string[] = [];
    // Every name under the prefix goes, not only well-formed blob keys: erasure means all of it.
    for await (const item of this.container.listBlobsFlat({ prefix: tenantPrefix(tenant) }))
      names.push(item.name);
    let deleted = 0;
    for (let i = 0; i < names.length; i += DELETE_CONCURRENCY) {
      const results = await Promise.all(
        names
          .slice(i, i + DELETE_CONCURRENCY)
          .map((name) => this.container.getBlobClient(name).deleteIfExists({ deleteSnapshots: 'include' })),
      );
      deleted += results.filter((r) => r.succeeded).length;
    }
    return deleted;
  }

  private ensureContainer(): Promise<void> {
    this.containerReady ??= this.container.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        this.containerReady = undefined;
        throw error;
      },
    );
    return this.containerReady;
  }

  private async download(blob: BlobKey, options: ReadOptions): Promise<NodeJS.ReadableStream> {
    await this.ensureContainer();
    try {
      const response = await this.container
        .getBlobClient(blob.key)
        // maxRetryRequests: the SDK resumes a download whose connection breaks midway.
        .download(0, undefined, { abortSignal: options.signal, maxRetryRequests: 5 });
      return response.readableStreamBody!;
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new BlobStoreError('not_found', `Tenant ${blob.tenantId} has no blob ${blob.sha256}.`);
      }
      throw error;
    }
  }

  /**
   * One Put Blob for bytes that fit in one block: no look-up first, since the condition already
   * turns a second write into "existed". The service checks the body against its MD5.
   */
  private async putInOneRequest(
    blob: BlobKey,
    bytes: Buffer,
    known: Hashed,
    options: { contentType: string; signal?: AbortSignal },
  ): Promise<PutResult> {
    try {
      await this.container.getBlockBlobClient(blob.key).upload(bytes, bytes.length, {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: options.contentType, blobContentMD5: md5(bytes) },
        metadata: { sha256: blob.sha256 },
        abortSignal: options.signal,
      });
    } catch (error) {
      if (isAlreadyThere(error)) return { ...known, existed: true };
      throw error;
    }
    return { ...known, existed: false };
  }

  /**
   * Uploads bytes that must hash to `blob.sha256` as staged blocks. `known` is given when they
   * were hashed already; otherwise they are checked as they are staged. Looks first, so that
   * large bytes already stored are not sent again.
   */
  private async putInBlocks(
    blob: BlobKey,
    chunks: AsyncIterable<Buffer>,
    options: { contentType: string; signal?: AbortSignal; known?: Hashed },
  ): Promise<PutResult> {
    const client = this.container.getBlockBlobClient(blob.key);
    if (await client.exists({ abortSignal: options.signal })) {
      // Unchecked bytes are still read: "existed" must not vouch for bytes nobody hashed.
      const given = options.known ?? (await hashChunks(chunks));
      if (given.sha256 !== blob.sha256) throw mismatchError(blob.sha256, given);
      return { ...given, existed: true };
    }

    const { blockIds, hashed } = await this.stageBlocks(client, chunks, options.signal);
    // With `known`, a difference here means the bytes changed between hashing and upload.
    if (hashed.sha256 !== blob.sha256) throw mismatchError(blob.sha256, hashed);
    try {
      await client.commitBlockList(blockIds, {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: options.contentType },
        metadata: { sha256: blob.sha256 },
        abortSignal: options.signal,
      });
    } catch (error) {
      if (isAlreadyThere(error)) return { ...hashed, existed: true };
      // Another writer's commit discards the uncommitted blocks of everyone else; ours then no
      // longer exist, and the blob that does is the same bytes.
      if (errorCodeOf(error) === 'InvalidBlockList' && (await client.exists()))
        return { ...hashed, existed: true };
      throw error;
    }
    return { ...hashed, existed: false };
  }

  private async stageBlocks(
    client: BlockBlobClient,
    chunks: AsyncIterable<Buffer>,
    signal: AbortSignal | undefined,
  ): Promise<{ blockIds: string[]; hashed: Hashed }> {
    // Ids unique to this upload: a racing writer of the same blob stages its own blocks.
    const uploadId = randomUUID().replace(/-/g, '');
    const running = new RunningHash();
    const blockIds: string[] = [];
    const inFlight: Promise<unknown>[] = [];
    try {
      for await (const block of fixedSizeBlocks(chunks, this.blockSize)) {
        running.update(block);
        // Every id of a blob must have the same length.
        const id = Buffer.from(`${uploadId}-${String(blockIds.length).padStart(6, '0')}`).toString('base64');
        blockIds.push(id);
        if (inFlight.length >= this.concurrency) await inFlight.shift();
        const staging = client.stageBlock(id, block, block.length, {
          transactionalContentMD5: md5(block),
          abortSignal: signal,
        });
        // Observed when awaited above or below; this only keeps an early failure from being reported as unhandled.
        staging.catch(() => undefined);
        inFlight.push(staging);
      }
      await Promise.all(inFlight);
    } catch (error) {
      await Promise.allSettled(inFlight);
      throw error;
    }
    return { blockIds, hashed: running.digest() };
  }
}

function md5(bytes: Buffer): Buffer {
  return createHash('md5').update(bytes).digest();
}

function isAlreadyThere(error: unknown): boolean {
  return statusOf(error) === 412 || (statusOf(error) === 409 && errorCodeOf(error) === 'BlobAlreadyExists');
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

function errorCodeOf(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}
