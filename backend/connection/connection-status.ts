import type { ConnectionRecord, ConnectionStatusName } from '../store/connection-records';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A saved secret within this many days of its expiry is shown as Expiring. */
export const EXPIRING_WITHIN_DAYS = 30;

/**
 * The status rules (docs/connection.md):
 * - Inactive: no saved connection.
 * - Failing: the last verdict on the saved credentials was a failure (transient trouble such as
 *   an unreachable or throttling Microsoft does not make a connection Failing).
 * - Expiring: working, and the secret expires within 30 days (or has passed its recorded expiry).
 * - Active: working.
 */
export function deriveStatus(record: ConnectionRecord | undefined, now: Date): ConnectionStatusName {
  return record ? savedStatus(record, now) : 'inactive';
}

/** The status of a saved connection (never Inactive). */
export function savedStatus(record: ConnectionRecord, now: Date): ConnectionRecord['status'] {
  if (record.failing) return 'failing';
  return daysUntil(record.expiresAt, now) <= EXPIRING_WITHIN_DAYS ? 'expiring' : 'active';
}

/** Whole days left, rounded up (0 on the day of expiry, negative after it). */
export function daysUntil(iso: string, now: Date): number {
  return Math.ceil((Date.parse(iso) - now.getTime()) / DAY_MS);
}

/** The default lifetime of a saved secret: 24 months, as the guide's step 6 sets it. */
export function defaultExpiry(savedAt: Date): Date {
  const expiry = new Date(savedAt.getTime());
  expiry.setUTCMonth(expiry.getUTCMonth() + 24);
  return expiry;
}
