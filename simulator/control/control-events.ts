import type { z } from 'zod';
import type { EventUserIdentity, SystemEvent } from '../state/event-detail-json';
import { guidFrom, hexFrom } from '../state/graph-ids';
import { StateError } from '../state/state-error';
import type { TenantState } from '../state/tenant-state';
import type { eventBody } from './control-schemas';

/** Turns a control request for a call, app or tab event into the event itself, filling what Teams would. */
export function systemEventFor(
  state: TenantState,
  tenantId: string,
  chatId: string,
  input: z.infer<typeof eventBody>['event'],
): SystemEvent {
  const tenant = state.findTenant(tenantId);
  const chat = tenant && state.findChat(tenant.id, chatId);
  if (!tenant || !chat)
    throw new StateError(tenant ? 'chatNotFound' : 'tenantNotFound', `chat ${chatId} not found`);
  const now = state.clock.now();
  const callId = guidFrom(chat.id, 'call', now);
  const callEventType = chat.chatType === 'meeting' ? 'meeting' : 'call';
  const members: EventUserIdentity[] = state.listMembers(tenant.id, chat.id).map((m) => ({
    id: m.userId,
    displayName: null,
    userIdentityType: state.findUser(tenant.id, m.userId, { includeDeleted: true })
      ? 'aadUser'
      : 'federatedUser',
  }));
  const organizerId = chat.json.onlineMeetingInfo?.organizer.id;
  const organizer = members.find((m) => m.id === organizerId) ?? members[0];
  const needOrganizer = (): EventUserIdentity => {
    if (!organizer) throw new StateError('invalid', `chat ${chat.id} has no members`);
    return organizer;
  };
  switch (input.kind) {
    case 'callStarted':
      return { kind: 'callStarted', callId, callEventType };
    case 'callEnded':
      return {
        kind: 'callEnded',
        callId,
        callEventType,
        durationSeconds: input.durationSeconds ?? 60,
        participants: members.slice(0, 10),
      };
    case 'callRecording':
      return {
        kind: 'callRecording',
        callId,
        displayName: 'Meeting Recording.mp4',
        url: `https://${tenant.domain.split('.')[0]}-my.sharepoint.com/personal/recordings/${hexFrom(16, callId)}.mp4`,
        durationSeconds: input.durationSeconds ?? 1800,
        organizer: needOrganizer(),
      };
    case 'callTranscript':
      return {
        kind: 'callTranscript',
        callId,
        iCalUid: `040000008200E00074C5B7101A82E008${hexFrom(48, callId).toUpperCase()}`,
        organizer: needOrganizer(),
      };
    case 'meetingPolicyUpdated':
      if (chat.chatType !== 'meeting')
        throw new StateError('invalid', `chat ${chat.id} is not a meeting chat`);
      return {
        kind: 'meetingPolicyUpdated',
        meetingChatId: chat.id,
        meetingChatEnabled: input.meetingChatEnabled,
      };
    case 'teamsAppInstalled':
    case 'teamsAppUpgraded':
    case 'teamsAppRemoved':
      return {
        kind: input.kind,
        teamsAppId: input.teamsAppId,
        teamsAppDisplayName: input.teamsAppDisplayName,
      };
    case 'tabUpdated':
      return { kind: 'tabUpdated', tabId: input.tabId ?? `tab::${guidFrom(chat.id, 'tab', now)}` };
    default: {
      const unreachable: never = input;
      throw new StateError('invalid', `unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}
