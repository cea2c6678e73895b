import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SealerError } from './sealer-error';

/**
 * The sealing key of the embedded default: 32 random bytes, base64, in a file only its owner may
 * read (0600), created on first start. Losing this file makes every sealed secret unreadable (the
 * admins then enter their app secret again); copying it elsewhere lets that place unseal them, so
 * it is kept out of backups of the database on purpose.
 */
export function loadOrCreateKeyFile(file: string): Buffer {
  const existing = readKeyFile(file);
  if (existing) return existing;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx' fails if another process created the file first; then that file is the key.
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const created = readKeyFile(file);
  if (!created) throw new SealerError('key_unusable', `The sealing key file ${file} could not be created.`);
  return created;
}

function readKeyFile(file: string): Buffer | undefined {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Windows has no POSIX permission bits to check.
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new SealerError(
      'key_unusable',
      `The sealing key file ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}): run chmod 600 on it.`,
    );
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) {
    throw new SealerError(
      'key_unusable',
      `The sealing key file ${file} does not hold 32 base64-encoded bytes.`,
    );
  }
  return key;
}
