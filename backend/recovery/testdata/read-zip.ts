import { fromBufferPromise } from 'yauzl';

/** Every entry of a zip, by name, read with yauzl (zip64 included): for tests of exports. */
export async function readZip(zip: Buffer): Promise<Map<string, Buffer>> {
  const file = await fromBufferPromise(zip, { lazyEntries: true });
  const entries = new Map<string, Buffer>();
  try {
    for await (const entry of file.eachEntry()) {
      const parts: Buffer[] = [];
      for await (const chunk of await file.openReadStreamPromise(entry)) parts.push(chunk as Buffer);
      entries.set(entry.fileName, Buffer.concat(parts));
    }
  } finally {
    file.close();
  }
  return entries;
}
