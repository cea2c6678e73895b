import type { KeyWrapper } from './key-wrapper';

/**
 * The part of `CryptographyClient` from `@azure/keyvault-keys` this adapter uses, typed here so the
 * seam compiles without that package. Wiring it: `new KeyVaultKeyWrapper(new CryptographyClient(
 * keyId, new DefaultAzureCredential()), keyId)` once `@azure/keyvault-keys` is a dependency.
 */
export interface KeyVaultCrypto {
  wrapKey(algorithm: 'RSA-OAEP-256', key: Uint8Array): Promise<{ result: Uint8Array }>;
  unwrapKey(algorithm: 'RSA-OAEP-256', encryptedKey: Uint8Array): Promise<{ result: Uint8Array }>;
}

/**
 * Wraps data keys with an RSA key held in Azure Key Vault (RSA-OAEP-256), so the key-encryption
 * key never leaves the vault. RSA-OAEP takes no authenticated data: the tenant binding is still
 * enforced by the data layer's AES-GCM, which authenticates the same context.
 */
export class KeyVaultKeyWrapper implements KeyWrapper {
  /** `keyId` is the versioned key URL; a new key version is a new key id, as rotation needs. */
  constructor(
    private readonly crypto: KeyVaultCrypto,
    readonly keyId: string,
  ) {}

  async wrap(dataKey: Buffer): Promise<Buffer> {
    return Buffer.from((await this.crypto.wrapKey('RSA-OAEP-256', dataKey)).result);
  }

  async unwrap(wrappedKey: Buffer): Promise<Buffer> {
    return Buffer.from((await this.crypto.unwrapKey('RSA-OAEP-256', wrappedKey)).result);
  }
}
