import { open, rm } from 'node:fs/promises';
import { RunningHash, type Hashed } from './hashing';

export interface WriteHashedFileOptions {
  /** Permission bits of the new file. */
  mode: number;
  /** fsync the file before closing it, so it survives a crash once the caller makes it visible. */
  sync: boolean;
}

/**
 * Writes chunks into a file that must not exist yet, hashing them on the way, and holds only the
 * chunk in hand in memory. On any failure the partial file is removed.
 */
export async function writeHashedFile(
  file: string,
  chunks: AsyncIterable<Buffer>,
  options: WriteHashedFileOptions,
): Promise<Hashed> {
  const handle = await open(file, 'wx', options.mode);
  try {
    const running = new RunningHash();
    for await (const chunk of chunks) {
      running.update(chunk);
      for (let offset = 0; offset < chunk.length;) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
    }
    if (options.sync) await handle.sync();
    await handle.close();
    return running.digest();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
}
