/**
 * Regroups chunks of any size into blocks of exactly `blockSize` bytes (the last may be shorter),
 * copying only where a block spans several chunks. Never yields an empty block.
 */
export async function* fixedSizeBlocks(
  chunks: AsyncIterable<Buffer>,
  blockSize: number,
): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let filled = 0;
  for await (const chunk of chunks) {
    let rest = chunk;
    while (rest.length > 0) {
      const take = Math.min(blockSize - filled, rest.length);
      parts.push(rest.subarray(0, take));
      filled += take;
      rest = rest.subarray(take);
      if (filled === blockSize) {
        yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, filled);
        parts = [];
        filled = 0;
      }
    }
  }
  if (filled > 0) yield parts.length === 1 ? parts[0]! : Buffer.concat(parts, filled);
}
