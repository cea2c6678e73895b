import { createHash } from 'node:crypto';
import { TurnContext, teamsGetChannelId, type Activity, type ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { SubscribeInput } from '../backend/notifications/notification-service';
import type { NotificationTarget } from '../backend/notifications/notification-targets';
import { scopeOf } from './turn-identity';

/**
 * This conversation as a place notices go. A channel is addressed by the channel's own id (not the
 * thread the command was typed in), so that each notice starts a new post in the channel.
 */
export function targetFromActivity(activity: Activity, tenantId: string): SubscribeInput {
  const kind = scopeOf(activity) === 'channel' ? 'channel' : 'personal';
  const full = TurnContext.getConversationReference(activity);
  const conversationId =
    kind === 'channel'
      ? (teamsGetChannelId(activity) ?? baseConversationId(activity.conversation.id))
      : activity.conversation.id;
  // Only what a proactive send needs: no message id, no user.
  const reference: Partial<ConversationReference> = {
    channelId: full.channelId,
    serviceUrl: full.serviceUrl,
    conversation: {
      id: conversationId,
      isGroup: kind === 'channel',
      conversationType: kind,
      tenantId,
      name: '',
    },
    ...(full.bot ? { bot: { id: full.bot.id, name: full.bot.name } } : {}),
  };
  return {
    targetId: targetIdFor(kind, conversationId),
    kind,
    label:
      kind === 'channel' ? channelLabel(activity) : `${activity.from?.name ?? 'an admin'}'s personal chat`,
    conversation: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
  };
}

/** Stable per conversation; the conversation id itself stays out of URLs and lists. */
export function targetIdFor(kind: NotificationTarget['kind'], conversationId: string): string {
  const hash = createHash('sha256')
    .update(baseConversationId(conversationId))
    .digest('base64url')
    .slice(0, 22);
  return `${kind === 'channel' ? 'channel' : 'personal'}-${hash}`;
}

function baseConversationId(id: string): string {
  return id.split(';')[0]!;
}

function channelLabel(activity: Activity): string {
  const data = (activity.channelData ?? {}) as { team?: { name?: string }; channel?: { name?: string } };
  const team = data.team?.name;
  // Teams gives no name for a team's General channel.
  const channel = data.channel?.name ?? 'General';
  return team ? `${team} > ${channel}` : `the ${channel} channel`;
}

const storedReference = z.object({
  channelId: z.string().min(1),
  serviceUrl: z.url(),
  conversation: z.looseObject({ id: z.string().min(1), tenantId: z.string().optional() }),
  bot: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
});

/** A stored target's conversation reference, checked: it came from a store, not from botbuilder. */
export function referenceOf(target: NotificationTarget): Partial<ConversationReference> | undefined {
  const parsed = storedReference.safeParse(target.conversation);
  if (!parsed.success) return undefined;
  const tenant = parsed.data.conversation.tenantId;
  if (tenant !== undefined && tenant.toLowerCase() !== target.tenantId.toLowerCase()) return undefined;
  return parsed.data as unknown as Partial<ConversationReference>;
}
