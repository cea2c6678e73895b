export type DirectoryErrorReason =
  /**
   * The live directory could not answer: Graph refused the app (no User.Read.All, consent revoked,
   * secret rejected) or did not answer in time. Not the same as "no such user".
   */
  'unavailable';

export class DirectoryError extends Error {
  constructor(
    readonly reason: DirectoryErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

export function isDirectoryError(error: unknown, reason?: DirectoryErrorReason): error is DirectoryError {
  return error instanceof DirectoryError && (reason === undefined || error.reason === reason);
}
