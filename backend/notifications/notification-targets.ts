import type { Actor } from '../store/connection-records';

/**
 * Where a tenant's notices go: a team channel an admin subscribed (`subscribe` in the channel), or
 * the personal chat of an admin who asked. `conversation` is the bot's conversation reference,
 * stored as the bot framework gave it: opaque JSON here, so that nothing outside bot/ depends on
 * the bot SDK.
 */
export interface NotificationTarget {
  tenantId: string;
  /** Stable per conversation (the bot derives it from the conversation id). */
  targetId: string;
  kind: 'channel' | 'personal';
  /** Shown in lists: the channel's or the person's name. */
  label: string;
  conversation: Record<string, unknown>;
  addedAt: string;
  addedBy: Actor;
}

/** Persistence of notification targets. Every method touches one tenant only. */
export interface NotificationTargetStore {
  putTarget(target: NotificationTarget): Promise<void>;
  getTarget(tenantId: string, targetId: string): Promise<NotificationTarget | undefined>;
  listTargets(tenantId: string): Promise<NotificationTarget[]>;
  /** Resolves false when there was nothing to remove. */
  removeTarget(tenantId: string, targetId: string): Promise<boolean>;
  /**
   * Remembers that the notice named `noticeKey` (e.g. one expiry threshold of one secret) is due
   * for the tenant; resolves true for the first claim only, whichever process or restart makes it,
   * so a notice decided twice goes out once.
   */
  claimNotice(tenantId: string, noticeKey: string, at: string): Promise<boolean>;
}
