import type { Readable } from 'node:stream';
import type { BlobBody } from './blob-store';
import { BlobStoreError } from './blob-store-error';

/**
 * The body as Buffers, in order, without copying. A stream with an encoding set yields strings,
 * whose hash would be that of some re-encoding rather than of the bytes: refused.
 */
export async function* chunksOf(body: BlobBody, signal?: AbortSignal): AsyncGenerator<Buffer> {
  signal?.throwIfAborted();
  if (body instanceof Uint8Array) {
    yield asBuffer(body);
    return;
  }
  for await (const chunk of body as AsyncIterable<unknown>) {
    signal?.throwIfAborted();
    if (!(chunk instanceof Uint8Array)) {
      throw new BlobStoreError(
        'invalid_argument',
        `A blob stream must yield bytes, and this one yielded a ${typeof chunk} (is an encoding set on it?).`,
      );
    }
    yield asBuffer(chunk);
  }
}

/** Reads a stream to its end into one buffer. */
export async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads chunks until more than `limit` bytes have arrived or the source ends. A source that ends
 * within the limit comes back whole as `bytes`; a longer one as `rest`, which yields every chunk
 * from the first, those already read included.
 */
export async function readHead(
  chunks: AsyncIterable<Buffer>,
  limit: number,
): Promise<{ bytes: Buffer; rest?: undefined } | { rest: AsyncIterable<Buffer>; bytes?: undefined }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  while (size <= limit) {
    const next = await iterator.next();
    if (next.done) return { bytes: head.length === 1 ? head[0]! : Buffer.concat(head, size) };
    head.push(next.value);
    size += next.value.length;
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield* head.splice(0);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { rest: rest() };
}
