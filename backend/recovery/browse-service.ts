import type { Readable } from 'node:stream';
import { checkSha256 } from '../blobs/blob-key';
import type { DirectoryUser, Page, UserState } from '../store/backup-records';
import type { Actor } from '../store/connection-records';
import type { ChatMessagesPage, MessageHistory } from '../store/recovery-records';
import { findDirectoryUser } from './directory-lookup';
import { imagesIn, resolveImages } from './html/message-html';
import type { RecoveryAudit } from './recovery-audit';
import { auditOf, type RecoveryDeps } from './recovery-deps';
import { invalidInput, notFound, parseMoment } from './recovery-error';
import { chatAt, chatSummary, type ChatSummary } from './transcript/chat-view';
import { buildMessageView, type TranscriptMessage } from './transcript/message-view';
import { PeopleNames } from './transcript/people';

export interface UserSummary {
  userId: string;
  upn: string;
  displayName: string;
  state: UserState;
  lastBackedUpAt?: string;
}

export interface TranscriptOptions {
  /** Show the chat as the backup saw it at this moment (ISO 8601); the latest state when absent. */
  at?: string;
  /** Where a first page starts: the newest messages (default) or the oldest. */
  start?: 'newest' | 'oldest';
  /** The `older` or `newer` of a previous page (with the same `at`). */
  cursor?: string;
  /** A page centred on this message (a search result's link). */
  around?: string;
  /** Messages per page: default 50, at most 200. */
  limit?: number;
}

/** A page of a transcript, oldest message first. */
export interface TranscriptPage {
  chat: ChatSummary;
  /** The moment shown, or null for the latest state. */
  at: string | null;
  messages: TranscriptMessage[];
  /** Pass as `cursor` for the messages before this page; absent at the beginning. */
  older?: string;
  /** Pass as `cursor` for the messages after this page; absent at the end. */
  newer?: string;
  /** With `around`: the message the page is centred on. */
  anchor?: string;
}

export interface ImageLocation {
  chatId: string;
  messageId: string;
  sha256: string;
}

/** Who is shown a transcript: an image's address may be a link only they may open. */
export interface ImageViewer {
  tenantId: string;
  actor: Actor;
}

export interface BrowseServiceOptions {
  /**
   * Where the tab fetches an image of a transcript (the API route serving `readImage`; the API
   * gives a signed link for the viewer). It must not need escaping in an HTML attribute (ids are
   * percent-encoded by the default).
   */
  imageUrl?: (image: ImageLocation, viewer: ImageViewer) => string | Promise<string>;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

export const defaultImageUrl = (image: ImageLocation): string =>
  `/api/v1/recovery/chats/${encodeURIComponent(image.chatId)}/messages/${encodeURIComponent(image.messageId)}/images/${image.sha256}`;

/**
 * Browsing a tenant's backup: its users, their chats, and a chat's transcript page by page, at any
 * moment the backup covers. Every call is one audit event (`browsed`); image reads belong to the
 * transcript page that showed them and are not audited again. The caller (API, bot) has checked that
 * the actor is an admin of `tenantId`; nothing here reads another tenant's records.
 */
export class BrowseService {
  private readonly audit: RecoveryAudit;
  private readonly imageUrl: NonNullable<BrowseServiceOptions['imageUrl']>;

  constructor(
    private readonly deps: RecoveryDeps,
    options: BrowseServiceOptions = {},
  ) {
    this.audit = auditOf(deps);
    this.imageUrl = options.imageUrl ?? defaultImageUrl;
  }

  async listUsers(
    actor: Actor,
    tenantId: string,
    options: { cursor?: string; limit?: number } = {},
  ): Promise<Page<UserSummary>> {
    const page = await this.deps.backup.listUsers(tenantId, pageOptions(options));
    await this.audit.record(tenantId, actor, 'browsed', 'users', { listed: page.items.length });
    return { ...page, items: page.items.map(userSummary) };
  }

