import { createHash } from 'node:crypto';
import {
  TeamsInfo,
  TurnContext,
  teamsGetChannelId,
  teamsGetTeamInfo,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import { z } from 'zod';
import type { SubscribeInput } from '../backend/notifications/notification-service';
import type { NotificationTarget } from '../backend/notifications/notification-targets';
import { scopeOf } from './turn-identity';

/**
 * This conversation as a place notices go. A channel is addressed by the channel's own id (not the
 * thread the command was typed in), so that each notice starts a new post in the channel.
 */
export function targetFromActivity(
  activity: Activity,
  tenantId: string,
  names: ChannelNames = {},
): SubscribeInput {
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
      kind === 'channel'
        ? channelLabel(activity, names)
        : `${activity.from?.name ?? 'an admin'}'s personal chat`,
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

/** The names of a channel and its team, where they could be found. */
export interface ChannelNames {
  team?: string;
  channel?: string;
}

/**
 * Teams sends a channel's messages with the team's and channel's ids only (names come with
 * conversationUpdate events), so they are asked of the Bot Connector: the team's details and its
 * channels. Best effort: when a look-up fails the label says less, and nothing else changes.
 */
export async function channelNames(turn: TurnContext): Promise<ChannelNames> {
  const { activity } = turn;
  if (scopeOf(activity) !== 'channel') return {};
  const names = namesInActivity(activity);
  if (names.team !== undefined && names.channel !== undefined) return names;
  const channelId = teamsGetChannelId(activity);
  const [team, channels] = await Promise.all([
    TeamsInfo.getTeamDetails(turn).catch(() => undefined),
    TeamsInfo.getTeamChannels(turn).catch(() => undefined),
  ]);
  const teamName = names.team ?? team?.name;
  const channelName = names.channel ?? channels?.find((c) => c.id === channelId)?.name;
  return {
    ...(teamName ? { team: teamName } : {}),
    ...(channelName ? { channel: channelName } : {}),
  };
}

function namesInActivity(activity: Activity): ChannelNames {
  const data = (activity.channelData ?? {}) as { team?: { name?: string }; channel?: { name?: string } };
  return {
    ...(data.team?.name ? { team: data.team.name } : {}),
    ...(data.channel?.name ? { channel: data.channel.name } : {}),
  };
}

function channelLabel(activity: Activity, found: ChannelNames): string {
  const names = { ...namesInActivity(activity), ...found };
  // A team's General channel has the team's id, and no name of its own in Teams.
  const channelId = teamsGetChannelId(activity);
  const general = channelId !== null && channelId === teamsGetTeamInfo(activity)?.id;
  const channel = names.channel ?? (general ? 'General' : undefined);
  if (!channel) return names.team ? `a channel of ${names.team}` : 'a team channel';
  return names.team ? `${names.team} > ${channel}` : `the ${channel} channel`;
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
