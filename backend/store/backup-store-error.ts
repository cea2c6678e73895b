export type BackupStoreErrorReason =
  /** The record the call refers to (a run, a user) does not exist in the tenant. */
  | 'not_found'
  /** An argument the store cannot hold (an empty id, a ttl that is not a positive number). */
  | 'invalid_argument'
  /** Concurrent writers kept changing a record; the write was given up after several attempts. */
  | 'contention';

export class BackupStoreError extends Error {
  constructor(
    readonly reason: BackupStoreErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'BackupStoreError';
  }
}

export function isBackupStoreError(
  error: unknown,
  reason?: BackupStoreErrorReason,
): error is BackupStoreError {
  return error instanceof BackupStoreError && (reason === undefined || error.reason === reason);
}
