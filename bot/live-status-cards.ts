import { CardFactory, type ConversationReference } from 'botbuilder';
import type { BackupEvent } from '../backend/backup/run/progress-events';
import type { BotServices } from './bot-services';
import { conversationKey, type CardActionTokens } from './card-action-token';
import { renderStatus } from './commands/status';
import { classifySendError, sendProactively, type ProactiveAdapter } from './proactive';

export interface LiveStatusCardsDeps {
  adapter: ProactiveAdapter;
  botAppId: string;
  services: BotServices;
  tokens: CardActionTokens;
  /** At most one update of a card this often (default 5 s): Teams limits how often a bot edits. */
  minIntervalMs?: number;
  /** Status cards followed per tenant at most; the oldest is let go first. */
  maxCardsPerTenant?: number;
}

interface FollowedCard {
  key: string;
  tenantId: string;
  reference: Partial<ConversationReference>;
  activityId: string;
  lastUpdateMs: number;
  cancelTimer?: () => void;
  updating?: Promise<void>;
  /** Something changed while an update was being sent: send another after it. */
  dirty: boolean;
}

/**
 * Keeps status cards of a run under way current: on the backup's progress events each followed
 * card is edited in place (`updateActivity`), at most once per interval, and once more when the
 * run ends, after which it is let go. Only runs this process takes part in send events here.
 */
export class LiveStatusCards {
  private readonly cards = new Map<string, FollowedCard>();
  private readonly minIntervalMs: number;
  private readonly maxCardsPerTenant: number;
  private unsubscribe?: () => void;

  constructor(private readonly deps: LiveStatusCardsDeps) {
    this.minIntervalMs = deps.minIntervalMs ?? 5000;
    this.maxCardsPerTenant = deps.maxCardsPerTenant ?? 20;
  }

  start(): void {
    this.unsubscribe ??= this.deps.services.backup.onProgress((event) => this.onEvent(event));
  }

  /** Follows a status card the bot just sent or replaced (so it is up to date now). */
  follow(tenantId: string, reference: Partial<ConversationReference>, activityId: string): void {
    const key = `${tenantId}|${conversationKey(reference.conversation?.id ?? '')}|${activityId}`;
    const existing = this.cards.get(key);
    if (existing) {
      existing.lastUpdateMs = this.now();
      return;
    }
    const ofTenant = [...this.cards.values()].filter((c) => c.tenantId === tenantId);
    if (ofTenant.length >= this.maxCardsPerTenant) this.drop(ofTenant[0]!);
    this.cards.set(key, { key, tenantId, reference, activityId, lastUpdateMs: this.now(), dirty: false });
  }

  followedCount(tenantId?: string): number {
    return [...this.cards.values()].filter((c) => tenantId === undefined || c.tenantId === tenantId).length;
  }

  /** Resolves once the updates being sent now are done. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.cards.values()].map((c) => c.updating));
  }

  /** Stops listening and waits for the updates being sent. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const pending = [...this.cards.values()].map((c) => c.updating).filter(Boolean);
    for (const card of this.cards.values()) card.cancelTimer?.();
    this.cards.clear();
    await Promise.allSettled(pending);
  }

  private onEvent(event: BackupEvent): void {
    for (const card of this.cards.values()) if (card.tenantId === event.tenantId) this.schedule(card);
  }

  private schedule(card: FollowedCard): void {
    if (card.updating) {
      card.dirty = true;
      return;
    }
    if (card.cancelTimer) return;
    const wait = card.lastUpdateMs + this.minIntervalMs - this.now();
    if (wait <= 0) {
      this.startUpdate(card);
      return;
    }
    card.cancelTimer = this.deps.services.clock.setTimer(wait, () => {
      card.cancelTimer = undefined;
      if (this.cards.get(card.key) === card) this.startUpdate(card);
    });
  }

  private startUpdate(card: FollowedCard): void {
    card.dirty = false;
    card.lastUpdateMs = this.now();
    card.updating = this.update(card).finally(() => {
      card.updating = undefined;
      if (card.dirty && this.cards.get(card.key) === card) this.schedule(card);
    });
  }

  private async update(card: FollowedCard): Promise<void> {
    const { services, tokens, adapter, botAppId } = this.deps;
    const conversationId = card.reference.conversation?.id ?? '';
    let rendered: Awaited<ReturnType<typeof renderStatus>>;
    try {
      rendered = await renderStatus(services, card.tenantId, (verb, args) =>
        tokens.sign(card.tenantId, conversationId, verb, args),
      );
    } catch (error) {
      services.logger.warn(
        { tenantId: card.tenantId, error: { name: (error as Error)?.name } },
        'status not read',
      );
      return;
    }
    const error = await sendProactively(adapter, botAppId, card.reference, (context) =>
      context.updateActivity({
        id: card.activityId,
        type: 'message',
        attachments: [CardFactory.adaptiveCard(rendered.card)],
      }),
    );
    if (error === undefined) {
      if (!rendered.runActive) this.drop(card);
      return;
    }
    const failure = classifySendError(error);
    services.logger.warn({ tenantId: card.tenantId, failure }, 'status card not updated');
    if (failure.kind === 'gone') this.drop(card);
  }

  private drop(card: FollowedCard): void {
    card.cancelTimer?.();
    this.cards.delete(card.key);
  }

  private now(): number {
    return this.deps.services.clock.now().getTime();
  }
}
