export type BlobStoreErrorReason =
  /** A tenant id that is not a GUID, a hash that is not 64 hex digits, an empty content type. */
  | 'invalid_argument'
  /** The bytes did not hash to the `expectedSha256` the caller gave; nothing was stored. */
  | 'hash_mismatch'
  /** The tenant holds no blob with that hash. */
  | 'not_found'
  /** The stored bytes no longer hash to their name: the medium changed them. */
  | 'corrupt';

export class BlobStoreError extends Error {
  constructor(
    readonly reason: BlobStoreErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'BlobStoreError';
  }
}

export function isBlobStoreError(error: unknown, reason?: BlobStoreErrorReason): error is BlobStoreError {
  return error instanceof BlobStoreError && (reason === undefined || error.reason === reason);
}
