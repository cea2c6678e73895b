import type { InputField, InputProblem, OutcomeCode } from './outcomes';

/** What an admin typed into the form (or the operator piped to the CLI). */
export interface ConnectionInput {
  appId: string;
  secret: string;
  /** The secret's expiry as Entra shows it; unset means 24 months from saving (the guide's choice). */
  secretExpiresAt?: string | Date;
}

export interface CheckedInput {
  /** Lower-case GUID. */
  appId: string;
  secret: string;
  expiresAt?: Date;
}

export interface FieldProblem {
  field: InputField;
  code: OutcomeCode;
  problem: InputProblem;
}

export type InputCheck =
  { ok: true; input: CheckedInput } | { ok: false; problems: FieldProblem[]; appId?: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * C0/C1 controls plus the invisible format characters (zero-width space/joiners, bidi marks, BOM)
 * that ride along when a value is copied from a web page or a chat.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/;
/** Entra's client secret values are printable ASCII without spaces ([A-Za-z0-9._~-] today, base64 before). */
const SECRET_CHARACTERS = /^[\x21-\x7e]+$/;
/** Entra masks a secret it no longer shows as its first characters followed by asterisks. */
const MASKED = /\*{3,}/;
const MAX_APP_ID_LENGTH = 64;
/** Entra's values are 40 characters (older ones 44); anything far longer is something else pasted. */
const MAX_SECRET_LENGTH = 256;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * Checks the form before any network call, so what is certainly wrong is named precisely and
 * costs no round trip. `tenantId` is the tenant the request is bound to (never a form field).
 */
export function checkConnectionInput(input: ConnectionInput, tenantId: string, now: Date): InputCheck {
  const problems: FieldProblem[] = [];
  const appId = typeof input.appId === 'string' ? input.appId.trim() : '';
  const appIdProblem = checkAppId(appId, tenantId);
  if (appIdProblem) problems.push({ field: 'appId', code: 'invalid_app_id', problem: appIdProblem });

  const secret = typeof input.secret === 'string' ? input.secret.trim() : '';
  const secretProblem = checkSecret(secret);
  if (secretProblem) problems.push({ field: 'secret', ...secretProblem });

  let expiresAt: Date | undefined;
  if (input.secretExpiresAt !== undefined && input.secretExpiresAt !== '') {
    expiresAt = parseExpiry(input.secretExpiresAt);
    if (expiresAt === undefined) {
      problems.push({ field: 'expiresAt', code: 'invalid_expiry', problem: 'not_a_date' });
    } else if (expiresAt.getTime() <= now.getTime()) {
      problems.push({ field: 'expiresAt', code: 'invalid_expiry', problem: 'in_the_past' });
    }
  }

  if (problems.length > 0) {
    return appIdProblem ? { ok: false, problems } : { ok: false, problems, appId: appId.toLowerCase() };
  }
  return { ok: true, input: { appId: appId.toLowerCase(), secret, ...(expiresAt ? { expiresAt } : {}) } };
}

function checkAppId(appId: string, tenantId: string): InputProblem | undefined {
  if (appId === '') return 'empty';
  if (appId.length > MAX_APP_ID_LENGTH) return 'too_long';
  if (INVISIBLE.test(appId)) return 'control_characters';
  if (!GUID.test(appId)) return 'not_guid';
  if (appId.toLowerCase() === tenantId.toLowerCase()) return 'is_tenant_id';
  return undefined;
}

function checkSecret(secret: string): { code: OutcomeCode; problem: InputProblem } | undefined {
  if (secret === '') return { code: 'invalid_secret', problem: 'empty' };
  if (secret.length > MAX_SECRET_LENGTH) return { code: 'invalid_secret', problem: 'too_long' };
  if (INVISIBLE.test(secret)) return { code: 'invalid_secret', problem: 'control_characters' };
  if (MASKED.test(secret)) return { code: 'invalid_secret', problem: 'masked_value' };
  if (!SECRET_CHARACTERS.test(secret)) return { code: 'invalid_secret', problem: 'unexpected_characters' };
  // The Certificates & secrets page lists "Value" and "Secret ID" side by side; the ID is a GUID,
  // the Value never is. Entra would answer 7000215 for it, which cannot tell the two mistakes apart.
  if (GUID.test(secret)) return { code: 'secret_id_pasted', problem: 'looks_like_id' };
  return undefined;
}

function parseExpiry(value: string | Date): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  const trimmed = value.trim();
  // A bare date is the end of that day in UTC: Entra shows expiry as a date.
  const date = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? new Date(`${trimmed}T23:59:59Z`) : new Date(trimmed);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(date.getTime())) return undefined;
  return date;
}

/** The secret's first three characters: what Entra itself shows of a secret once it is created. */
export function secretHint(secret: string): string {
  return secret.trim().slice(0, 3);
}
