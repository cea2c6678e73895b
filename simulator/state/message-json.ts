import type { EventDetailJson } from './event-detail-json';

/**
 * The Graph `chatMessage` resource as `GET /chats/{id}/messages` returns it (graph-examples
 * chat-list-messages.3: every key present, nulls included, in Graph's order), and the pure
 * functions that derive a message's next state. Both the seed and live mutations build messages
 * here, so a seeded message and a posted one cannot differ in shape.
 */

export type UserIdentityType = 'aadUser' | 'federatedUser' | 'anonymousGuest';
export type MessageType = 'message' | 'systemEventMessage';
export type Importance = 'normal' | 'high' | 'urgent';

export interface TeamworkUserIdentity {
  '@odata.type': '#microsoft.graph.teamworkUserIdentity';
  id: string;
  displayName: string | null;
  userIdentityType: UserIdentityType;
  tenantId: string;
}

/** A bot sender; shaped as in the chat list example whose last message came from a bot. */
export interface ApplicationIdentity {
  id: string;
  displayName: string;
  applicationIdentityType: 'bot';
}

export interface FromIdentitySet {
  application: ApplicationIdentity | null;
  device: null;
  user: TeamworkUserIdentity | null;
}

export interface ItemBody {
  contentType: 'text' | 'html';
  content: string;
}

export interface ChatMessageAttachment {
  id: string;
  contentType: string;
  contentUrl: string | null;
  /** Cards carry their JSON as a string, as Graph returns it. */
  content: string | null;
  name: string | null;
  thumbnailUrl: string | null;
}

export interface MentionedUser {
  id: string;
  displayName: string;
  userIdentityType: UserIdentityType;
}

export interface ChatMessageMention {
  id: number;
  mentionText: string;
  mentioned: { application: null; device: null; conversation: null; user: MentionedUser };
}

export interface ReactionUser {
  '@odata.type': '#microsoft.graph.teamworkUserIdentity';
  id: string;
  displayName: null;
  userIdentityType: UserIdentityType;
}

export interface ChatMessageReaction {
  reactionType: string;
  displayName: string | null;
  reactionContentUrl: null;
  createdDateTime: string;
  user: { application: null; device: null; user: ReactionUser };
}

/** Graph records reaction changes here, and nothing else (no earlier text of an edited message). */
export interface ChatMessageHistoryItem {
  modifiedDateTime: string;
  actions: 'reactionAdded' | 'reactionRemoved';
  reaction: ChatMessageReaction;
}

export interface ChatMessageJson {
  id: string;
  replyToId: null;
  etag: string;
  messageType: MessageType;
  createdDateTime: string;
  lastModifiedDateTime: string;
  lastEditedDateTime: string | null;
  deletedDateTime: string | null;
  subject: string | null;
  summary: null;
  chatId: string;
  importance: Importance;
  locale: 'en-us';
  webUrl: null;
  channelIdentity: null;
  onBehalfOf: null;
  policyViolation: null;
  eventDetail: EventDetailJson | null;
  from: FromIdentitySet | null;
  body: ItemBody;
  attachments: ChatMessageAttachment[];
  mentions: ChatMessageMention[];
  reactions: ChatMessageReaction[];
  messageHistory: ChatMessageHistoryItem[];
}

