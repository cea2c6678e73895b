import type { HeadVersion, MessageHead, MessageVersion, PutVersionsResult } from './backup-records';

/**
 * How versions are named and how a message's head follows from its versions. Shared by every
 * adapter, so that all of them name, order and count alike.
 */

/**
 * The key of a version within its message: Graph's `etag` (it changes with every edit, reaction and
 * deletion), or `lastModifiedDateTime` when a message comes without one. `createdDateTime` is the
 * last resort of a message carrying neither, which can then have only one version.
 */
export function messageVersionKey(
  version: Pick<MessageVersion, 'etag' | 'lastModifiedDateTime' | 'createdDateTime'>,
): string {
  if (version.etag) return version.etag;
  if (version.lastModifiedDateTime) return `lm:${version.lastModifiedDateTime}`;
  return `cr:${version.createdDateTime}`;
}

/** A version's identity within the tenant: the same message state always gets the same id. */
export function messageVersionId(
  version: Pick<MessageVersion, 'chatId' | 'messageId' | 'etag' | 'lastModifiedDateTime' | 'createdDateTime'>,
): string {
  return `${version.chatId}|${version.messageId}|${messageVersionKey(version)}`;
}

export type FetchedMessageClass = 'new' | 'changed' | 'deleted' | 'unchanged';

/**
 * What a fetched message is to the backup, given its head (from `getMessageHeads`): never seen,
 * a state already stored, newly deleted, or changed otherwise (edited, reacted to, undeleted).
 */
export function classifyFetchedMessage(
  head: MessageHead | undefined,
  fetched: Pick<MessageVersion, 'etag' | 'lastModifiedDateTime' | 'createdDateTime' | 'deletedDateTime'>,
): FetchedMessageClass {
  if (!head) return 'new';
  const key = messageVersionKey(fetched);
  if (head.versions.some((v) => v.versionKey === key)) return 'unchanged';
  if (fetched.deletedDateTime && !head.deleted) return 'deleted';
  return 'changed';
}

/**
 * Version order within a message: by `lastModifiedDateTime` (Graph's own order of states), then by
 * when it was captured, then by key, so that every adapter and every replay agrees on the latest.
 */
export function compareHeadVersions(a: HeadVersion, b: HeadVersion): number {
  return (
    compareTimes(a.lastModifiedDateTime ?? a.capturedAt, b.lastModifiedDateTime ?? b.capturedAt) ||
    compareStrings(a.capturedAt, b.capturedAt) ||
    compareStrings(a.versionKey, b.versionKey)
  );
}

/**
 * Orders two Graph timestamps by the instant they name (Graph writes them with and without
 * fractions of a second), or as text when either does not parse: Microsoft's own examples hold
 * malformed ones like `2021-03-1706:47:05.123Z`, and a sort must stay total regardless.
 */
export function compareTimes(a: string, b: string): number {
  const am = Date.parse(a);
  const bm = Date.parse(b);
  if (Number.isNaN(am) || Number.isNaN(bm)) return compareStrings(a, b);
  return am - bm;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function headVersionOf(version: MessageVersion): HeadVersion {
  return {
    versionKey: messageVersionKey(version),
    lastModifiedDateTime: version.lastModifiedDateTime,
    capturedAt: version.capturedAt,
    deleted: version.deletedDateTime !== null,
  };
}

export interface HeadMerge {
  head: MessageHead;
  /** The versions of the input the previous head did not know, once each: the ones to store. */
  added: MessageVersion[];
  /** Input versions the previous head already knew (or repeated within the input). */
  known: number;
}

/**
 * The head after adding `versions` (all of one message) to `previous`. A pure merge: the result
 * depends only on the set of versions, whatever their order and however often one is repeated,
 * which is what lets an interrupted batch simply be written again.
 */
export function mergeHead(
  tenantId: string,
  previous: MessageHead | undefined,
  versions: MessageVersion[],
): HeadMerge {
  const entries = new Map<string, HeadVersion>((previous?.versions ?? []).map((v) => [v.versionKey, v]));
  const added: MessageVersion[] = [];
  let known = 0;
  for (const version of versions) {
    const entry = headVersionOf(version);
    if (entries.has(entry.versionKey)) {
      known++;
      continue;
    }
    entries.set(entry.versionKey, entry);
    added.push(version);
  }
  const ordered = [...entries.values()].sort(compareHeadVersions);
  const latest = ordered[ordered.length - 1]!;
  const latestAdded = added.find((v) => messageVersionKey(v) === latest.versionKey);
  const source = latestAdded ?? previous!;
  const first = previous ?? added[0]!;

  let firstSeenDeletedAt: string | null = null;
  for (let i = ordered.length - 1; i >= 0 && ordered[i]!.deleted; i--) {
    const capturedAt = ordered[i]!.capturedAt;
    if (firstSeenDeletedAt === null || capturedAt < firstSeenDeletedAt) firstSeenDeletedAt = capturedAt;
  }

  const head: MessageHead = {
    tenantId,
    chatId: first.chatId,
    messageId: first.messageId,
    createdDateTime: first.createdDateTime,
    fromUserId: source.fromUserId,
    latestVersionKey: latest.versionKey,
    etag: source.etag,
    lastModifiedDateTime: source.lastModifiedDateTime,
    deleted: latest.deleted,
    deletedDateTime: source.deletedDateTime,
    firstSeenDeletedAt,
    versionCount: ordered.length,
    versions: ordered,
  };
  return { head, added, known };
}

/** Adds one message's merge to a batch's counts. */
export function countMerge(
  total: PutVersionsResult,
  previous: MessageHead | undefined,
  merge: HeadMerge,
): void {
  total.unchanged += merge.known;
  total.newVersions += merge.added.length;
  if (!previous && merge.added.length > 0) total.newMessages++;
  if (merge.head.deleted && !previous?.deleted) total.deletionsSeen++;
}

export function emptyPutResult(): PutVersionsResult {
  return { newMessages: 0, newVersions: 0, deletionsSeen: 0, unchanged: 0 };
}

/** Groups a batch by chat, then by message, keeping input order within each. */
export function groupVersions(versions: MessageVersion[]): Map<string, Map<string, MessageVersion[]>> {
  const chats = new Map<string, Map<string, MessageVersion[]>>();
  for (const version of versions) {
    let messages = chats.get(version.chatId);
    if (!messages) chats.set(version.chatId, (messages = new Map()));
    const list = messages.get(version.messageId);
    if (list) list.push(version);
    else messages.set(version.messageId, [version]);
  }
  return chats;
}