  /** The tenant's chats, or those a user (object id or UPN) is or was a member of. */
  async listChats(
    actor: Actor,
    tenantId: string,
    options: { user?: string; cursor?: string; limit?: number } = {},
  ): Promise<Page<ChatSummary>> {
    let memberUserId: string | undefined;
    if (options.user !== undefined) {
      const user = await findDirectoryUser(this.deps.backup, tenantId, options.user);
      if (!user) throw notFound(`No user "${options.user}" is in this organization's backup.`);
      memberUserId = user.userId;
    }
    const page = await this.deps.backup.listChats(tenantId, {
      ...pageOptions(options),
      ...(memberUserId === undefined ? {} : { memberUserId }),
    });
    const items = await Promise.all(
      page.items.map(async (chat) =>
        chatSummary(chat, await this.deps.backup.getMembers(tenantId, chat.chatId)),
      ),
    );
    await this.audit.record(tenantId, actor, 'browsed', memberUserId ?? 'chats', {
      listed: items.length,
      ...(memberUserId === undefined ? {} : { chatsOf: memberUserId }),
    });
    return { ...page, items };
  }

  async transcript(
    actor: Actor,
    tenantId: string,
    chatId: string,
    options: TranscriptOptions = {},
  ): Promise<TranscriptPage> {
    const at = parseMoment(options.at, 'at');
    const limit = transcriptLimit(options.limit);
    const { recovery } = this.deps;
    const { chat, members, people } = await this.openChat(tenantId, chatId, at);
    const read = (order: 'oldest-first' | 'newest-first', from: string | undefined, count: number) =>
      count <= 0
        ? Promise.resolve<ChatMessagesPage>({ messages: [], more: false })
        : recovery.readChatMessages(tenantId, chatId, {
            order,
            limit: count,
            ...(from === undefined ? {} : { from }),
            ...(at === undefined ? {} : { at }),
          });

    let histories: MessageHistory[];
    let older: string | undefined;
    let newer: string | undefined;
    if (options.around !== undefined) {
      const anchor = await recovery.readMessage(tenantId, chatId, options.around, at);
      if (!anchor) throw notFound('That message is not in this chat’s backup (at the moment asked for).');
      const before = await read('newest-first', options.around, Math.floor((limit - 1) / 2));
      const after = await read('oldest-first', options.around, limit - 1 - before.messages.length);
      histories = [...before.messages.reverse(), anchor, ...after.messages];
      if (before.more) older = encodeCursor('older', histories[0]!.messageId);
      if (after.more) newer = encodeCursor('newer', histories[histories.length - 1]!.messageId);
    } else if (options.cursor !== undefined) {
      const cursor = decodeCursor(options.cursor);
      if (cursor.direction === 'older') {
        const page = await read('newest-first', cursor.messageId, limit);
        histories = page.messages.reverse();
        if (page.more) older = encodeCursor('older', histories[0]!.messageId);
        newer = encodeCursor('newer', histories[histories.length - 1]?.messageId ?? cursor.messageId);
      } else {
        const page = await read('oldest-first', cursor.messageId, limit);
        histories = page.messages;
        if (page.more) newer = encodeCursor('newer', histories[histories.length - 1]!.messageId);
        older = encodeCursor('older', histories[0]?.messageId ?? cursor.messageId);
      }
    } else if (options.start === 'oldest') {
      const page = await read('oldest-first', undefined, limit);
      histories = page.messages;
      if (page.more) newer = encodeCursor('newer', histories[histories.length - 1]!.messageId);
    } else {
      const page = await read('newest-first', undefined, limit);
      histories = page.messages.reverse();
      if (page.more) older = encodeCursor('older', histories[0]!.messageId);
    }

    await people.learn(histories.flatMap((h) => h.versions.map((v) => v.message)));
    const viewer = { tenantId, actor };
    const messages = await Promise.all(
      histories.map((h) => this.withImageUrls(buildMessageView(h, people), viewer)),
    );
    await this.audit.record(tenantId, actor, 'browsed', chatId, {
      at,
      messages: messages.length,
      around: options.around,
    });
    return {
      chat: chatSummary(chat, members),
      at: at ?? null,
      messages,
      ...(older === undefined ? {} : { older }),
      ...(newer === undefined ? {} : { newer }),
      ...(options.around === undefined ? {} : { anchor: options.around }),
    };
  }

