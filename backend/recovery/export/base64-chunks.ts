/**
 * Bytes as base64 text, chunk by chunk, so that a large blob never sits whole in memory: each chunk
 * is encoded up to a multiple of three bytes and the rest carried to the next one.
 */
export async function* base64Chunks(bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of bytes) {
    const buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : Buffer.from(chunk);
    const whole = buffer.length - (buffer.length % 3);
    if (whole > 0) yield buffer.subarray(0, whole).toString('base64');
    rest = Buffer.from(buffer.subarray(whole));
  }
  if (rest.length > 0) yield rest.toString('base64');
}
