import type { NamedIdentity } from './people';

/**
 * What a system event message says happened, in words, from its `eventDetail` (the shapes of Graph's
 * "system messages" page: members added, removed, joined, left; renames; calls, recordings,
 * transcripts; pins; meeting policy; apps; tabs; roles). An event Graph adds later is named by its
 * type rather than dropped.
 */
export function systemEventText(
  detail: Record<string, unknown> | null | undefined,
  nameOf: (identity: NamedIdentity | null | undefined, fallback?: string) => string,
): string {
  if (!detail) return 'A system event.';
  const type = String(detail['@odata.type'] ?? '').replace(/^#microsoft\.graph\./, '');
  const who = (key: string) => nameOf(identity(detail[key]));
  const initiator = who('initiator');
  const people = (key: string) => list(arrayOf(detail[key]).map((m) => nameOf(identity(m), 'someone')));
  switch (type) {
    case 'membersAddedEventMessageDetail': {
      const history = shared(detail['visibleHistoryStartDateTime']);
      return `${initiator} added ${people('members')} to the chat${history}.`;
    }
    case 'membersDeletedEventMessageDetail':
      return `${initiator} removed ${people('members')} from the chat.`;
    case 'membersJoinedEventMessageDetail':
      return `${people('members')} joined the chat.`;
    case 'membersLeftEventMessageDetail':
      return `${people('members')} left the chat.`;
    case 'chatRenamedEventMessageDetail':
      return detail['chatDisplayName']
        ? `${initiator} renamed the chat to “${String(detail['chatDisplayName'])}”.`
        : `${initiator} removed the chat's name.`;
    case 'callStartedEventMessageDetail':
      return `${initiator} started a ${detail['callEventType'] === 'meeting' ? 'meeting' : 'call'}.`;
    case 'callEndedEventMessageDetail': {
      const kind = detail['callEventType'] === 'meeting' ? 'Meeting' : 'Call';
      const participants = arrayOf(detail['callParticipants']).length;
      const duration = durationText(detail['callDuration']);
      return `${kind} ended${duration ? ` after ${duration}` : ''}${participants ? ` (${participants} ${participants === 1 ? 'participant' : 'participants'})` : ''}.`;
    }
    case 'callRecordingEventMessageDetail': {
      const duration = durationText(detail['callRecordingDuration']);
      const name = detail['callRecordingDisplayName']
        ? ` “${String(detail['callRecordingDisplayName'])}”`
        : '';
      return `Recording${name}${duration ? ` (${duration})` : ''} is ready.`;
    }
    case 'callTranscriptEventMessageDetail':
      return `The transcript of ${who('meetingOrganizer')}'s meeting is ready.`;
    case 'messagePinnedEventMessageDetail':
      return `${initiator} pinned a message.`;
    case 'messageUnpinnedEventMessageDetail':
      return `${initiator} unpinned a message.`;
    case 'meetingPolicyUpdatedEventMessageDetail':
      return `${initiator} turned the meeting chat ${detail['meetingChatEnabled'] === false ? 'off' : 'on'}.`;
    case 'teamsAppInstalledEventMessageDetail':
      return `${initiator} added the app ${appName(detail)}.`;
    case 'teamsAppUpgradedEventMessageDetail':
      return `${initiator} updated the app ${appName(detail)}.`;
    case 'teamsAppRemovedEventMessageDetail':
      return `${initiator} removed the app ${appName(detail)}.`;
    case 'tabUpdatedEventMessageDetail':
      return `${initiator} updated a tab.`;
    case 'conversationMemberRoleUpdatedEventMessageDetail': {
      const roles = arrayOf(detail['conversationMemberRoles']).map(String);
      const member = nameOf(detail['conversationMemberUser'] as NamedIdentity | undefined, 'someone');
      return `${initiator} made ${member} ${roles.length > 0 ? list(roles) : 'a member'}.`;
    }
    default:
      return type ? `System event: ${type.replace(/EventMessageDetail$/, '')}.` : 'A system event.';
  }
}

/** An identity set (`{user: {...}}`) or a bare identity, as event details hold them. */
function identity(value: unknown): NamedIdentity | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const inner = record['user'] ?? record['application'] ?? record['participant'];
  if (inner && typeof inner === 'object') return identity(inner);
  return typeof record['id'] === 'string'
    ? {
        id: record['id'],
        displayName: typeof record['displayName'] === 'string' ? record['displayName'] : null,
      }
    : undefined;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function list(names: string[]): string {
  if (names.length === 0) return 'nobody';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function appName(detail: Record<string, unknown>): string {
  return detail['teamsAppDisplayName'] ? `“${String(detail['teamsAppDisplayName'])}”` : 'an app';
}

/** Graph writes "all history shared" as the smallest DateTimeOffset. */
function shared(value: unknown): string {
  if (typeof value !== 'string') return '';
  if (value.startsWith('0001-01-01')) return ' and shared all chat history';
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? '' : ` and shared chat history from ${new Date(ms).toISOString().slice(0, 10)}`;
}

/** An ISO 8601 duration (`PT1H2M3.5S`) in words (`1 h 2 min 4 s`); undefined when it is none. */
export function durationText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match;
  const parts: string[] = [];
  if (days) parts.push(`${Number(days)} d`);
  if (hours) parts.push(`${Number(hours)} h`);
  if (minutes) parts.push(`${Number(minutes)} min`);
  if (seconds) parts.push(`${Math.round(Number(seconds))} s`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
