export type SealerErrorReason =
  /** The envelope names a key this process does not hold (rotated away, or another installation's). */
  | 'unknown_key'
  /** The envelope is not one this code writes (wrong prefix, version or shape). */
  | 'malformed'
  /** Authentication failed: the bytes were changed, or the envelope was moved to another tenant. */
  | 'tampered'
  /** The key file or configured key cannot be used. */
  | 'key_unusable';

/** A sealing failure. Its message never holds the plaintext or key material. */
export class SealerError extends Error {
  constructor(
    readonly reason: SealerErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'SealerError';
  }
}
