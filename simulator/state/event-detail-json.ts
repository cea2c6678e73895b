import { isoDuration, isoTime, type UserIdentityType } from './message-json';

/**
 * `eventDetail` of system event messages, shaped as the examples of Graph's "system messages"
 * concept page show them (graph-examples system-messages.*): identities there carry no
 * `@odata.type` and usually a null `displayName`.
 */

export interface EventUserIdentity {
  id: string;
  displayName: string | null;
  userIdentityType: UserIdentityType;
}

export interface EventIdentitySet {
  application: null;
  device: null;
  user: EventUserIdentity;
}

export type EventDetailJson = { '@odata.type': string } & Record<string, unknown>;

/** The chat events the simulator writes. Team and channel events never occur in chats. */
export type SystemEvent =
  | { kind: 'membersAdded'; members: EventUserIdentity[]; visibleHistoryStartMs: number | null }
  | { kind: 'membersDeleted'; members: EventUserIdentity[] }
  | { kind: 'membersJoined'; members: EventUserIdentity[] }
  | { kind: 'membersLeft'; members: EventUserIdentity[] }
  | { kind: 'chatRenamed'; chatId: string; chatDisplayName: string }
  | { kind: 'callStarted'; callId: string; callEventType: 'call' | 'meeting' }
  | {
      kind: 'callEnded';
      callId: string;
      callEventType: 'call' | 'meeting';
      durationSeconds: number;
      participants: EventUserIdentity[];
    }
  | {
      kind: 'callRecording';
      callId: string;
      displayName: string;
      url: string;
      durationSeconds: number;
      organizer: EventUserIdentity;
    }
  | { kind: 'callTranscript'; callId: string; iCalUid: string; organizer: EventUserIdentity }
  | { kind: 'messagePinned'; eventMs: number }
  | { kind: 'messageUnpinned'; eventMs: number }
  | { kind: 'meetingPolicyUpdated'; meetingChatId: string; meetingChatEnabled: boolean }
  | {
      kind: 'teamsAppInstalled' | 'teamsAppUpgraded' | 'teamsAppRemoved';
      teamsAppId: string;
      teamsAppDisplayName: string;
    }
  | { kind: 'tabUpdated'; tabId: string }
  | { kind: 'memberRoleUpdated'; roles: string[]; member: EventUserIdentity };

export type SystemEventKind = SystemEvent['kind'];

export const SYSTEM_EVENT_KINDS: readonly SystemEventKind[] = [
  'membersAdded',
  'membersDeleted',
  'membersJoined',
  'membersLeft',
  'chatRenamed',
  'callStarted',
  'callEnded',
  'callRecording',
  'callTranscript',
  'messagePinned',
  'messageUnpinned',
  'meetingPolicyUpdated',
  'teamsAppInstalled',
  'teamsAppUpgraded',
  'teamsAppRemoved',
  'tabUpdated',
  'memberRoleUpdated',
];

/** Graph writes "the history is shared from the start" as the smallest DateTimeOffset. */
export const FULL_HISTORY = '0001-01-01T00:00:00Z';

export function eventIdentity(user: EventUserIdentity): EventIdentitySet {
  return { application: null, device: null, user };
}

/** `initiator` is who caused the event (transcript events name the meeting organizer instead). */
export function eventDetailJson(event: SystemEvent, initiator: EventUserIdentity): EventDetailJson {
  const by = eventIdentity(initiator);
  switch (event.kind) {
    case 'membersAdded':
      return {
        '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail',
        visibleHistoryStartDateTime:
          event.visibleHistoryStartMs === null ? FULL_HISTORY : isoTime(event.visibleHistoryStartMs),
        members: event.members,
        initiator: by,
      };
    case 'membersDeleted':
      return {
        '@odata.type': '#microsoft.graph.membersDeletedEventMessageDetail',
        members: event.members,
        initiator: by,
      };
    case 'membersJoined':
      return {
        '@odata.type': '#microsoft.graph.membersJoinedEventMessageDetail',
        members: event.members,
        initiator: by,
      };
    case 'membersLeft':
      return {
        '@odata.type': '#microsoft.graph.membersLeftEventMessageDetail',
        members: event.members,
        initiator: by,
      };
    case 'chatRenamed':
      return {
        '@odata.type': '#microsoft.graph.chatRenamedEventMessageDetail',
        chatId: event.chatId,
        chatDisplayName: event.chatDisplayName,
        initiator: by,
      };
    case 'callStarted':
      return {
        '@odata.type': '#microsoft.graph.callStartedEventMessageDetail',
        callId: event.callId,
        callEventType: event.callEventType,
        initiator: by,
      };
    case 'callEnded':
      return {
        '@odata.type': '#microsoft.graph.callEndedEventMessageDetail',
        callId: event.callId,
        callDuration: isoDuration(event.durationSeconds),
        callEventType: event.callEventType,
        callParticipants: event.participants.map((p) => ({ participant: eventIdentity(p) })),
        initiator: by,
      };
    case 'callRecording':
      return {
        '@odata.type': '#microsoft.graph.callRecordingEventMessageDetail',
        callId: event.callId,
        callRecordingDisplayName: event.displayName,
        callRecordingUrl: event.url,
        callRecordingDuration: isoDuration(event.durationSeconds),
        callRecordingStatus: 'success',
        meetingOrganizer: eventIdentity(event.organizer),
        initiator: by,
      };
    case 'callTranscript':
      // Graph's example of this event has no initiator: the transcript is the meeting's.
      return {
        '@odata.type': '#microsoft.graph.callTranscriptEventMessageDetail',
        callId: event.callId,
        callTranscriptICalUid: event.iCalUid,
        meetingOrganizer: eventIdentity(event.organizer),
      };
    case 'messagePinned':
      return {
        '@odata.type': '#microsoft.graph.messagePinnedEventMessageDetail',
        eventDateTime: isoTime(event.eventMs),
        initiator: by,
      };
    case 'messageUnpinned':
      return {
        '@odata.type': '#microsoft.graph.messageUnpinnedEventMessageDetail',
        eventDateTime: isoTime(event.eventMs),
        initiator: by,
      };
    case 'meetingPolicyUpdated':
      return {
        '@odata.type': '#microsoft.graph.meetingPolicyUpdatedEventMessageDetail',
        meetingChatId: event.meetingChatId,
        meetingChatEnabled: event.meetingChatEnabled,
        initiator: by,
      };
    case 'teamsAppInstalled':
    case 'teamsAppUpgraded':
    case 'teamsAppRemoved':
      return {
        '@odata.type': `#microsoft.graph.${event.kind}EventMessageDetail`,
        teamsAppId: event.teamsAppId,
        teamsAppDisplayName: event.teamsAppDisplayName,
        initiator: by,
      };
    case 'tabUpdated':
      return {
        '@odata.type': '#microsoft.graph.tabUpdatedEventMessageDetail',
        tabId: event.tabId,
        initiator: by,
      };
    case 'memberRoleUpdated':
      return {
        '@odata.type': '#microsoft.graph.conversationMemberRoleUpdatedEventMessageDetail',
        conversationMemberRoles: event.roles,
        conversationMemberUser: event.member,
        initiator: by,
      };
    default: {
      const unreachable: never = event;
      throw new Error(`unknown system event ${JSON.stringify(unreachable)}`);
    }
  }
}
