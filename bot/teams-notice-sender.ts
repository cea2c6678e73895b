import { CardFactory, MessageFactory } from 'botbuilder';
import type { Notice } from '../backend/notifications/notice';
import { NoticeSendError, type NoticeSender } from '../backend/notifications/notice-sender';
import type { NotificationTarget } from '../backend/notifications/notification-targets';
import type { Logger } from '../backend/observability/logger';
import type { CardActionTokens } from './card-action-token';
import { referenceOf } from './conversation-target';
import { classifySendError, sendProactively, type ProactiveAdapter } from './proactive';
import { noticeCard } from './views/notice-views';

export interface TeamsNoticeSenderDeps {
  adapter: ProactiveAdapter;
  /** The bot's Microsoft App ID; '' in local mode. */
  botAppId: string;
  tokens: CardActionTokens;
  logger: Logger;
}

/**
 * Sends a notice card into a stored conversation (`continueConversationAsync` on the conversation
 * reference the bot saved when an admin subscribed). The card's buttons are signed for that
 * tenant and conversation, like any card the bot sends.
 */
export class TeamsNoticeSender implements NoticeSender {
  constructor(private readonly deps: TeamsNoticeSenderDeps) {}

  async send(target: NotificationTarget, notice: Notice): Promise<'sent' | 'gone'> {
    if (target.tenantId !== notice.tenantId) {
      // A wiring mistake, never retried into success: refuse loudly rather than cross tenants.
      throw new Error(
        `A notice of one tenant was addressed to another tenant's target (${target.targetId}).`,
      );
    }
    const reference = referenceOf(target);
    if (!reference) {
      this.deps.logger.warn(
        { tenantId: target.tenantId, targetId: target.targetId },
        'notification target unusable',
      );
      return 'gone';
    }
    const conversationId = reference.conversation!.id;
    const card = await noticeCard(notice, (verb, args) =>
      this.deps.tokens.sign(target.tenantId, conversationId, verb, args),
    );
    const error = await sendProactively(this.deps.adapter, this.deps.botAppId, reference, (context) =>
      context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card))),
    );
    if (error === undefined) return 'sent';
    const failure = classifySendError(error);
    const log = { tenantId: target.tenantId, targetId: target.targetId, kind: notice.kind, failure };
    switch (failure.kind) {
      case 'gone':
        this.deps.logger.info(log, 'notification target gone');
        return 'gone';
      case 'throttled':
        this.deps.logger.warn(log, 'notice throttled');
        throw new NoticeSendError('Teams asked ChatVault to slow down (429).', failure.retryAfterMs);
      case 'other':
        this.deps.logger.warn(log, 'notice not sent');
        throw new NoticeSendError(
          failure.status === undefined
            ? 'The notice could not be sent (no answer from the Bot Connector).'
            : `The notice could not be sent (the Bot Connector answered ${failure.status}).`,
        );
      default: {
        const unreachable: never = failure;
        throw new NoticeSendError(`unexpected failure ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
