import { isDeepStrictEqual } from 'node:util';
import type { HostedContentRef, StoredMessageVersion } from '../../store/backup-records';
import { mergeHead } from '../../store/message-heads';
import type { MessageHistory } from '../../store/recovery-records';
import { imagesIn, sanitizeMessageBody } from '../html/message-html';
import type { NamedIdentity, PeopleNames } from './people';
import { systemEventText } from './system-events';

/**
 * One message of a transcript, as the backup saw it (at a moment, when asked): who sent it and when,
 * its body as sanitised HTML whose images are placeholders (`resolveImages`), what it carried
 * (mentions, reactions, attachments, the message it replies to), and its history: whether it was
 * edited, deleted, and each earlier state it had.
 */
export interface TranscriptMessage {
  chatId: string;
  messageId: string;
  createdDateTime: string;
  kind: 'message' | 'event';
  sender: Sender | null;
  subject: string | null;
  importance: string;
  /** The body in effect; for a deleted message, its last text before the deletion ('' when none was seen). */
  html: string;
  /** A system event in words. */
  event?: string;
  replyTo?: ReplyReference;
  mentions: { name: string; userId?: string }[];
  reactions: ReactionGroup[];
  attachments: TranscriptAttachment[];
  /** Hashes of the images `html` shows. */
  images: string[];
  /** Set when the text was changed after it was first posted. */
  edited?: { at: string | null };
  deleted?: { deletedDateTime: string | null; seenDeletedAt: string | null };
  /** The version shown. */
  version: VersionInfo;
  /** Every other version up to the moment asked for, oldest first: an edited message's earlier texts. */
  earlierVersions: EarlierVersion[];
}

export interface Sender {
  id?: string;
  name: string;
  kind: 'user' | 'bot' | 'device' | 'unknown';
}

export interface ReplyReference {
  messageId: string;
  sender?: string;
  preview?: string;
}

export interface ReactionGroup {
  reaction: string;
  name: string | null;
  count: number;
  people: string[];
}

export interface TranscriptAttachment {
  id: string;
  kind: 'file' | 'card' | 'other';
  name: string;
  contentType: string;
  /** http(s) only: where the file lives (it is not part of the backup). */
  url?: string;
  /** A card's text. */
  text?: string;
}

/** What a version changed, compared with the one before it. */
export type VersionChange = 'posted' | 'edited' | 'reactions' | 'deleted' | 'restored' | 'other';

export interface VersionInfo {
  versionKey: string;
  capturedAt: string;
  lastModifiedDateTime: string | null;
  change: VersionChange;
}

export interface EarlierVersion extends VersionInfo {
  /** The body of that state (sanitised, image placeholders); absent for a deletion. */
  html?: string;
  images: string[];
}

/**
 * The message as its versions show it. `history.versions` must be those the moment allows
 * (the store's `at` filter), in head order; the latest of them is the one in effect, as `mergeHead`
 * decides for the stored head.
 */
