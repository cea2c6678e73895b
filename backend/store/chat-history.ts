import { isDeepStrictEqual } from 'node:util';
import { compareTimes } from './message-heads';
import type {
  ChatInput,
  ChatMemberInput,
  ChatMemberRecord,
  ChatRecord,
  MembersChange,
} from './backup-records';

/**
 * How a chat's record and its membership history follow from what each listing saw. Shared by
 * every adapter; pure, so repeating a write gives the same result.
 */

/** The chat after a listing seen at `seenAt`; undefined when nothing would change. */
export function mergeChat(
  tenantId: string,
  existing: ChatRecord | undefined,
  input: ChatInput,
  seenAt: string,
): ChatRecord | undefined {
  if (!existing) {
    return {
      ...input,
      tenantId,
      firstSeenAt: seenAt,
      lastSeenAt: seenAt,
      topicHistory: [{ topic: input.topic, seenAt }],
    };
  }
  // The same group chat is listed once per member, by workers that may run behind one another:
  // only metadata at least as recent as the stored one may replace it.
  const newer = compareTimes(input.lastUpdatedDateTime, existing.lastUpdatedDateTime) >= 0;
  const metadata: ChatInput = newer
    ? input
    : {
        chatId: existing.chatId,
        chatType: existing.chatType,
        topic: existing.topic,
        createdDateTime: existing.createdDateTime,
        lastUpdatedDateTime: existing.lastUpdatedDateTime,
        webUrl: existing.webUrl,
        raw: existing.raw,
      };
  const lastTopic = existing.topicHistory[existing.topicHistory.length - 1];
  const topicHistory =
    newer && (!lastTopic || lastTopic.topic !== input.topic)
      ? [...existing.topicHistory, { topic: input.topic, seenAt }]
      : existing.topicHistory;
  const merged: ChatRecord = {
    ...metadata,
    tenantId,
    firstSeenAt: seenAt < existing.firstSeenAt ? seenAt : existing.firstSeenAt,
    lastSeenAt: seenAt > existing.lastSeenAt ? seenAt : existing.lastSeenAt,
    topicHistory,
  };
  return isDeepStrictEqual(merged, existing) ? undefined : merged;
}

export interface MemberSnapshotResult extends MembersChange {
  /** The member records to write (new or changed). */
  changed: ChatMemberRecord[];
}

/**
 * Applies a complete member list seen at `seenAt` to the chat's member records. A snapshot older
 * than the newest one already applied to the chat changes nothing.
 */
export function applyMemberSnapshot(
  tenantId: string,
  chatId: string,
  existing: ChatMemberRecord[],
  members: ChatMemberInput[],
  seenAt: string,
): MemberSnapshotResult {
  if (existing.some((r) => r.snapshotAt > seenAt))
    return { applied: false, joined: [], left: [], changed: [] };
  const byUser = new Map(existing.map((r) => [r.userId, r]));
  const seen = new Set<string>();
  const changed: ChatMemberRecord[] = [];
  const joined: string[] = [];
  const left: string[] = [];

  for (const member of members) {
    if (seen.has(member.userId)) continue;
    seen.add(member.userId);
    const previous = byUser.get(member.userId);
    const details: ChatMemberInput = {
      userId: member.userId,
      membershipId: member.membershipId,
      displayName: member.displayName,
      email: member.email,
      roles: member.roles,
      memberTenantId: member.memberTenantId,
      visibleHistoryStartDateTime: member.visibleHistoryStartDateTime,
    };
    let next: ChatMemberRecord;
    if (!previous) {
      next = {
        ...details,
        tenantId,
        chatId,
        present: true,
        firstSeenAt: seenAt,
        lastSeenAt: seenAt,
        periods: [{ joinedSeenAt: seenAt, leftSeenAt: null }],
        snapshotAt: seenAt,
      };
      joined.push(member.userId);
    } else if (previous.present) {
      next = { ...previous, ...details, lastSeenAt: seenAt, snapshotAt: seenAt };
    } else {
      next = {
        ...previous,
        ...details,
        present: true,
        lastSeenAt: seenAt,
        periods: [...previous.periods, { joinedSeenAt: seenAt, leftSeenAt: null }],
        snapshotAt: seenAt,
      };
      joined.push(member.userId);
    }
    if (!previous || !isDeepStrictEqual(next, previous)) changed.push(next);
  }

  for (const previous of existing) {
    if (seen.has(previous.userId) || !previous.present || previous.snapshotAt === seenAt) continue;
    const periods = previous.periods.map((p, i) =>
      i === previous.periods.length - 1 ? { ...p, leftSeenAt: seenAt } : p,
    );
    changed.push({ ...previous, present: false, periods, snapshotAt: seenAt });
    left.push(previous.userId);
  }
  return { applied: true, joined, left, changed };
}
