import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { isBlobStoreError } from './blob-store-error';
import { chunksOf, collect, readHead } from './body-chunks';
import { fixedSizeBlocks } from './fixed-size-blocks';

async function* from(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function all(chunks: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk.toString());
  return out;
}

describe('body chunks', () => {
  describe('readHead', () => {
    it('returns a source of at most the limit whole', async () => {
      assert.deepEqual((await readHead(from('ab', 'cd'), 4)).bytes, Buffer.from('abcd'));
      assert.deepEqual((await readHead(from(), 4)).bytes, Buffer.alloc(0));
    });

    it('replays a longer source from its first chunk', async () => {
      const head = await readHead(from('ab', 'cd', 'e', 'fg'), 4);
      assert.equal(head.bytes, undefined);
      assert.deepEqual(await all(head.rest!), ['ab', 'cd', 'e', 'fg']);
    });

    it('passes on a failure of the source after the head', async () => {
      async function* failing() {
        yield Buffer.from('abcdef');
        throw new Error('late failure');
      }
      const head = await readHead(failing(), 4);
      await assert.rejects(all(head.rest!), /late failure/);
    });
  });

  describe('fixedSizeBlocks', () => {
    it('regroups any chunking into blocks of the size, the last one shorter', async () => {
      assert.deepEqual(await all(fixedSizeBlocks(from('abcdefg'), 3)), ['abc', 'def', 'g']);
      assert.deepEqual(await all(fixedSizeBlocks(from('a', 'bc', 'd', 'ef', 'gh'), 3)), ['abc', 'def', 'gh']);
      assert.deepEqual(await all(fixedSizeBlocks(from('abc', 'def'), 3)), ['abc', 'def']);
      assert.deepEqual(await all(fixedSizeBlocks(from('', ''), 3)), []);
    });
  });

  describe('chunksOf', () => {
    it('yields a Uint8Array as one buffer over the same memory', async () => {
      const array = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
      const chunks: Buffer[] = [];
      for await (const chunk of chunksOf(array)) chunks.push(chunk);
      assert.equal(chunks.length, 1);
      assert.deepEqual(chunks[0], Buffer.from([8, 7]));
      assert.equal(chunks[0]!.buffer, array.buffer);
    });

    it('refuses a stream that yields strings', async () => {
      await assert.rejects(collect(Readable.from(chunksOf(Readable.from(['text'])))), (err) =>
        isBlobStoreError(err, 'invalid_argument'),
      );
    });
  });
});