/** Graph's timestamps: ISO 8601 UTC with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO 8601 duration as in call events (`PT59S`, `PT40M19.26S`). */
export function isoDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Math.round((totalSeconds % 60) * 100) / 100;
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds || (!hours && !minutes) ? `${seconds}S` : ''}`;
}

export function userSender(user: Omit<TeamworkUserIdentity, '@odata.type'>): FromIdentitySet {
  return {
    application: null,
    device: null,
    user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', ...user },
  };
}

export function applicationSender(app: { id: string; displayName: string }): FromIdentitySet {
  return {
    application: { id: app.id, displayName: app.displayName, applicationIdentityType: 'bot' },
    device: null,
    user: null,
  };
}

export interface NewMessage {
  /** Epoch ms of creation; also the message id, as Graph's ids are. */
  createdMs: number;
  chatId: string;
  messageType: MessageType;
  from: FromIdentitySet | null;
  body: ItemBody;
  attachments?: ChatMessageAttachment[];
  mentions?: ChatMessageMention[];
  importance?: Importance;
  subject?: string | null;
  eventDetail?: EventDetailJson | null;
}

export function newChatMessage(m: NewMessage): ChatMessageJson {
  const created = isoTime(m.createdMs);
  return {
    id: String(m.createdMs),
    replyToId: null,
    etag: String(m.createdMs),
    messageType: m.messageType,
    createdDateTime: created,
    lastModifiedDateTime: created,
    lastEditedDateTime: null,
    deletedDateTime: null,
    subject: m.subject ?? null,
    summary: null,
    chatId: m.chatId,
    importance: m.importance ?? 'normal',
    locale: 'en-us',
    webUrl: null,
    channelIdentity: null,
    onBehalfOf: null,
    policyViolation: null,
    eventDetail: m.eventDetail ?? null,
    from: m.from,
    body: m.body,
    attachments: m.attachments ?? [],
    mentions: m.mentions ?? [],
    reactions: [],
    messageHistory: [],
  };
}

/** The body Graph gives every system event message. */
export const SYSTEM_EVENT_BODY: ItemBody = { contentType: 'html', content: '<systemEventMessage/>' };

/**
 * Graph's etag of a chat message is its lastModifiedDateTime in epoch ms. The functions below
 * return new messages that share unchanged parts with the old one: treat messages as immutable.
 */
function modifiedAt(ms: number): Pick<ChatMessageJson, 'etag' | 'lastModifiedDateTime'> {
  return { etag: String(ms), lastModifiedDateTime: isoTime(ms) };
}

/**
 * The message after an edit at `ms`. Attachments whose `<attachment id>` tag the new body no
 * longer carries are dropped, as Teams drops them when the text that held them is edited away.
 */
export function editedMessage(
  m: ChatMessageJson,
  body: ItemBody,
  mentions: ChatMessageMention[],
  ms: number,
): ChatMessageJson {
  return {
    ...m,
    ...modifiedAt(ms),
    lastEditedDateTime: isoTime(ms),
    body,
    mentions,
    attachments: m.attachments.filter((a) => body.content.includes(`<attachment id="${a.id}"`)),
  };
}

/**
 * The message after a soft delete at `ms`. Graph keeps the message for 21 days with
 * `deletedDateTime` set and its content gone: an empty body is how clients recognise it.
 */
export function deletedMessage(m: ChatMessageJson, ms: number): ChatMessageJson {
  return {
    ...m,
    ...modifiedAt(ms),
    deletedDateTime: isoTime(ms),
    body: { contentType: m.body.contentType, content: '' },
    attachments: [],
    mentions: [],
  };
}

/** The display names Teams gives its reactions; others (custom, rare emoji) carry none. */
const REACTION_NAMES: Record<string, string> = {
  like: 'Like',
  heart: 'Heart',
  laugh: 'Laugh',
  surprised: 'Surprised',
  sad: 'Sad',
  angry: 'Angry',
  '👍': 'Like',
  '❤️': 'Heart',
  '😆': 'Laugh',
  '😮': 'Surprised',
  '😢': 'Sad',
  '😡': 'Angry',
  '💯': 'Hundred points',
  '🎉': 'Party popper',
  '🙏': 'Folded hands',
  '🔥': 'Fire',
  '👀': 'Eyes',
};

export function newReaction(
  reactionType: string,
  user: { id: string; userIdentityType: UserIdentityType },
  ms: number,
): ChatMessageReaction {
  return {
    reactionType,
    displayName: REACTION_NAMES[reactionType] ?? null,
    reactionContentUrl: null,
    createdDateTime: isoTime(ms),
    user: {
      application: null,
      device: null,
      user: {
        '@odata.type': '#microsoft.graph.teamworkUserIdentity',
        id: user.id,
        displayName: null,
        userIdentityType: user.userIdentityType,
      },
    },
  };
}

export function hasReaction(m: ChatMessageJson, userId: string, reactionType: string): boolean {
  return m.reactions.some((r) => r.user.user.id === userId && r.reactionType === reactionType);
}

/** The message after `reaction` was added; the change is recorded in `messageHistory`. */
export function reactedMessage(
  m: ChatMessageJson,
  reaction: ChatMessageReaction,
  ms: number,
): ChatMessageJson {
  return {
    ...m,
    ...modifiedAt(ms),
    reactions: [...m.reactions, reaction],
    messageHistory: [
      ...m.messageHistory,
      { modifiedDateTime: isoTime(ms), actions: 'reactionAdded', reaction },
    ],
  };
}

/** The message after the user's reaction was taken back; undefined when there was none. */
export function unreactedMessage(
  m: ChatMessageJson,
  userId: string,
  reactionType: string,
  ms: number,
): ChatMessageJson | undefined {
  const removed = m.reactions.find((r) => r.user.user.id === userId && r.reactionType === reactionType);
  if (!removed) return undefined;
  return {
    ...m,
    ...modifiedAt(ms),
    reactions: m.reactions.filter((r) => r !== removed),
    messageHistory: [
      ...m.messageHistory,
      { modifiedDateTime: isoTime(ms), actions: 'reactionRemoved', reaction: removed },
    ],
  };
}
