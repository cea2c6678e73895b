import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { blobKey, checkContentType, checkSha256, checkTenantId, sha256OfKey, type BlobKey } from './blob-key';
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
import { chunksOf, collect } from './body-chunks';
import { hashChunks, mismatchError, verifyingStream } from './hashing';
import { writeHashedFile } from './hashed-file';

export interface FsBlobStoreOptions {
  /** The store's root folder; created on first write. */
  dir: string;
}

/**
 * Blob files are never written again once named, so nobody needs write permission on them.
 * Except on Windows, where a read-only file cannot be deleted.
 */
const BLOB_FILE_MODE = process.platform === 'win32' ? 0o600 : 0o400;
const DIR_MODE = 0o700;
/** Partial writes live here, on the same filesystem as the blobs, so naming one is atomic. */
const TEMP_DIR = '.partial';

/**
 * Blobs as files under one folder: `<dir>/<tenantId>/<aa>/<sha256>` (docs/storage.md).
 *
 * A put writes `<dir>/.partial/<random>.part`, fsyncs it, then hard-links it to its final name
 * and fsyncs that folder. A hard link, unlike rename, fails if the name exists, which tells racing
 * writers of the same bytes which one stored them; a crash leaves at most an orphan in `.partial`.
 */
export class FsBlobStore implements BlobStore {
  private readonly root: string;

  constructor(options: FsBlobStoreOptions) {
    this.root = options.dir;
  }

  async put(tenantId: string, body: BlobBody, options: PutOptions): Promise<PutResult> {
    const tenant = checkTenantId(tenantId);
    checkContentType(options.contentType);
    const expected = options.expectedSha256 === undefined ? undefined : checkSha256(options.expectedSha256);
    const chunks = chunksOf(body, options.signal);

    if (expected !== undefined && (await this.has(tenant, expected))) {
      // Still read the bytes: "existed" must not vouch for bytes that were never checked.
      const given = await hashChunks(chunks);
      if (given.sha256 !== expected) throw mismatchError(expected, given);
      return { ...given, existed: true };
    }

    const tempDir = join(this.root, TEMP_DIR);
    await mkdir(tempDir, { recursive: true, mode: DIR_MODE });
    const temp = join(tempDir, `${randomUUID()}.part`);
    try {
      const written = await writeHashedFile(temp, chunks, { mode: BLOB_FILE_MODE, sync: true });
      if (expected !== undefined && written.sha256 !== expected) throw mismatchError(expected, written);
      const file = this.pathOf(blobKey(tenant, written.sha256));
      await mkdir(dirname(file), { recursive: true, mode: DIR_MODE });
      const existed = !(await publish(temp, file));
      if (!existed) await syncDirectory(dirname(file));
      return { ...written, existed };
    } finally {
      await rm(temp, { force: true });
    }
  }

  async get(tenantId: string, sha256: string, options: ReadOptions = {}): Promise<Readable> {
    const blob = blobKey(tenantId, sha256);
    const handle = await this.openBlob(blob);
    const file = handle.createReadStream({ signal: options.signal });
    const verifier = verifyingStream(blob);
    // pipeline carries an error of either side to the stream the caller holds.
    return pipeline(file, verifier, () => undefined);
  }

  async getBuffer(tenantId: string, sha256: string, options?: ReadOptions): Promise<Buffer> {
    return collect(await this.get(tenantId, sha256, options));
  }

  async has(tenantId: string, sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(blobKey(tenantId, sha256)))).isFile();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  async delete(tenantId: string, sha256: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(blobKey(tenantId, sha256)));
      return true;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  async verify(tenantId: string, sha256: string, options: ReadOptions = {}): Promise<VerifyResult> {
    const blob = blobKey(tenantId, sha256);
    let handle;
    try {
      handle = await this.openBlob(blob);
    } catch (error) {
      if (error instanceof BlobStoreError && error.reason === 'not_found') return { status: 'missing' };
      throw error;
    }
    const actual = await hashChunks(handle.createReadStream({ signal: options.signal }));
    return actual.sha256 === blob.sha256
      ? { status: 'ok', size: actual.size }
      : { status: 'corrupt', size: actual.size, actualSha256: actual.sha256 };
  }

  async *list(tenantId: string): AsyncIterable<BlobEntry> {
    const tenant = checkTenantId(tenantId);
    for (const fanout of await readdirOrEmpty(join(this.root, tenant))) {
      for (const name of await readdirOrEmpty(join(this.root, tenant, fanout))) {
        const sha256 = sha256OfKey(tenant, `${tenant}/${fanout}/${name}`);
        if (sha256 === undefined) continue;
        const info = await stat(join(this.root, tenant, fanout, name)).catch(() => undefined);
        if (info?.isFile()) yield { sha256, size: info.size };
      }
    }
  }

  async deleteTenant(tenantId: string): Promise<number> {
    const tenant = checkTenantId(tenantId);
    let count = 0;
    for await (const _ of this.list(tenant)) count++;
    await rm(join(this.root, tenant), { recursive: true, force: true });
    return count;
  }

  private pathOf(blob: BlobKey): string {
    return join(this.root, ...blob.key.split('/'));
  }

  private async openBlob(blob: BlobKey) {
    try {
      return await open(this.pathOf(blob), 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        throw new BlobStoreError('not_found', `Tenant ${blob.tenantId} has no blob ${blob.sha256}.`);
      }
      throw error;
    }
  }
}

/**
 * Gives the finished temporary file its final name; false when the name was taken already.
 * Filesystems without hard links (some network and FUSE mounts) get a rename instead, which
 * replaces a racing writer's file with identical bytes: harmless, only `existed` is then a guess.
 */
async function publish(temp: string, file: string): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EPERM') throw error;
  }
  const existed = await stat(file).then(
    () => true,
    () => false,
  );
  if (!existed) await rename(temp, file);
  return !existed;
}

/**
 * Makes a new directory entry durable. POSIX requires syncing the directory for that; Windows
 * cannot open a directory for syncing, and NTFS journals the entry anyway.
 */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EACCES'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw error;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
