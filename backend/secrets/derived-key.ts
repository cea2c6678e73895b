import { hkdfSync } from 'node:crypto';
import type { AppConfig } from '../config/config';
import { loadOrCreateKeyFile } from './key-file';

/**
 * A 32-byte key for one purpose (e.g. signing the bot's card buttons), derived with HKDF-SHA256
 * from the sealing key: stable across restarts and processes that share the sealing key, without
 * another secret to configure, and useless for unsealing anything.
 */
export function deriveKey(sealing: AppConfig['sealing'], purpose: string): Buffer {
  const key = sealing.kind === 'key' ? sealing.key : loadOrCreateKeyFile(sealing.file);
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `chatvault:${purpose}`, 32));
}
