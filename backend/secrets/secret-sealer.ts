/**
 * Seals app secrets at rest. Callers store only the sealed string; the plaintext exists in memory
 * while a connection is tested or a Graph token is requested, and nowhere else.
 */
export interface SecretSealer {
  /**
   * `tenantId` is bound into the envelope as authenticated data: a sealed secret copied into
   * another tenant's record does not unseal.
   */
  seal(plaintext: string, binding: SealBinding): Promise<string>;
  unseal(sealed: string, binding: SealBinding): Promise<string>;
}

export interface SealBinding {
  tenantId: string;
}