export function buildMessageView(history: MessageHistory, people: PeopleNames): TranscriptMessage {
  const versions = history.versions;
  const head = mergeHead(history.tenantId, undefined, versions).head;
  const latestIndex = versions.findIndex((v) => v.versionKey === head.latestVersionKey);
  const current = versions[latestIndex]!;
  const message = current.message;
  const changes = versions.map((v, i) => changeOf(versions[i - 1], v));

  // A deletion empties the body: show the last text it had.
  const shown = head.deleted ? lastUndeleted(versions, latestIndex) : current;
  const html = shown ? bodyHtml(shown) : '';
  const earlierVersions: EarlierVersion[] = versions
    .map((v, i) => ({ v, i }))
    .filter(({ i }) => i !== latestIndex)
    .map(({ v, i }) => {
      const body = v.deletedDateTime ? undefined : bodyHtml(v);
      return {
        ...info(v, changes[i]!),
        ...(body === undefined ? {} : { html: body }),
        images: body === undefined ? [] : imagesIn(body),
      };
    });

  const texts = versions.filter((v) => v.deletedDateTime === null);
  const edited = texts.some((v) => bodyDiffers(v, texts[0]!));
  const lastEdited =
    stringOr(message['lastEditedDateTime']) ?? (shown && stringOr(shown.message['lastEditedDateTime']));
  const isEvent = current.messageType === 'systemEventMessage';
  const view: TranscriptMessage = {
    chatId: history.chatId,
    messageId: history.messageId,
    createdDateTime: current.createdDateTime,
    kind: isEvent ? 'event' : 'message',
    sender: senderOf(message, people, isEvent),
    subject: stringOr(message['subject']) ?? null,
    importance: stringOr(message['importance']) ?? 'normal',
    html: isEvent ? '' : html,
    mentions: mentionsOf(shown?.message ?? message, people),
    reactions: reactionsOf(message, people),
    attachments: attachmentsOf(shown?.message ?? message),
    images: isEvent ? [] : imagesIn(html),
    version: info(current, changes[latestIndex]!),
    earlierVersions,
  };
  if (isEvent)
    view.event = systemEventText(message['eventDetail'] as Record<string, unknown> | null, (i, f) =>
      people.nameOf(i, f),
    );
  const replyTo = replyOf(shown?.message ?? message, people);
  if (replyTo) view.replyTo = replyTo;
  if (edited || lastEdited) view.edited = { at: lastEdited ?? null };
  if (head.deleted)
    view.deleted = { deletedDateTime: head.deletedDateTime, seenDeletedAt: head.firstSeenDeletedAt };
  return view;
}

function info(version: StoredMessageVersion, change: VersionChange): VersionInfo {
  return {
    versionKey: version.versionKey,
    capturedAt: version.capturedAt,
    lastModifiedDateTime: version.lastModifiedDateTime,
    change,
  };
}

function lastUndeleted(versions: StoredMessageVersion[], before: number): StoredMessageVersion | undefined {
  for (let i = before; i >= 0; i--) if (versions[i]!.deletedDateTime === null) return versions[i];
  return undefined;
}

function bodyHtml(version: StoredMessageVersion): string {
  return sanitizeMessageBody(version.message['body'] as { contentType?: unknown; content?: unknown }, {
    hostedContents: version.hostedContents as HostedContentRef[],
  });
}

function bodyDiffers(a: StoredMessageVersion, b: StoredMessageVersion): boolean {
  return (
    !isDeepStrictEqual(a.message['body'], b.message['body']) || a.message['subject'] !== b.message['subject']
  );
}

