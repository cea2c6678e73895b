import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generatedStream } from '../../test/support/generated-bytes';
import { isBlobStoreError } from './blob-store-error';
import { FsBlobStore } from './fs-blob-store';

const TENANT = 'c0ffee00-0000-4000-8000-000000000003';

describe('FsBlobStore', () => {
  let dir: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chatvault-fs-blobs-'));
    store = new FsBlobStore({ dir: join(dir, 'blobs') });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes <tenant>/<first two hex digits>/<sha256>, read-only, and nothing else', async () => {
    const bytes = Buffer.from('layout');
    const { sha256 } = await store.put(TENANT, bytes, { contentType: 'text/plain' });
    assert.equal(sha256, createHash('sha256').update(bytes).digest('hex'));
    const file = join(dir, 'blobs', TENANT, sha256.slice(0, 2), sha256);
    assert.deepEqual(await readFile(file), bytes);
    if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o777, 0o400);
    assert.deepEqual(await readdir(join(dir, 'blobs', TENANT)), [sha256.slice(0, 2)]);
    assert.deepEqual(await readdir(join(dir, 'blobs', '.partial')), []);
  });

  it('leaves no partial file after a mismatch, a failing source or a race', async () => {
    await assert.rejects(
      store.put(TENANT, generatedStream(300_000, 'p'), {
        contentType: 'image/png',
        expectedSha256: '0'.repeat(64),
      }),
      (err) => isBlobStoreError(err, 'hash_mismatch'),
    );
    async function* failing() {
      yield Buffer.alloc(10_000);
      throw new Error('gone');
    }
    await assert.rejects(store.put(TENANT, failing(), { contentType: 'image/png' }), /gone/);
    await Promise.all(
      Array.from({ length: 4 }, () =>
        store.put(TENANT, generatedStream(300_000, 'r'), { contentType: 'image/png' }),
      ),
    );
    assert.deepEqual(await readdir(join(dir, 'blobs', '.partial')), []);
  });

  it('shares one folder between stores (as between processes) without storing twice', async () => {
    const other = new FsBlobStore({ dir: join(dir, 'blobs') });
    const [one, two] = await Promise.all([
      store.put(TENANT, Readable.from([Buffer.from('shared')]), { contentType: 'text/plain' }),
      other.put(TENANT, Readable.from([Buffer.from('shared')]), { contentType: 'text/plain' }),
    ]);
    assert.deepEqual([one.existed, two.existed].sort(), [false, true]);
    assert.deepEqual(await other.getBuffer(TENANT, one.sha256), Buffer.from('shared'));
  });

  it('lists only well-formed blob files', async () => {
    const { sha256 } = await store.put(TENANT, Buffer.from('listed'), { contentType: 'text/plain' });
    await writeFile(join(dir, 'blobs', TENANT, sha256.slice(0, 2), 'notes.txt'), 'x');
    await mkdir(join(dir, 'blobs', TENANT, 'zz'), { recursive: true });
    const entries = [];
    for await (const entry of store.list(TENANT)) entries.push(entry);
    assert.deepEqual(entries, [{ sha256, size: 6 }]);
  });
});
