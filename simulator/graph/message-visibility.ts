/**
 * Which stored messages Graph still serves. A deleted message stays readable, with `deletedDateTime`
 * set, for 21 days [GRAPH-FACTS, Teams export APIs]; after that it is gone from every listing.
 * The deletion is itself a write, so `last_modified_ms` of a deleted message is when it was deleted.
 */

export const DELETED_MESSAGE_READABLE_MS = 21 * 24 * 60 * 60 * 1000;

/**
 * SQL condition on a `messages` row (of table alias `alias`, if given); bind `purgedBefore(now)`.
 * The time is tested first: for the recent rows most pages are made of, `deleted` is then never
 * read, and a walk over the modification-time index needs no look-up in the table.
 */
export function stillReadable(alias?: string): string {
  const column = alias ? `${alias}.` : '';
  return `NOT (${column}last_modified_ms < ? AND ${column}deleted = 1)`;
}

export const STILL_READABLE_SQL = stillReadable();

export function purgedBefore(now: number): number {
  return now - DELETED_MESSAGE_READABLE_MS;
}
