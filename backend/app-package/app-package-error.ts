/** Why the Teams app package could not be rendered or written. */
export type AppPackageErrorReason =
  | 'unknown-environment'
  | 'missing-variables'
  | 'invalid-template'
  | 'unsupported-manifest-version'
  | 'invalid-manifest'
  | 'invalid-icon';

/**
 * A failure to build the app package. `reason` is stable for callers to branch on; the message says
 * what is wrong and what to do, and names every variable, file or field involved.
 */
export class AppPackageError extends Error {
  constructor(
    readonly reason: AppPackageErrorReason,
    message: string,
    /** The variables, files or manifest fields concerned, for callers that list them. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'AppPackageError';
  }
}
