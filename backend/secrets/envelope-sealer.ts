import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyWrapper } from './key-wrapper';
import { SealerError } from './sealer-error';
import type { SealBinding, SecretSealer } from './secret-sealer';

/**
 * AES-256-GCM envelope encryption, format version 1 (documented in docs/connection.md):
 *
 *   cvs1.<keyId>.<wrappedDataKey>.<iv>.<ciphertext>.<tag>      (each part base64url)
 *
 * Every secret gets its own random 256-bit data key; the key-encryption key only ever wraps data
 * keys, so it can live in Azure Key Vault without each unseal sending a secret there. The tenant id
 * is authenticated data on both layers, so an envelope moved to another tenant fails to open.
 * A later format gets a new prefix (`cvs2`); this code keeps reading `cvs1`.
 */
const PREFIX = 'cvs1';
const IV_BYTES = 12; // the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class EnvelopeSealer implements SecretSealer {
  private readonly wrappers: ReadonlyMap<string, KeyWrapper>;

  /**
   * `current` seals; `previous` wrappers only unseal, which is how a key is rotated: add the new one
   * as current, keep the old one until every record has been re-sealed.
   */
  constructor(
    private readonly current: KeyWrapper,
    previous: readonly KeyWrapper[] = [],
  ) {
    this.wrappers = new Map([current, ...previous].map((w) => [w.keyId, w]));
  }

  async seal(plaintext: string, binding: SealBinding): Promise<string> {
    const context = contextFor(binding);
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(context);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const wrapped = await this.current.wrap(dataKey, context);
      return [
        PREFIX,
        b64(Buffer.from(this.current.keyId, 'utf8')),
        b64(wrapped),
        b64(iv),
        b64(ciphertext),
        b64(cipher.getAuthTag()),
      ].join('.');
    } finally {
      dataKey.fill(0);
    }
  }

  async unseal(sealed: string, binding: SealBinding): Promise<string> {
    const parts = sealed.split('.');
    if (parts.length !== 6 || parts[0] !== PREFIX) {
      throw new SealerError('malformed', 'The sealed secret is not a ChatVault v1 envelope.');
    }
    const [, kidPart, wrappedPart, ivPart, ctPart, tagPart] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const keyId = Buffer.from(kidPart, 'base64url').toString('utf8');
    const wrapper = this.wrappers.get(keyId);
    if (!wrapper) {
      throw new SealerError(
        'unknown_key',
        `The secret was sealed with key "${keyId}", which this installation does not hold: configure that key (SECRET_SEALING_KEY or the key file it came from).`,
      );
    }
    const context = contextFor(binding);
    const iv = Buffer.from(ivPart, 'base64url');
    const tag = Buffer.from(tagPart, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SealerError('malformed', 'The sealed secret has a nonce or tag of the wrong size.');
    }
    const dataKey = await wrapper.unwrap(Buffer.from(wrappedPart, 'base64url'), context);
    try {
      const decipher = createDecipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(context);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctPart, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SealerError(
        'tampered',
        'The sealed secret failed authentication: it was altered or belongs to another tenant.',
      );
    } finally {
      dataKey.fill(0);
    }
  }
}

function contextFor(binding: SealBinding): Buffer {
  return Buffer.from(`chatvault/app-secret/v1/${binding.tenantId}`, 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
