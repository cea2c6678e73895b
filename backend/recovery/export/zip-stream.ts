import { Readable, Transform, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

export interface ZipEntrySource {
  name: string;
  chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>;
}

/**
 * Writes a zip to `out` (and ends it) from entries produced one after another: each entry is
 * compressed as it is generated, the next is asked for only once the previous one has been taken
 * in whole, and `out`'s backpressure reaches back to the generators. Memory stays flat however many
 * and however large the entries (yazl writes zip64 records when sizes need them).
 */
export async function writeZip(
  entries: AsyncIterable<ZipEntrySource>,
  out: Writable,
  options: WriteOptions & { mtime: Date },
): Promise<void> {
  const zip = new ZipFile();
  const written = into(zip.outputStream as Readable, out, options);
  // A failure of the output settles `written` first; the loop below learns of it through `failed`.
  let failed: unknown;
  written.catch((error: unknown) => {
    failed = error;
  });
  try {
    for await (const entry of entries) {
      if (failed !== undefined) throw failed;
      const stream = Readable.from(entry.chunks, { objectMode: false });
      zip.addReadStream(stream, entry.name, { mtime: options.mtime, compress: true });
      await Promise.race([finished(stream), written.then(() => undefined)]);
      if (failed !== undefined) throw failed;
    }
    zip.end();
    await written;
  } catch (error) {
    (zip.outputStream as Readable).destroy(error instanceof Error ? error : new Error(String(error)));
    await written.catch(() => undefined);
    throw error;
  }
}

/** Writes one stream of chunks to `out` and ends it, with backpressure. */
export async function writeChunks(
  chunks: AsyncIterable<string | Buffer>,
  out: Writable,
  options: WriteOptions = {},
): Promise<void> {
  await into(Readable.from(chunks, { objectMode: false }), out, options);
}

export interface WriteOptions {
  signal?: AbortSignal;
  /** Told the size of every chunk written to `out`. */
  onBytes?: (bytes: number) => void;
}

/** source → (byte count) → out, until `out` has finished; fails and tears both down on any error. */
function into(source: Readable, out: Writable, options: WriteOptions): Promise<void> {
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      options.onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
  return options.signal
    ? pipeline(source, count, out, { signal: options.signal })
    : pipeline(source, count, out);
}
