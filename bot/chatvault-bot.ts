import {
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type InvokeResponse,
} from 'botbuilder';
import type { BotServices } from './bot-services';
import type { CardActionTokens, CardVerb } from './card-action-token';
import type { AdaptiveCardJson } from './cards/card-templates';
import { intentFromCard, readCardInvoke } from './card-invoke';
import { parseCommand } from './command-text';
import type { CommandContext, Reply } from './commands/command-context';
import { invalidInput } from './commands/invalid-input';
import { mayAct, runIntent } from './commands/run-intent';
import { channelNames, targetFromActivity } from './conversation-target';
import { ACCESS, type IntentName } from './intents';
import type { LiveStatusCards } from './live-status-cards';
import { cardRefusal, identityRefusal, SAY } from './refusals';
import { turnIdentity, turnTenant, scopeOf, type TurnIdentity } from './turn-identity';
import { helpCard } from './views/help-view';
import type { SignButton } from './views/sign-button';
import { welcomeCard } from './views/welcome-view';

// Card verbs and intents are one vocabulary: a verb without a command fails the build here.
const VERBS_ARE_INTENTS: Record<CardVerb, IntentName> = {
  connect: 'connect',
  'connect.save': 'connect.save',
  status: 'status',
  'backup.start': 'backup.start',
  'backup.cancel': 'backup.cancel',
  history: 'history',
  schedule: 'schedule',
  'schedule.save': 'schedule.save',
  subscribe: 'subscribe',
  admins: 'admins',
  'admins.add': 'admins.add',
  'admins.remove': 'admins.remove',
  'export.create': 'export.create',
};

export interface ChatVaultActivityHandlerDeps {
  services: BotServices;
  tokens: CardActionTokens;
  /** Keeps status cards of a run under way current; without it they show the moment they were made. */
  live?: LiveStatusCards;
}

/** Conversations welcomed lately: Teams announces an install both as installationUpdate and as conversationUpdate. */
const WELCOME_MEMORY_MS = 10 * 60_000;

/**
 * ChatVault in Teams: typed commands, card buttons (Universal Actions), and the welcome card on
 * install. The tenant and the person always come from the activity; access is decided once, in
 * `runIntent`; a button is trusted only through its signed token.
 */
export class ChatVaultActivityHandler extends TeamsActivityHandler {
  private readonly welcomed = new Map<string, number>();

  constructor(private readonly deps: ChatVaultActivityHandlerDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      if ((context.activity.membersAdded ?? []).some((m) => m.id === botId)) await this.welcome(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.welcome(context);
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'adaptiveCard/action') return this.handleCardAction(context);
    return super.onInvokeActivity(context);
  }

