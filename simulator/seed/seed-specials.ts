import { SYSTEM_EVENT_KINDS, type SystemEventKind } from '../state/event-detail-json';
import type { ChatRole } from './seed-chats';

/**
 * Messages every seeded tenant holds at least once (when its sizes allow), because a backup
 * must carry each of them through intact: the shapes Graph documents for chat messages. They
 * are spread evenly over the history, in this order (installing the bot precedes its cards,
 * pinning precedes unpinning, one image is posted before it is reused).
 */

export type SpecialMessageKind =
  | 'text'
  | 'mention'
  | 'emoji'
  | 'arabic'
  | 'hebrew'
  | 'long'
  | 'inlineImage'
  | 'inlineImageReused'
  | 'twoImages'
  | 'fileReference'
  | 'adaptiveCard'
  | 'thumbnailCard'
  | 'federatedSender'
  | 'guestSender'
  | 'fromNull'
  | 'disabledSender'
  | 'important'
  | 'reactions'
  | 'reactionRemoved'
  | 'edited'
  | 'deleted';

export type SpecialKind = SpecialMessageKind | { event: SystemEventKind };

export interface Special {
  kind: SpecialKind;
  role: ChatRole;
}

/** The two chat event kinds the seed does not plant. */
const UNSEEDED_EVENT_KINDS: ReadonlySet<SystemEventKind> = new Set(['teamsAppRemoved', 'memberRoleUpdated']);

/** The system events the seed plants in chats (team and channel events never occur in chats). */
export const SEEDED_EVENT_KINDS: readonly SystemEventKind[] = SYSTEM_EVENT_KINDS.filter(
  (kind) => !UNSEEDED_EVENT_KINDS.has(kind),
);

export const SPECIALS: readonly Special[] = [
  { kind: 'text', role: 'pair' },
  { kind: { event: 'teamsAppInstalled' }, role: 'bots' },
  { kind: 'mention', role: 'team' },
  { kind: 'emoji', role: 'pair' },
  { kind: 'arabic', role: 'team' },
  { kind: 'hebrew', role: 'pair' },
  { kind: 'inlineImage', role: 'pair' },
  { kind: { event: 'callStarted' }, role: 'meeting' },
  { kind: 'adaptiveCard', role: 'bots' },
  { kind: 'federatedSender', role: 'federated' },
  { kind: { event: 'membersAdded' }, role: 'bots' },
  { kind: 'reactions', role: 'team' },
  { kind: 'edited', role: 'pair' },
  { kind: { event: 'callEnded' }, role: 'meeting' },
  { kind: 'fileReference', role: 'pair' },
  { kind: 'guestSender', role: 'meeting' },
  { kind: 'long', role: 'pair' },
  { kind: { event: 'membersJoined' }, role: 'meeting' },
  { kind: 'inlineImageReused', role: 'team' },
  { kind: 'deleted', role: 'team' },
  { kind: { event: 'chatRenamed' }, role: 'bots' },
  { kind: 'thumbnailCard', role: 'bots' },
  { kind: 'fromNull', role: 'team' },
  { kind: 'twoImages', role: 'meeting' },
  { kind: { event: 'messagePinned' }, role: 'team' },
  { kind: 'reactionRemoved', role: 'team' },
  { kind: { event: 'callRecording' }, role: 'meeting' },
  { kind: { event: 'callTranscript' }, role: 'meeting' },
  { kind: 'disabledSender', role: 'team' },
  { kind: { event: 'membersDeleted' }, role: 'bots' },
  { kind: 'important', role: 'pair' },
  { kind: { event: 'meetingPolicyUpdated' }, role: 'meeting' },
  { kind: { event: 'tabUpdated' }, role: 'bots' },
  { kind: { event: 'teamsAppUpgraded' }, role: 'bots' },
  { kind: { event: 'membersLeft' }, role: 'bots' },
  { kind: { event: 'messageUnpinned' }, role: 'team' },
  // Leaves one message pinned, so that every tenant has a pinned message to list.
  { kind: { event: 'messagePinned' }, role: 'pair' },
];

export function specialName(kind: SpecialKind): string {
  return typeof kind === 'string' ? kind : `event:${kind.event}`;
}
