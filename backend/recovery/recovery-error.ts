/**
 * Why a recovery call (browse, search, export, retention, erasure) was refused. The API maps each
 * code to its status (`not_found` 404, also for anything of another tenant; `invalid_input` 400
 * with `field`; `backup_running` 409); the CLI and the bot print `message` as it is.
 */
export type RecoveryErrorCode =
  /** The chat, message, user or image named is not in the tenant's backup. */
  | 'not_found'
  /** An argument is empty, oversized or malformed; `field` names it. */
  | 'invalid_input'
  /** Retention and erasure wait for the tenant's backup run to end: try again once it has. */
  | 'backup_running';

export class RecoveryError extends Error {
  constructor(
    readonly code: RecoveryErrorCode,
    message: string,
    /** The input field at fault, for `invalid_input`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RecoveryError';
  }
}

export function isRecoveryError(error: unknown, code?: RecoveryErrorCode): error is RecoveryError {
  return error instanceof RecoveryError && (code === undefined || error.code === code);
}

export function invalidInput(field: string, message: string): RecoveryError {
  return new RecoveryError('invalid_input', message, field);
}

export function notFound(message: string): RecoveryError {
  return new RecoveryError('not_found', message);
}

/** A moment given by a caller, normalised; refused (naming the field) when it does not parse. */
export function parseMoment(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (typeof value !== 'string' || value.trim() === '' || Number.isNaN(ms)) {
    throw invalidInput(
      field,
      `${field} must be a date and time (ISO 8601, e.g. 2026-03-02T08:00:00Z), not "${value}".`,
    );
  }
  return new Date(ms).toISOString();
}
