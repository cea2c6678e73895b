import type { StoredMessageVersion } from './backup-records';
import { BackupStoreError } from './backup-store-error';
import { compareHeadVersions, headVersionOf } from './message-heads';
import type { MessageHistory } from './recovery-records';

/** Helpers the recovery adapters share, so that both order, filter and page alike. */

/** The versions in the head's order (oldest state first), as `mergeHead` orders them. */
function inHeadOrder(versions: StoredMessageVersion[]): StoredMessageVersion[] {
  const keyed = versions.map((v) => ({ v, h: headVersionOf(v) }));
  keyed.sort((a, b) => compareHeadVersions(a.h, b.h));
  return keyed.map((k) => k.v);
}

/** Groups versions (any order) into histories by message, each in head order, messages by id. */
function groupHistories(
  tenantId: string,
  chatId: string,
  versions: StoredMessageVersion[],
): MessageHistory[] {
  const byMessage = new Map<string, StoredMessageVersion[]>();
  for (const version of versions) {
    const list = byMessage.get(version.messageId);
    if (list) list.push(version);
    else byMessage.set(version.messageId, [version]);
  }
  return [...byMessage.keys()]
    .sort(compareIds)
    .map((messageId) => ({ tenantId, chatId, messageId, versions: inHeadOrder(byMessage.get(messageId)!) }));
}

/** A page of versions as histories in the page's direction: by message id, descending unless `ascending`. */
export function pageOfHistories(
  tenantId: string,
  chatId: string,
  versions: StoredMessageVersion[],
  ascending: boolean,
): MessageHistory[] {
  const histories = groupHistories(tenantId, chatId, versions);
  return ascending ? histories : histories.reverse();
}

/** One message's history from its versions, keeping those the bounds allow; none left, none returned. */
export function historyWithin(
  tenantId: string,
  chatId: string,
  versions: StoredMessageVersion[],
  bounds: { at?: string },
): MessageHistory | undefined {
  return groupHistories(
    tenantId,
    chatId,
    versions.filter((v) => withinBounds(v, bounds)),
  )[0];
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A message's creation time in epoch ms. Graph's timestamps come with and without fractions (and
 * Microsoft's own examples hold malformed ones); a Teams message id is its creation time in ms,
 * the fallback when the timestamp does not parse.
 */
export function createdMillis(createdDateTime: string, messageId: string): number {
  const parsed = Date.parse(createdDateTime);
  if (!Number.isNaN(parsed)) return parsed;
  return /^\d{13}$/.test(messageId) ? Number(messageId) : 0;
}

/** A moment given by a caller, as the ISO form the store writes (`capturedAt`); refused when it does not parse. */
export function storeTime(value: string, what: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new BackupStoreError('invalid_argument', `${what} is not a date and time: "${value}".`);
  return new Date(ms).toISOString();
}

/** Keeps the versions the `at`, `createdFrom` and `createdBefore` bounds allow. */
export function withinBounds(
  version: StoredMessageVersion,
  bounds: { at?: string; createdFromMs?: number; createdBeforeMs?: number },
): boolean {
  if (bounds.at !== undefined && version.capturedAt > bounds.at) return false;
  if (bounds.createdFromMs === undefined && bounds.createdBeforeMs === undefined) return true;
  const created = createdMillis(version.createdDateTime, version.messageId);
  if (bounds.createdFromMs !== undefined && created < bounds.createdFromMs) return false;
  if (bounds.createdBeforeMs !== undefined && created >= bounds.createdBeforeMs) return false;
  return true;
}

/** The numeric bounds of a query's creation range. */
export function createdBounds(query: { createdFrom?: string; createdBefore?: string }): {
  createdFromMs?: number;
  createdBeforeMs?: number;
} {
  return {
    ...(query.createdFrom === undefined
      ? {}
      : { createdFromMs: Date.parse(storeTime(query.createdFrom, 'createdFrom')) }),
    ...(query.createdBefore === undefined
      ? {}
      : { createdBeforeMs: Date.parse(storeTime(query.createdBefore, 'createdBefore')) }),
  };
}
