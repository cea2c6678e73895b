/**
 * Why a governance call (admins, notification targets, the audit trail) was refused. The tab API
 * maps each code to its HTTP status (`not_admin` 403, `not_found` 404, `invalid_input` and
 * `unknown_user` 400 with `field`, `last_admin` 409, `directory_unavailable` 503); the bot prints
 * `message` as it is.
 */
export type GovernanceErrorCode =
  /** The acting person is not an admin of the tenant. */
  | 'not_admin'
  /** No such user in the tenant's directory (a user of another tenant is no such user). */
  | 'unknown_user'
  /** The call would leave the tenant without any admin. */
  | 'last_admin'
  /** The admin or notification target named does not exist in the tenant. */
  | 'not_found'
  /** An argument is empty, oversized or malformed; `field` names it. */
  | 'invalid_input'
  /** The tenant's directory could not be asked (Graph refused or did not answer): try again later. */
  | 'directory_unavailable';

export class GovernanceError extends Error {
  constructor(
    readonly code: GovernanceErrorCode,
    message: string,
    /** The input field at fault, for `invalid_input` and `unknown_user`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'GovernanceError';
  }
}

export function isGovernanceError(error: unknown, code?: GovernanceErrorCode): error is GovernanceError {
  return error instanceof GovernanceError && (code === undefined || error.code === code);
}
