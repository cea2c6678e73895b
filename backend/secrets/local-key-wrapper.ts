import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { KeyWrapper } from './key-wrapper';
import { SealerError } from './sealer-error';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Wraps data keys with AES-256-GCM under a 32-byte key held in this process (from
 * SECRET_SEALING_KEY or the key file). Wrapped form: iv || ciphertext || tag.
 */
export class LocalKeyWrapper implements KeyWrapper {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) {
      throw new SealerError('key_unusable', `The sealing key must be 32 bytes; this one is ${key.length}.`);
    }
    this.key = Buffer.from(key);
    this.keyId = localKeyId(this.key);
  }

  async wrap(dataKey: Buffer, context: Buffer): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(context);
    const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
  }

  async unwrap(wrappedKey: Buffer, context: Buffer): Promise<Buffer> {
    if (wrappedKey.length <= IV_BYTES + TAG_BYTES) {
      throw new SealerError('malformed', 'The wrapped data key is too short.');
    }
    const iv = wrappedKey.subarray(0, IV_BYTES);
    const tag = wrappedKey.subarray(wrappedKey.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(context);
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(wrappedKey.subarray(IV_BYTES, wrappedKey.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new SealerError(
        'tampered',
        'The wrapped data key failed authentication: it was altered or belongs to another tenant.',
      );
    }
  }
}

/**
 * A key id that names the key without revealing it: an HMAC of a fixed label under the key, so two
 * installations with different keys never share an id and the id gives no handle on the key.
 */
export function localKeyId(key: Buffer): string {
  return 'local:' + createHmac('sha256', key).update('chatvault sealing key id').digest('hex').slice(0, 16);
}
