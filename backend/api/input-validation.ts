import type { z } from 'zod';
import { ApiError, invalidInput } from './api-error';

export type InputPlace = 'body' | 'query' | 'path';

/**
 * Validates one part of a request against its schema; the first problem becomes a 400
 * `invalid_input` naming the field (dotted path) or the unknown field. Values are never echoed:
 * a body may hold a secret.
 */
export function validateInput<T>(schema: z.ZodType<T>, value: unknown, place: InputPlace): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const base = issue.path.map(String);
  const noun = place === 'body' ? 'field' : place === 'query' ? 'query parameter' : 'path parameter';
  if (issue.code === 'unrecognized_keys') {
    const field = [...base, issue.keys[0]!].join('.');
    return fail(field, `Unknown ${noun} "${field}": remove it (names are case-sensitive).`);
  }
  const field = base.length > 0 ? base.join('.') : place;
  if (base.length > 0 && valueAt(value, base) === undefined) {
    return fail(field, `The ${noun} "${field}" is required.`);
  }
  if (base.length === 0)
    return fail(field, `The ${place === 'body' ? 'body' : 'request'} is not valid: ${issue.message}.`);
  return fail(field, `The ${noun} "${field}" is not valid: ${lowerFirst(issue.message)}.`);
}

/** The body as JSON gave it: absent, or an object (anything else is refused here, not by a schema). */
export function bodyObject(raw: unknown, contentType: string): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (Buffer.isBuffer(raw) || typeof raw === 'string') {
    if (raw.length === 0) return undefined;
    throw new ApiError(
      'unsupported_media_type',
      `Send the body as JSON (Content-Type: application/json), not ${contentType || 'without a type'}.`,
    );
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidInput('body', 'The body must be a JSON object.');
  }
  return raw as Record<string, unknown>;
}

function fail(field: string, message: string): never {
  throw invalidInput(field, message);
}

function valueAt(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}