  /** One message with every earlier version (at a moment, when given). */
  async message(
    actor: Actor,
    tenantId: string,
    chatId: string,
    messageId: string,
    options: { at?: string } = {},
  ): Promise<TranscriptMessage> {
    const at = parseMoment(options.at, 'at');
    const { people } = await this.openChat(tenantId, chatId, at);
    const history = await this.deps.recovery.readMessage(tenantId, chatId, messageId, at);
    if (!history) throw notFound('That message is not in this chat’s backup.');
    await people.learn(history.versions.map((v) => v.message));
    await this.audit.record(tenantId, actor, 'browsed', chatId, { messageId, at });
    return this.withImageUrls(buildMessageView(history, people), { tenantId, actor });
  }

  /**
   * The bytes of an image one of the message's versions shows (what `imageUrl` points at). Only an
   * image the message references is served, so a hash alone opens nothing.
   */
  async readImage(
    tenantId: string,
    image: ImageLocation,
  ): Promise<{ contentType: string; size: number; body: Readable }> {
    let sha256: string;
    try {
      sha256 = checkSha256(image.sha256);
    } catch {
      throw invalidInput('sha256', 'An image is named by its SHA-256: 64 hex digits.');
    }
    const history = await this.deps.recovery.readMessage(tenantId, image.chatId, image.messageId);
    const ref = history?.versions.flatMap((v) => v.hostedContents).find((h) => h.sha256 === sha256);
    if (!ref) throw notFound('That image is not part of this message’s backup.');
    const body = await this.deps.blobs.get(tenantId, sha256);
    return { contentType: ref.contentType, size: ref.size, body };
  }

  private async openChat(tenantId: string, chatId: string, at: string | undefined) {
    const record = await this.deps.backup.getChat(tenantId, chatId);
    if (!record) throw notFound('That chat is not in this organization’s backup.');
    const stored = await this.deps.backup.getMembers(tenantId, chatId);
    const { chat, members } = chatAt(record, stored, at);
    const people = new PeopleNames(tenantId, this.deps.backup);
    people.addMembers(stored);
    return { chat, members, people };
  }

  private async withImageUrls(view: TranscriptMessage, viewer: ImageViewer): Promise<TranscriptMessage> {
    const bodies = [view.html, ...view.earlierVersions.map((v) => v.html ?? '')];
    const hashes = [...new Set(bodies.flatMap(imagesIn))];
    const urls = new Map(
      await Promise.all(
        hashes.map(
          async (sha256) =>
            [
              sha256,
              await this.imageUrl({ chatId: view.chatId, messageId: view.messageId, sha256 }, viewer),
            ] as const,
        ),
      ),
    );
    const src = (sha256: string) => urls.get(sha256)!;
    return {
      ...view,
      html: resolveImages(view.html, src),
      earlierVersions: view.earlierVersions.map((v) =>
        v.html === undefined ? v : { ...v, html: resolveImages(v.html, src) },
      ),
    };
  }
}

function userSummary(user: DirectoryUser): UserSummary {
  return {
    userId: user.userId,
    upn: user.upn,
    displayName: user.displayName,
    state: user.state,
    ...(user.lastBackedUpAt ? { lastBackedUpAt: user.lastBackedUpAt } : {}),
  };
}

function pageOptions(options: { cursor?: string; limit?: number }): { cursor?: string; limit?: number } {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw invalidInput('limit', 'limit must be a whole number of at least 1.');
  }
  return {
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    ...(options.limit === undefined ? {} : { limit: Math.min(options.limit, 1000) }),
  };
}

function transcriptLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw invalidInput('limit', 'limit must be a whole number of at least 1.');
  return Math.min(limit, MAX_LIMIT);
}

type Direction = 'older' | 'newer';

function encodeCursor(direction: Direction, messageId: string): string {
  return Buffer.from(JSON.stringify([direction, messageId])).toString('base64url');
}

function decodeCursor(cursor: string): { direction: Direction; messageId: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      (value[0] === 'older' || value[0] === 'newer') &&
      typeof value[1] === 'string'
    ) {
      return { direction: value[0], messageId: value[1] };
    }
  } catch {
    // Reported below.
  }
  throw invalidInput('cursor', 'The cursor is not one a transcript page returned.');
}
