import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { BlobKey } from './blob-key';
import { BlobStoreError } from './blob-store-error';

export interface Hashed {
  sha256: string;
  size: number;
}

/** Hashes bytes as they stream past. */
export class RunningHash {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): Hashed {
    return { sha256: this.hash.digest('hex'), size: this.bytes };
  }
}

export async function hashChunks(chunks: AsyncIterable<Buffer>): Promise<Hashed> {
  const running = new RunningHash();
  for await (const chunk of chunks) running.update(chunk);
  return running.digest();
}

/**
 * Passes a blob's bytes through unchanged and fails with `corrupt` at the end unless they hash to
 * the blob's name, so a reader never takes damaged bytes for good ones. The check costs one
 * SHA-256 pass, far below the cost of moving the bytes.
 */
export function verifyingStream(blob: BlobKey): Transform {
  const running = new RunningHash();
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      running.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const { sha256, size } = running.digest();
      callback(sha256 === blob.sha256 ? null : corruptError(blob, sha256, size));
    },
  });
}

export function corruptError(blob: BlobKey, actualSha256: string, size: number): BlobStoreError {
  return new BlobStoreError(
    'corrupt',
    `Blob ${blob.key} is damaged: its ${size} stored bytes hash to ${actualSha256}. Restore it from another copy or back it up again.`,
  );
}

export function mismatchError(expectedSha256: string, actual: Hashed): BlobStoreError {
  return new BlobStoreError(
    'hash_mismatch',
    `The ${actual.size} bytes given hash to ${actual.sha256}, not to the expected ${expectedSha256}; nothing was stored.`,
  );
}