  private async handleMessage(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    const identity = turnIdentity(activity);
    if (!identity.ok) {
      await turn.sendActivity(identityRefusal(identity.reason));
      return;
    }
    const command = parseCommand(TurnContext.removeRecipientMention(activity) ?? activity.text);
    if (command.name === 'unknown') {
      // Never repeat what was typed: it may be a secret pasted in the wrong place.
      await turn.sendActivity(SAY.unknown);
      return;
    }
    let reply: Reply;
    try {
      reply = await runIntent(await this.commandContext(turn, identity), command);
    } catch (error) {
      this.logFailure(identity, command.name, error);
      reply = { kind: 'text', text: SAY.failed };
    }
    if (reply.kind === 'text') {
      await turn.sendActivity(reply.text);
      return;
    }
    const sent = await turn.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(reply.card)));
    if (reply.followsRun && sent?.id)
      this.deps.live?.follow(
        identity.tenant.tenantId,
        TurnContext.getConversationReference(activity),
        sent.id,
      );
  }

  private async handleCardAction(turn: TurnContext): Promise<InvokeResponse> {
    const { activity } = turn;
    const invoke = readCardInvoke(activity.value);
    if (!invoke.ok) return answer({ kind: 'text', text: SAY.invalidCard });
    const identity = turnIdentity(activity);
    if (!identity.ok) return answer({ kind: 'text', text: identityRefusal(identity.reason) });
    const tenantId = identity.tenant.tenantId;

    const check = await this.deps.tokens.verify(
      tenantId,
      activity.conversation.id,
      invoke.verb,
      invoke.data.t,
    );
    if (!check.ok) {
      this.deps.services.logger.warn({ tenantId, reason: check.reason }, 'card action refused');
      return answer({ kind: 'text', text: cardRefusal(check.reason) });
    }
    const verb = check.action.verb;
    let reply: Reply;
    try {
      const ctx = await this.commandContext(turn, identity);
      const access = ACCESS[VERBS_ARE_INTENTS[verb]];
      if (!mayAct(access, ctx))
        return answer({ kind: 'text', text: access === 'setup' ? SAY.setupTaken : SAY.notAdmin });
      if (!this.deps.tokens.spend(check.action)) return answer({ kind: 'text', text: cardRefusal('used') });
      const fromCard = intentFromCard(check.action, invoke.data);
      reply = fromCard.ok ? await runIntent(ctx, fromCard.intent) : await invalidInput(ctx, fromCard.verb);
    } catch (error) {
      this.logFailure(identity, verb, error);
      reply = { kind: 'text', text: SAY.failed };
    }
    // In Teams the invoke's replyToId is the message holding the pressed card: the card replaced.
    if (reply.kind === 'card' && reply.followsRun && activity.replyToId)
      this.deps.live?.follow(tenantId, TurnContext.getConversationReference(activity), activity.replyToId);
    return answer(reply);
  }

  private async welcome(turn: TurnContext): Promise<void> {
    const { activity } = turn;
    if (!this.firstWelcome(activity.conversation?.id ?? '')) return;
    const tenant = turnTenant(activity);
    if (scopeOf(activity) !== 'personal') {
      await turn.sendActivity(
        "Hello, I'm ChatVault: I back up your organization's private Teams chats. A ChatVault admin can type @ChatVault subscribe here to get status cards and alerts in this channel.",
      );
      return;
    }
    if (!tenant) {
      await turn.sendActivity(identityRefusal('no_tenant'));
      return;
    }
    const tenantId = tenant.tenantId;
    const sign: SignButton = (verb, args) =>
      this.deps.tokens.sign(tenantId, activity.conversation.id, verb, args);
    // The setup guide is for whoever may set ChatVault up: its admins, or anyone while it has none.
    const identity = turnIdentity(activity);
    const admins = this.deps.services.admins;
    const mayConnect =
      !(await admins.tenantHasAdmins(tenantId)) ||
      (identity.ok && (await admins.isAdmin(tenantId, identity.person.userId)));
    const card = mayConnect
      ? await welcomeCard(tenantId, sign)
      : await helpCard({ isAdmin: false, tenantHasAdmins: true, scope: 'personal' }, sign);
    await turn.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  }

  private firstWelcome(conversationId: string): boolean {
    const now = this.deps.services.clock.now().getTime();
    for (const [id, at] of this.welcomed) if (now - at > WELCOME_MEMORY_MS) this.welcomed.delete(id);
    if (this.welcomed.has(conversationId)) return false;
    this.welcomed.set(conversationId, now);
    return true;
  }

  private async commandContext(
    turn: TurnContext,
    identity: Extract<TurnIdentity, { ok: true }>,
  ): Promise<CommandContext> {
    const { services, tokens } = this.deps;
    const tenantId = identity.tenant.tenantId;
    const [isAdmin, tenantHasAdmins] = await Promise.all([
      services.admins.isAdmin(tenantId, identity.person.userId),
      services.admins.tenantHasAdmins(tenantId),
    ]);
    const conversationId = turn.activity.conversation.id;
    return {
      services,
      tenant: identity.tenant,
      person: identity.person,
      actor: identity.actor,
      scope: identity.scope,
      isAdmin,
      tenantHasAdmins,
      sign: (verb, args) => tokens.sign(tenantId, conversationId, verb, args),
      target: async () => targetFromActivity(turn.activity, tenantId, await channelNames(turn)),
    };
  }

  /** The error's class and code only: a message may quote a request, and requests carry secrets. */
  private logFailure(identity: Extract<TurnIdentity, { ok: true }>, command: string, error: unknown): void {
    const e = error as { name?: unknown; code?: unknown; reason?: unknown };
    this.deps.services.logger.error(
      {
        tenantId: identity.tenant.tenantId,
        command,
        error: { name: e?.name, code: e?.code, reason: e?.reason },
      },
      'bot command failed',
    );
  }
}

/**
 * The invoke response of a press: a card replaces the pressed card (Universal Actions); text is
 * shown to the person who pressed, and the card stays as it was.
 */
function answer(reply: Reply): InvokeResponse<CardActionAnswer> {
  const body: CardActionAnswer =
    reply.kind === 'card'
      ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: reply.card }
      : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: reply.text };
  return { status: 200, body };
}

/** The Universal Actions response body (the SDK's own type allows no text value). */
export type CardActionAnswer =
  | { statusCode: 200; type: 'application/vnd.microsoft.card.adaptive'; value: AdaptiveCardJson }
  | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string };
