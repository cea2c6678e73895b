import type { Notice } from './notice';
import type { NotificationTarget } from './notification-targets';

/**
 * Delivers one notice to one target. Implemented in bot/ (renders the card, sends it proactively).
 * Resolves `gone` when the target no longer exists for the bot (bot removed from the team, channel
 * or chat deleted): the notifier then drops it. Throws `NoticeSendError` for anything transient.
 */
export interface NoticeSender {
  send(target: NotificationTarget, notice: Notice): Promise<'sent' | 'gone'>;
}

export class NoticeSendError extends Error {
  constructor(
    message: string,
    /** From a 429's Retry-After, when the channel gave one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'NoticeSendError';
  }
}
