import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { generatedBytes, generatedSha256, generatedStream } from '../../test/support/generated-bytes';
import { MemoryPeak } from '../../test/support/memory-peak';
import type { BlobStore } from './blob-store';
import { isBlobStoreError } from './blob-store-error';
import { collect } from './body-chunks';

export interface BlobStoreFixture {
  store: BlobStore;
  /** Overwrites a stored blob's bytes behind the store's back, as a failing medium would. */
  corrupt(tenantId: string, sha256: string, bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const PNG = { contentType: 'image/png' };
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The behaviour every BlobStore adapter must show; each adapter's spec runs it. */
export function describeBlobStoreContract(name: string, open: () => Promise<BlobStoreFixture>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture;
    let store: BlobStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.close();
    });

    it('names bytes by their SHA-256 and gives them back, as a stream and as a buffer', async () => {
      const bytes = generatedBytes(150_000, 'round-trip');
      const put = await store.put(A, bytes, PNG);
      assert.deepEqual(put, { sha256: sha256(bytes), size: bytes.length, existed: false });
      assert.equal(await store.has(A, put.sha256), true);
      assert.deepEqual(await store.getBuffer(A, put.sha256), bytes);
      assert.deepEqual(await collect(await store.get(A, put.sha256)), bytes);
      assert.deepEqual(await store.verify(A, put.sha256), { status: 'ok', size: bytes.length });
    });

    it('takes a stream, and any Uint8Array', async () => {
      const fromStream = await store.put(A, generatedStream(200_000, 'stream'), PNG);
      assert.equal(fromStream.sha256, await generatedSha256(200_000, 'stream'));
      assert.equal(fromStream.size, 200_000);
      const plain = new Uint8Array([1, 2, 3]);
      const fromArray = await store.put(A, plain, PNG);
      assert.deepEqual(await store.getBuffer(A, fromArray.sha256), Buffer.from([1, 2, 3]));
    });

    it('stores an empty blob', async () => {
      const put = await store.put(A, Buffer.alloc(0), PNG);
      assert.deepEqual(put, { sha256: EMPTY_SHA256, size: 0, existed: false });
      assert.deepEqual(await store.getBuffer(A, EMPTY_SHA256), Buffer.alloc(0));
    });

