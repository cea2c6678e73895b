import { FULL_HISTORY } from './event-detail-json';
import { membershipId } from './graph-ids';
import { chatWebUrl } from './graph-urls';
import { isoTime } from './message-json';

/** The Graph resources of the directory and chats: user, chat, aadUserConversationMember. */

export type ChatType = 'oneOnOne' | 'group' | 'meeting';
export type UserType = 'Member' | 'Guest';

/** `GET /users` without `$select` returns exactly these properties (graph-examples user-list.1). */
export interface UserJson {
  businessPhones: string[];
  displayName: string;
  givenName: string | null;
  jobTitle: string | null;
  mail: string | null;
  mobilePhone: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  surname: string | null;
  userPrincipalName: string;
  id: string;
}

export interface OnlineMeetingInfo {
  calendarEventId: string;
  joinWebUrl: string;
  organizer: { id: string; displayName: null; userIdentityType: 'aadUser' };
}

/** The chat resource without the `members` and `lastMessagePreview` navigations the routes expand. */
export interface ChatJson {
  id: string;
  topic: string | null;
  createdDateTime: string;
  lastUpdatedDateTime: string;
  chatType: ChatType;
  webUrl: string;
  tenantId: string;
  onlineMeetingInfo: OnlineMeetingInfo | null;
  /** Per-user state; an application caller has no viewpoint. */
  viewpoint: null;
}

export interface MemberJson {
  '@odata.type': '#microsoft.graph.aadUserConversationMember';
  id: string;
  roles: string[];
  displayName: string;
  visibleHistoryStartDateTime: string;
  userId: string;
  email: string | null;
  tenantId: string;
}

export function userJson(u: {
  id: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  jobTitle?: string | null;
  officeLocation?: string | null;
  preferredLanguage?: string | null;
}): UserJson {
  return {
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle ?? null,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: u.officeLocation ?? null,
    preferredLanguage: u.preferredLanguage ?? null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    id: u.id,
  };
}

export function chatJson(c: {
  id: string;
  tenantId: string;
  chatType: ChatType;
  topic: string | null;
  createdMs: number;
  lastUpdatedMs: number;
  onlineMeetingInfo?: OnlineMeetingInfo | null;
}): ChatJson {
  return {
    id: c.id,
    topic: c.topic,
    createdDateTime: isoTime(c.createdMs),
    lastUpdatedDateTime: isoTime(c.lastUpdatedMs),
    chatType: c.chatType,
    webUrl: chatWebUrl(c.id, c.tenantId),
    tenantId: c.tenantId,
    onlineMeetingInfo: c.onlineMeetingInfo ?? null,
    viewpoint: null,
  };
}

export function onlineMeetingInfo(
  chatId: string,
  tenantId: string,
  organizerId: string,
  calendarEventId: string,
): OnlineMeetingInfo {
  const context = encodeURIComponent(JSON.stringify({ Tid: tenantId, Oid: organizerId }));
  return {
    calendarEventId,
    joinWebUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(chatId)}/0?context=${context}`,
    organizer: { id: organizerId, displayName: null, userIdentityType: 'aadUser' },
  };
}

export function memberJson(m: {
  chatId: string;
  userId: string;
  displayName: string;
  email: string | null;
  /** The member's own tenant: the chat's tenant, or another one for guests and federated users. */
  tenantId: string;
  roles: string[];
  /** Null when the member sees the whole history. */
  visibleHistoryStartMs: number | null;
}): MemberJson {
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    id: membershipId(m.tenantId, m.chatId, m.userId),
    roles: m.roles,
    displayName: m.displayName,
    visibleHistoryStartDateTime:
      m.visibleHistoryStartMs === null ? FULL_HISTORY : isoTime(m.visibleHistoryStartMs),
    userId: m.userId,
    email: m.email,
    tenantId: m.tenantId,
  };
}
