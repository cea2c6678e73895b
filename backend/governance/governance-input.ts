import { isGuid } from '../connection/input-checks';
import { GovernanceError } from './governance-error';

/**
 * Checks of what governance calls receive. Tenant and user ids come from what Microsoft signed (a
 * token's `tid`/`oid`, an activity's `aadObjectId`): Entra object ids, GUIDs, stored lower-case.
 */

/** A user principal name is at most 113 characters in Entra ID; room is left for a pasted mailto or spaces. */
export const MAX_USER_REFERENCE_LENGTH = 256;

export function checkTenantId(tenantId: unknown): string {
  return checkGuid(tenantId, 'tenantId', 'tenant ID');
}

export function checkUserId(userId: unknown, field = 'userId'): string {
  return checkGuid(userId, field, 'user ID');
}

/** What an admin typed to name a person: a UPN or an object id. */
export function checkUserReference(value: unknown, field = 'user'): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') {
    throw new GovernanceError(
      'invalid_input',
      'Name the person by their sign-in name (UPN) or object ID.',
      field,
    );
  }
  if (text.length > MAX_USER_REFERENCE_LENGTH) {
    throw new GovernanceError(
      'invalid_input',
      `That is longer than any sign-in name or object ID (${MAX_USER_REFERENCE_LENGTH} characters at most).`,
      field,
    );
  }
  return text;
}

/** A non-empty string of at most `max` characters, trimmed. */
export function checkText(value: unknown, field: string, max: number): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || text.length > max) {
    throw new GovernanceError('invalid_input', `${field} must be 1 to ${max} characters.`, field);
  }
  return text;
}

function checkGuid(value: unknown, field: string, what: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!isGuid(text)) {
    throw new GovernanceError(
      'invalid_input',
      `"${shorten(String(value))}" is not a ${what} (a GUID).`,
      field,
    );
  }
  return text.toLowerCase();
}

/** Echoes at most a little of what was refused: an oversized value must not flood a message or a log. */
function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
