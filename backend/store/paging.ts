import { BackupStoreError } from './backup-store-error';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new BackupStoreError('invalid_argument', `A page limit must be a positive integer, not ${limit}.`);
  }
  return Math.min(limit, MAX_PAGE_LIMIT);
}

/** A keyset cursor: the sort key of the last item of a page, opaque to callers. */
export function encodeKeyCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeKeyCursor(cursor: string, length: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'string')) {
      return values as string[];
    }
  } catch {
    // Reported below like any other malformed cursor.
  }
  throw new BackupStoreError('invalid_argument', 'The page cursor is not one this listing returned.');
}

export function positiveTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new BackupStoreError(
      'invalid_argument',
      `A lease ttl must be a positive number of milliseconds, not ${ttlMs}.`,
    );
  }
  return ttlMs;
}