    it('stores the same bytes once, however they arrive', async () => {
      const bytes = generatedBytes(70_000, 'twice');
      const first = await store.put(A, bytes, PNG);
      const again = await store.put(A, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), {
        contentType: 'application/octet-stream',
      });
      const knowing = await store.put(A, Readable.from([bytes]), { ...PNG, expectedSha256: first.sha256 });
      assert.equal(first.existed, false);
      assert.deepEqual(again, { ...first, existed: true });
      assert.deepEqual(knowing, { ...first, existed: true });
      assert.deepEqual(await list(store, A), [{ sha256: first.sha256, size: bytes.length }]);
    });

    it('accepts bytes that match expectedSha256, in either case of hex', async () => {
      const bytes = Buffer.from('known hash');
      const put = await store.put(A, Readable.from([bytes]), {
        ...PNG,
        expectedSha256: sha256(bytes).toUpperCase(),
      });
      assert.deepEqual(put, { sha256: sha256(bytes), size: bytes.length, existed: false });
    });

    for (const shape of ['buffer', 'stream'] as const) {
      it(`refuses a ${shape} whose bytes do not match expectedSha256, and stores nothing`, async () => {
        const bytes = generatedBytes(90_000, `mismatch-${shape}`);
        const claimed = sha256(Buffer.from('something else'));
        const body = shape === 'buffer' ? bytes : generatedStream(90_000, `mismatch-${shape}`);
        await assert.rejects(store.put(A, body, { ...PNG, expectedSha256: claimed }), (err) =>
          isBlobStoreError(err, 'hash_mismatch'),
        );
        assert.equal(await store.has(A, claimed), false);
        assert.equal(await store.has(A, sha256(bytes)), false);
        assert.deepEqual(await list(store, A), []);
      });
    }

    it('refuses mismatching bytes even when a blob with the expected hash exists, and keeps that blob', async () => {
      const kept = await store.put(A, Buffer.from('the real bytes'), PNG);
      await assert.rejects(
        store.put(A, Readable.from([Buffer.from('impostor')]), { ...PNG, expectedSha256: kept.sha256 }),
        (err) => isBlobStoreError(err, 'hash_mismatch'),
      );
      assert.deepEqual(await store.getBuffer(A, kept.sha256), Buffer.from('the real bytes'));
      assert.deepEqual(await list(store, A), [{ sha256: kept.sha256, size: 14 }]);
    });

    it('leaves nothing behind when the source stream fails midway', async () => {
      async function* failing() {
        yield generatedBytes(100_000, 'partial');
        throw new Error('source went away');
      }
      await assert.rejects(store.put(A, failing(), PNG), /source went away/);
      assert.deepEqual(await list(store, A), []);
    });

    it('stops on abort and leaves nothing behind', async () => {
      const controller = new AbortController();
      let chunks = 0;
      const body = generatedStream(4_000_000, 'aborted', () => {
        if (++chunks === 3) controller.abort();
      });
      await assert.rejects(store.put(A, body, { ...PNG, signal: controller.signal }), { name: 'AbortError' });
      assert.deepEqual(await list(store, A), []);
    });

    it('keeps tenants apart: a hash known from one tenant opens nothing in another', async () => {
      const bytes = Buffer.from('tenant A only');
      const { sha256: hash } = await store.put(A, bytes, PNG);

      assert.equal(await store.has(B, hash), false);
      await assert.rejects(store.get(B, hash), (err) => isBlobStoreError(err, 'not_found'));
      await assert.rejects(store.getBuffer(B, hash), (err) => isBlobStoreError(err, 'not_found'));
      assert.deepEqual(await store.verify(B, hash), { status: 'missing' });
      assert.equal(await store.delete(B, hash), false);
      assert.deepEqual(await list(store, B), []);
      assert.equal(await store.deleteTenant(B), 0);
      assert.deepEqual(await store.getBuffer(A, hash), bytes);

      // The same bytes in B are B's own copy: removing it leaves A's.
      assert.equal((await store.put(B, bytes, PNG)).existed, false);
      assert.equal(await store.delete(B, hash), true);
      assert.equal(await store.has(A, hash), true);
    });

    it('erases one tenant entirely and no other', async () => {
      const a1 = await store.put(A, Buffer.from('a1'), PNG);
      const a2 = await store.put(A, Buffer.from('a2'), PNG);
      const b1 = await store.put(B, Buffer.from('b1'), PNG);
      assert.deepEqual((await list(store, A)).map((e) => e.sha256).sort(), [a1.sha256, a2.sha256].sort());
      assert.equal(await store.deleteTenant(A), 2);
      assert.deepEqual(await list(store, A), []);
      assert.equal(await store.has(A, a1.sha256), false);
      assert.deepEqual(await store.getBuffer(B, b1.sha256), Buffer.from('b1'));
    });

    it('treats a tenant id in capitals as the same tenant', async () => {
      const put = await store.put(A.toUpperCase(), Buffer.from('case'), PNG);
      assert.equal(await store.has(A, put.sha256), true);
      assert.equal(await store.has(A.toUpperCase(), put.sha256.toUpperCase()), true);
    });

    it('refuses tenant ids, hashes and content types it cannot use safely', async () => {
      const hash = sha256(Buffer.from('x'));
      for (const tenant of ['', '../' + A, `${A}/..`, 'not-a-guid', `${A}/x`]) {
        await assert.rejects(store.put(tenant, Buffer.from('x'), PNG), (err) =>
          isBlobStoreError(err, 'invalid_argument'),
        );
        await assert.rejects(store.has(tenant, hash), (err) => isBlobStoreError(err, 'invalid_argument'));
        await assert.rejects(store.get(tenant, hash), (err) => isBlobStoreError(err, 'invalid_argument'));
      }
      for (const bad of ['', 'abc', `${hash}0`, `../${hash.slice(3)}`, hash.replace(/./, 'g')]) {
        await assert.rejects(store.get(A, bad), (err) => isBlobStoreError(err, 'invalid_argument'));
        await assert.rejects(store.put(A, Buffer.from('x'), { ...PNG, expectedSha256: bad }), (err) =>
          isBlobStoreError(err, 'invalid_argument'),
        );
      }
      for (const contentType of ['', '  ', 'image/png\r\nX-Evil: 1']) {
        await assert.rejects(store.put(A, Buffer.from('x'), { contentType }), (err) =>
          isBlobStoreError(err, 'invalid_argument'),
        );
      }
      await assert.rejects(store.put(A, Readable.from(['text, not bytes']), PNG), (err) =>
        isBlobStoreError(err, 'invalid_argument'),
      );
      assert.deepEqual(await list(store, A), []);
    });

    it('deletes a blob, after which it is gone and can be stored again', async () => {
      const put = await store.put(A, Buffer.from('short-lived'), PNG);
      assert.equal(await store.delete(A, put.sha256), true);
      assert.equal(await store.has(A, put.sha256), false);
      await assert.rejects(store.get(A, put.sha256), (err) => isBlobStoreError(err, 'not_found'));
      assert.deepEqual(await store.verify(A, put.sha256), { status: 'missing' });
      assert.equal(await store.delete(A, put.sha256), false);
      assert.equal((await store.put(A, Buffer.from('short-lived'), PNG)).existed, false);
    });

    it('finds damage: verify reports it and a read fails at its end', async () => {
      const put = await store.put(A, generatedBytes(50_000, 'to damage'), PNG);
      const damage = Buffer.from('bit rot');
      await fixture.corrupt(A, put.sha256, damage);
      assert.deepEqual(await store.verify(A, put.sha256), {
        status: 'corrupt',
        size: damage.length,
        actualSha256: sha256(damage),
      });
      await assert.rejects(store.getBuffer(A, put.sha256), (err) => isBlobStoreError(err, 'corrupt'));
      await assert.rejects(collect(await store.get(A, put.sha256)), (err) =>
        isBlobStoreError(err, 'corrupt'),
      );
    });

    it('stores racing puts of the same bytes once, and exactly one of them reports storing it', async () => {
      const size = 2_500_000;
      const expected = await generatedSha256(size, 'race');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.put(
            A,
            generatedStream(size, 'race'),
            i % 2 === 0 ? PNG : { ...PNG, expectedSha256: expected },
          ),
        ),
      );
      assert.ok(results.every((r) => r.sha256 === expected && r.size === size));
      assert.equal(results.filter((r) => !r.existed).length, 1);
      assert.deepEqual(await list(store, A), [{ sha256: expected, size }]);
      assert.deepEqual(await store.verify(A, expected), { status: 'ok', size });
    });

    it('streams a 20 MiB blob in and out with memory that stays flat', async () => {
      const size = 20 * 1024 * 1024;
      const expected = await generatedSha256(size, 'large');

      const writing = new MemoryPeak();
      const put = await store.put(
        A,
        generatedStream(size, 'large', (bytes) => writing.sample(bytes)),
        PNG,
      );
      assert.deepEqual(put, { sha256: expected, size, existed: false });

      const reading = new MemoryPeak();
      const hash = createHash('sha256');
      let read = 0;
      for await (const chunk of await store.get(A, expected)) {
        hash.update(chunk as Buffer);
        read += (chunk as Buffer).length;
        reading.sample((chunk as Buffer).length);
      }
      assert.equal(read, size);
      assert.equal(hash.digest('hex'), expected);

      // Holding the blob would cost at least its size; streaming costs a few blocks and buffers.
      const limit = size / 2;
      assert.ok(writing.rise < limit, `writing held ${mib(writing.rise)} MiB`);
      assert.ok(reading.rise < limit, `reading held ${mib(reading.rise)} MiB`);
    });
  });
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function list(store: BlobStore, tenantId: string) {
  const entries = [];
  for await (const entry of store.list(tenantId)) entries.push(entry);
  return entries;
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
