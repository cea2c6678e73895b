import { isGovernanceError } from '../governance/governance-error';
import { ScopeError, scopeErrorStatus } from '../backup/scope/scope-error';
import { isRecoveryLinkError, type RecoveryLinkError } from '../recovery/links/recovery-links';
import { isRecoveryError, type RecoveryError } from '../recovery/recovery-error';
import { ApiError, conflict, invalidInput, notAdmin, unauthenticated } from './api-error';

/**
 * Domain errors the API answers as something else than a 500, matched on their stable codes
 * (`reason`, governance's `code`), never on a message.
 */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isGovernanceError(error)) {
    switch (error.code) {
      case 'not_admin':
        return notAdmin();
      case 'not_found':
        return new ApiError('not_found', error.message);
      case 'invalid_input':
      case 'unknown_user':
        return invalidInput(error.field ?? 'body', error.message);
      case 'last_admin':
        return conflict('last_admin', error.message);
      case 'directory_unavailable':
        return new ApiError('unavailable', error.message, { retryAfterSeconds: 30 });
      default: {
        const unreachable: never = error.code;
        throw new Error(`unknown governance code ${String(unreachable)}`);
      }
    }
  }
  if (error instanceof ScopeError) return scopeApiError(error);
  if (isRecoveryError(error)) return recoveryApiError(error);
  if (isRecoveryLinkError(error)) return linkApiError(error);
  if (!(error instanceof Error)) return undefined;
  // ConnectionService's NotConnectedError, BackupError, RunInProgressError.
  const reason = (error as { reason?: unknown }).reason;
  switch (reason) {
    case 'not_connected':
      return conflict(
        'not_connected',
        'Your organization has no saved app connection yet: use Test & Save Connection first.',
      );
    case 'run_in_progress':
      return conflict(reason, error.message);
    default:
      return undefined;
  }
}

function scopeApiError(error: ScopeError): ApiError {
  const status = scopeErrorStatus(error.reason);
  switch (status) {
    case 400:
      return new ApiError('invalid_input', error.message, {
        field: error.field ?? 'users',
        entries: error.entries,
      });
    case 409:
      return conflict(error.reason === 'busy' ? 'scope_busy' : 'scope_changed', error.message);
    case 503:
      return new ApiError('unavailable', error.message, { retryAfterSeconds: 30 });
    default: {
      const unreachable: never = status;
      throw new Error(`unknown scope status ${String(unreachable)}`);
    }
  }
}

function recoveryApiError(error: RecoveryError): ApiError {
  switch (error.code) {
    case 'not_found':
      return new ApiError('not_found', error.message);
    case 'invalid_input':
      return invalidInput(error.field ?? 'body', error.message);
    case 'backup_running':
      return conflict('backup_running', error.message);
    default: {
      const unreachable: never = error.code;
      throw new Error(`unknown recovery code ${String(unreachable)}`);
    }
  }
}

/** A link names its own credential: refused like a bearer token, except one for something else. */
function linkApiError(error: RecoveryLinkError): ApiError {
  switch (error.refusal) {
    case 'missing':
      return unauthenticated('missing_token', error.message);
    case 'invalid':
      return unauthenticated('invalid_token', error.message);
    case 'expired':
      return unauthenticated('expired_token', error.message);
    case 'mismatch':
      return new ApiError('not_found', error.message);
    default: {
      const unreachable: never = error.refusal;
      throw new Error(`unknown link refusal ${String(unreachable)}`);
    }
  }
}
