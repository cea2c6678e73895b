import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeyFile } from './key-file';
import { SealerError } from './sealer-error';

const posix = process.platform !== 'win32';

describe('loadOrCreateKeyFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatvault-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a 32-byte key in a 0600 file on first use, and reads the same key afterwards', function () {
    const file = join(dir, 'nested', 'sealing.key');
    const first = loadOrCreateKeyFile(file);
    assert.equal(first.length, 32);
    if (posix) assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateKeyFile(file), first);
    assert.deepEqual(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), first);
  });

  it('refuses a key file others can read', function () {
    if (!posix) this.skip();
    const file = join(dir, 'sealing.key');
    loadOrCreateKeyFile(file);
    chmodSync(file, 0o644);
    assert.throws(
      () => loadOrCreateKeyFile(file),
      (e) => e instanceof SealerError && e.reason === 'key_unusable' && /chmod 600/.test(e.message),
    );
  });

  it('refuses a key file that does not hold 32 bytes', () => {
    const file = join(dir, 'sealing.key');
    writeFileSync(file, Buffer.alloc(16).toString('base64'), { mode: 0o600 });
    assert.throws(
      () => loadOrCreateKeyFile(file),
      (e) => e instanceof SealerError && e.reason === 'key_unusable',
    );
  });
});
