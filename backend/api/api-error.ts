/**
 * Every failure the tab API answers, as `{"error": {"code", "message", "field"?, "reason"?}}` with
 * its HTTP status. `code` is the stable part callers branch on; `reason` narrows a 401 or a 409
 * where the tab reacts differently (fetch a new token, show "connect first"); `message` is a
 * sentence for a person, saying what to do.
 */
export type ApiErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'not_admin'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

export const API_ERROR_STATUS: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  not_admin: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** Why a request was not authenticated: an expired token is renewed silently, the others are shown. */
export type UnauthenticatedReason = 'missing_token' | 'invalid_token' | 'expired_token';

/** Which conflict: the tab offers the matching next step. */
export type ConflictReason =
  | 'not_connected'
  | 'run_in_progress'
  | 'no_active_run'
  | 'last_admin'
  /** The backup scope changed since the version the form showed: show it again. */
  | 'scope_changed'
  /** Another save of the backup scope is under way: try again in a moment. */
  | 'scope_busy'
  /** Retention and erasure wait for the tenant's backup run to end: try again once it has. */
  | 'backup_running';

export type ApiErrorReason = UnauthenticatedReason | ConflictReason;

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    field?: string;
    reason?: ApiErrorReason;
    /** The entries of a list field at fault (unknown, repeated, malformed), as they were sent. */
    entries?: string[];
  };
}

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: {
      field?: string;
      reason?: ApiErrorReason;
      retryAfterSeconds?: number;
      entries?: string[];
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = API_ERROR_STATUS[code];
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.extra.field !== undefined ? { field: this.extra.field } : {}),
        ...(this.extra.reason !== undefined ? { reason: this.extra.reason } : {}),
        ...(this.extra.entries && this.extra.entries.length > 0 ? { entries: this.extra.entries } : {}),
      },
    };
  }
}

export function invalidInput(field: string, message: string): ApiError {
  return new ApiError('invalid_input', message, { field });
}

export function unauthenticated(reason: UnauthenticatedReason, message: string): ApiError {
  return new ApiError('unauthenticated', message, { reason });
}

export function notAdmin(): ApiError {
  return new ApiError(
    'not_admin',
    'Only a ChatVault admin of your organization can do this. Ask one of them to add you in the Admins section.',
  );
}

/** Also the answer for anything of another tenant: whether it exists elsewhere is never revealed. */
export function notFound(what: string): ApiError {
  return new ApiError('not_found', `${what} was not found.`);
}

export function conflict(reason: ConflictReason, message: string): ApiError {
  return new ApiError('conflict', message, { reason });
}
