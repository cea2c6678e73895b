import { createHash, randomBytes } from 'node:crypto';

/**
 * Client secret values shaped like the ones Entra generates: 40 characters, the first three of
 * which are the "hint" the portal keeps showing after creation, then `8Q~` and 34 characters of
 * [A-Za-z0-9~._-]. Admins paste them (or, by mistake, the secret's ID GUID) into the product.
 */

const HINT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BODY_ALPHABET = `${HINT_ALPHABET}~._-`;
const MARKER = '8Q~';
const HINT_LENGTH = 3;
export const CLIENT_SECRET_LENGTH = 40;

/** A secret value from `bytes` (at least 37 of them): the same bytes give the same secret. */
export function clientSecretFromBytes(bytes: Buffer): string {
  const bodyLength = CLIENT_SECRET_LENGTH - HINT_LENGTH - MARKER.length;
  if (bytes.length < HINT_LENGTH + bodyLength) throw new RangeError('a client secret needs 37 random bytes');
  let hint = '';
  for (let i = 0; i < HINT_LENGTH; i++) hint += HINT_ALPHABET[bytes[i]! % HINT_ALPHABET.length];
  let body = '';
  for (let i = 0; i < bodyLength; i++) body += BODY_ALPHABET[bytes[HINT_LENGTH + i]! % BODY_ALPHABET.length];
  return `${hint}${MARKER}${body}`;
}

/** A secret value derived from `parts` (seeded demo apps are reproducible). */
export function derivedClientSecret(...parts: (string | number)[]): string {
  return clientSecretFromBytes(createHash('sha512').update(parts.join('\u001f')).digest());
}

/** A fresh random secret value. */
export function randomClientSecret(): string {
  return clientSecretFromBytes(randomBytes(64));
}

/** What the portal shows of a secret once it has been created. */
export function secretHint(value: string): string {
  return value.slice(0, HINT_LENGTH);
}
