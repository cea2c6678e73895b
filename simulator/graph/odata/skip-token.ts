import { z } from 'zod';

/**
 * Opaque paging tokens. A token is the base64url of a small JSON tuple whose first element names
 * the listing it belongs to; `decodeToken` checks the whole tuple against the listing's schema, so
 * a token altered, truncated or taken from another listing is refused rather than misread.
 */

export type TokenTuple = readonly [string, ...(string | number)[]];

export function encodeToken(tuple: TokenTuple): string {
  return Buffer.from(JSON.stringify(tuple), 'utf8').toString('base64url');
}

export function decodeToken<S extends z.ZodType>(token: string, schema: S): z.infer<S> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Integers a token carries (epoch milliseconds, seq values, ordinals). */
export const tokenInteger = z.number().int().safe();
