import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/**
 * `size` pseudo-random bytes, the same for the same seed, produced chunk by chunk (AES-256-CTR over
 * zeros) so that tests can stream tens of megabytes without ever holding them.
 */
export function generatedStream(size: number, seed: string, onChunk?: (bytes: number) => void): Readable {
  const cipher = keystream(seed);
  const zeros = Buffer.alloc(CHUNK);
  let left = size;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, left);
      left -= n;
      onChunk?.(n);
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

export function generatedBytes(size: number, seed: string): Buffer {
  return keystream(seed).update(Buffer.alloc(size));
}

/** The SHA-256 of `generatedStream(size, seed)`, computed without holding the bytes. */
export async function generatedSha256(size: number, seed: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of generatedStream(size, seed)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function keystream(seed: string) {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
}