function changeOf(previous: StoredMessageVersion | undefined, version: StoredMessageVersion): VersionChange {
  if (!previous) return 'posted';
  if (version.deletedDateTime && !previous.deletedDateTime) return 'deleted';
  if (!version.deletedDateTime && previous.deletedDateTime) return 'restored';
  if (bodyDiffers(previous, version)) return 'edited';
  if (!isDeepStrictEqual(previous.message['reactions'], version.message['reactions'])) return 'reactions';
  return 'other';
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function senderOf(message: Record<string, unknown>, people: PeopleNames, isEvent: boolean): Sender | null {
  const from = message['from'] as
    | { user?: NamedIdentity | null; application?: NamedIdentity | null; device?: NamedIdentity | null }
    | null
    | undefined;
  if (from?.user?.id)
    return { id: from.user.id, name: people.nameOf(from.user, 'Unknown user'), kind: 'user' };
  if (from?.application?.id) {
    return { id: from.application.id, name: from.application.displayName || 'An app', kind: 'bot' };
  }
  if (from?.device) return { name: from.device.displayName || 'A device', kind: 'device' };
  return isEvent ? null : { name: 'Unknown sender', kind: 'unknown' };
}

function mentionsOf(message: Record<string, unknown>, people: PeopleNames): TranscriptMessage['mentions'] {
  const mentions = Array.isArray(message['mentions']) ? message['mentions'] : [];
  return mentions.map((m: { mentionText?: unknown; mentioned?: { user?: NamedIdentity | null } | null }) => {
    const user = m?.mentioned?.user ?? undefined;
    const name = stringOr(m?.mentionText) ?? people.nameOf(user, 'someone');
    return user?.id ? { name, userId: user.id } : { name };
  });
}

function reactionsOf(message: Record<string, unknown>, people: PeopleNames): ReactionGroup[] {
  const reactions = Array.isArray(message['reactions']) ? message['reactions'] : [];
  const groups = new Map<string, ReactionGroup>();
  for (const r of reactions as {
    reactionType?: unknown;
    displayName?: unknown;
    user?: { user?: NamedIdentity | null };
  }[]) {
    const type = stringOr(r?.reactionType) ?? '?';
    let group = groups.get(type);
    if (!group)
      groups.set(
        type,
        (group = { reaction: type, name: stringOr(r.displayName) ?? null, count: 0, people: [] }),
      );
    group.count++;
    group.people.push(people.nameOf(r.user?.user, 'someone'));
  }
  return [...groups.values()];
}

function attachmentsOf(message: Record<string, unknown>): TranscriptAttachment[] {
  const attachments = Array.isArray(message['attachments']) ? message['attachments'] : [];
  const result: TranscriptAttachment[] = [];
  for (const a of attachments as Record<string, unknown>[]) {
    const contentType = stringOr(a?.['contentType']) ?? 'unknown';
    if (contentType === 'messageReference') continue;
    const id = stringOr(a['id']) ?? '';
    const url = httpUrl(a['contentUrl']);
    if (contentType === 'reference') {
      result.push({
        id,
        kind: 'file',
        name: stringOr(a['name']) ?? 'A file',
        contentType,
        ...(url ? { url } : {}),
      });
    } else if (contentType.startsWith('application/vnd.microsoft.card.')) {
      const text = cardText(a['content']);
      const kind = contentType.slice('application/vnd.microsoft.card.'.length);
      result.push({
        id,
        kind: 'card',
        name: stringOr(a['name']) ?? `${kind.charAt(0).toUpperCase()}${kind.slice(1)} card`,
        contentType,
        ...(text ? { text } : {}),
      });
    } else {
      result.push({
        id,
        kind: 'other',
        name: stringOr(a['name']) ?? contentType,
        contentType,
        ...(url ? { url } : {}),
      });
    }
  }
  return result;
}

/** A quoted reply: Teams adds a `messageReference` attachment; channel replies carry `replyToId`. */
function replyOf(message: Record<string, unknown>, people: PeopleNames): ReplyReference | undefined {
  const attachments = Array.isArray(message['attachments'])
    ? (message['attachments'] as Record<string, unknown>[])
    : [];
  const reference = attachments.find((a) => a?.['contentType'] === 'messageReference');
  if (reference) {
    const content = parseJson(reference['content']);
    const messageId = stringOr(content?.['messageId']) ?? stringOr(reference['id']);
    if (messageId) {
      const sender = (content?.['messageSender'] as { user?: NamedIdentity | null } | undefined)?.user;
      const preview = stringOr(content?.['messagePreview']);
      return {
        messageId,
        ...(sender ? { sender: people.nameOf(sender) } : {}),
        ...(preview ? { preview } : {}),
      };
    }
  }
  const replyToId = stringOr(message['replyToId']);
  return replyToId ? { messageId: replyToId } : undefined;
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(value: unknown): Record<string, unknown> | undefined {
  if (value && typeof value === 'object') return value as Record<string, unknown>;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The words of a card (titles, texts, facts), up to a few hundred characters. */
function cardText(content: unknown): string | undefined {
  const card = parseJson(content);
  if (!card) return undefined;
  const parts: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 10 || parts.join(' ').length > 500 || value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (typeof child === 'string' && ['text', 'title', 'subtitle', 'value'].includes(key))
        parts.push(child);
      else visit(child, depth + 1);
    }
  };
  visit(card, 0);
  const text = parts.join(' · ').trim();
  return text === '' ? undefined : text.slice(0, 500);
}
