import { randomBytes } from 'node:crypto';

/** The few changes recovery makes to records the backup wrote, shared by every adapter. */

/** The chat record without the user in its Graph listing's `members`; undefined when they were not there. */
export function withoutListedMember<T extends object>(chat: T, userId: string): T | undefined {
  const raw = (chat as { raw?: Record<string, unknown> }).raw;
  const members = raw?.['members'];
  if (!Array.isArray(members)) return undefined;
  const kept = members.filter((m: { userId?: unknown } | null) => m?.userId !== userId);
  if (kept.length === members.length) return undefined;
  return { ...chat, raw: { ...raw, members: kept } };
}

/** Who sent a pinned message, from the expanded message of its `pinnedChatMessageInfo`. */
export function pinnedSender(raw: Record<string, unknown>): string | undefined {
  const message = raw['message'] as { from?: { user?: { id?: unknown } | null } | null } | undefined;
  const id = message?.from?.user?.id;
  return typeof id === 'string' ? id : undefined;
}

let sweepSequence = 0;

/** `sweep:<epoch ms>:<sequence>:<random>`: unique, and in creation order within a process. */
export function newSweepId(createdAt: string): string {
  sweepSequence = (sweepSequence + 1) % 1_000_000;
  return `sweep:${Date.parse(createdAt)}:${String(sweepSequence).padStart(6, '0')}:${randomBytes(4).toString('hex')}`;
}
