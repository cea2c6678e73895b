import { Writable } from 'node:stream';

/** A Writable that keeps what it is given, for exports under test. */
export function collectOutput(): { out: Writable; bytes(): Buffer; text(): string } {
  const parts: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      done();
    },
  });
  return { out, bytes: () => Buffer.concat(parts), text: () => Buffer.concat(parts).toString('utf8') };
}
