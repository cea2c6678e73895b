/**
 * The key-encryption side of the envelope: wraps and unwraps the random per-secret data key.
 *
 * Two adapters exist: `LocalKeyWrapper` (AES-256-GCM under a key from configuration or the key
 * file) and `KeyVaultKeyWrapper` (Azure Key Vault's wrapKey/unwrapKey, so the key-encryption key
 * never leaves the vault). Only the data key ever crosses this seam, never an app secret.
 */
export interface KeyWrapper {
  /** Identifies the key-encryption key; stored in every envelope it wraps. */
  readonly keyId: string;
  wrap(dataKey: Buffer, context: Buffer): Promise<Buffer>;
  unwrap(wrappedKey: Buffer, context: Buffer): Promise<Buffer>;
}
