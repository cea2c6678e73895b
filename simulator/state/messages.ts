import { eventDetailJson, type EventUserIdentity, type SystemEvent } from './event-detail-json';
import { guidFrom, hexFrom, hostedContentId, sha256Hex } from './graph-ids';
import { hostedContentUrl } from './graph-urls';
import { attachmentTag, inlineImageHtml, mentionTag, pngSize } from './message-html';
import {
  applicationSender,
  deletedMessage,
  editedMessage,
  hasReaction,
  newChatMessage,
  newReaction,
  reactedMessage,
  SYSTEM_EVENT_BODY,
  unreactedMessage,
  userSender,
  type ChatMessageAttachment,
  type ChatMessageJson,
  type ChatMessageMention,
  type FromIdentitySet,
  type Importance,
  type ItemBody,
} from './message-json';
import { directoryParticipant, initiatorOf, memberParticipant, type Participant } from './participants';
import type { HostedContentRow, MessageRow, StateContext } from './state-context';
import { StateError } from './state-error';

/** Posting and changing chat messages; every change is a new version with a new etag and seq. */

/** `null` posts a message without sender, as Graph shows some (graph-examples: `from: null`). */
export type SenderInput = { userId: string } | { application: { id: string; displayName: string } } | null;

export interface MentionInput {
  /** Pairs with `<at id="n">` in the body; appended to the body when the tag is missing. */
  id: number;
  userId: string;
  mentionText?: string;
}

/** A Graph attachment; missing fields become null, a missing id is generated. */
export interface AttachmentInput {
  id?: string;
  contentType: string;
  contentUrl?: string | null;
  /** Card JSON as an object or a string; stored as a string, as Graph returns it. */
  content?: string | Record<string, unknown> | null;
  name?: string | null;
  thumbnailUrl?: string | null;
}

/**
 * Inline images as Graph's send API takes them: the body refers to
 * `../hostedContents/{temporaryId}/$value`, replaced by the hosted content URL once stored (an
 * image the body does not refer to is appended to it).
 */
export interface HostedContentInput {
  temporaryId: string;
  contentType: string;
  bytes: Buffer;
}

export interface PostMessageInput {
  from: SenderInput;
  body: ItemBody;
  mentions?: MentionInput[];
  attachments?: AttachmentInput[];
  hostedContents?: HostedContentInput[];
  importance?: Importance;
  subject?: string | null;
}

export interface EditMessageInput {
  body: ItemBody;
  mentions?: MentionInput[];
}

export function parseMessage(row: MessageRow): ChatMessageJson {
  return JSON.parse(row.json) as ChatMessageJson;
}

function senderOf(
  ctx: StateContext,
  tenantId: string,
  chatId: string,
  from: SenderInput,
): {
  from: FromIdentitySet | null;
  userId: string | null;
} {
  if (from === null) return { from: null, userId: null };
  if ('application' in from) return { from: applicationSender(from.application), userId: null };
  const p = memberParticipant(ctx, tenantId, chatId, from.userId);
  const user = ctx.anyUser(tenantId, p.userId);
  if (user && (user.deleted || !user.account_enabled)) {
    throw new StateError('invalid', `user ${p.userId} is deleted or disabled and cannot post`);
  }
  return { from: userSender(senderIdentity(p)), userId: p.userId };
}

export function senderIdentity(p: Participant) {
  return {
    id: p.userId,
    displayName: p.displayName,
    userIdentityType: p.userIdentityType,
    tenantId: p.tenantId,
  };
}

/** A member of the chat, or else a live directory user of the tenant. */
function mentionable(ctx: StateContext, tenantId: string, chatId: string, userId: string): Participant {
  if (ctx.member(tenantId, chatId, userId)) return memberParticipant(ctx, tenantId, chatId, userId);
  const user = ctx.directoryUser(tenantId, userId);
  if (!user) throw new StateError('userNotFound', `mentioned user ${userId} not found`);
  return directoryParticipant(user);
}

function requireHtml(body: ItemBody, what: string): void {
  if (body.contentType !== 'html') throw new StateError('invalid', `${what} needs an html body`);
}

/** Mentions resolved to Graph's shape, with their `<at>` tags ensured in the body. */
function withMentions(
  ctx: StateContext,
  tenantId: string,
  chatId: string,
  body: ItemBody,
  inputs: readonly MentionInput[],
): { body: ItemBody; mentions: ChatMessageMention[] } {
  if (inputs.length === 0) return { body, mentions: [] };
  requireHtml(body, 'a mention');
  let content = body.content;
  const mentions = inputs.map((m): ChatMessageMention => {
    const p = mentionable(ctx, tenantId, chatId, m.userId);
    const mentionText = m.mentionText ?? p.displayName;
    if (!content.includes(`<at id="${m.id}">`)) content += ` ${mentionTag(m.id, mentionText)}`;
    return {
      id: m.id,
      mentionText,
      mentioned: {
        application: null,
        device: null,
        conversation: null,
        user: { id: p.userId, displayName: p.displayName, userIdentityType: p.userIdentityType },
      },
    };
  });
  return { body: { contentType: 'html', content }, mentions };
}

function checkRowWritable(row: MessageRow, action: string): ChatMessageJson {
  if (row.message_type !== 'message')
    throw new StateError('invalid', `cannot ${action} a system event message`);
  if (row.deleted) throw new StateError('invalid', `cannot ${action} deleted message ${row.id}`);
  return parseMessage(row);
}

export function postMessage(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  input: PostMessageInput,
): ChatMessageJson {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const chat = ctx.requireChat(tenant.id, chatId);
    const sender = senderOf(ctx, tenant.id, chat.id, input.from);
    const ms = ctx.freeMessageMs(tenant.id, chat.id, ctx.clock.now());
    const messageId = String(ms);
    const mentioned = withMentions(ctx, tenant.id, chat.id, input.body, input.mentions ?? []);
    const mentions = mentioned.mentions;
    let body = mentioned.body;

    const attachments = (input.attachments ?? []).map((a, index): ChatMessageAttachment => {
      const id =
        a.id ??
        (a.contentType === 'reference'
          ? guidFrom(chat.id, messageId, 'attachment', index)
          : hexFrom(32, chat.id, messageId, 'attachment', index));
      return {
        id,
        contentType: a.contentType,
        contentUrl: a.contentUrl ?? null,
        content:
          a.content === undefined || a.content === null
            ? null
            : typeof a.content === 'string'
              ? a.content
              : JSON.stringify(a.content),
        name: a.name ?? null,
        thumbnailUrl: a.thumbnailUrl ?? null,
      };
    });
    if (new Set(attachments.map((a) => a.id)).size !== attachments.length) {
      throw new StateError('invalid', 'attachment ids must be unique within a message');
    }
    if (attachments.length > 0) {
      requireHtml(body, 'an attachment');
      let content = body.content;
      for (const a of attachments)
        if (!content.includes(`<attachment id="${a.id}"`)) content += attachmentTag(a.id);
      body = { contentType: 'html', content };
    }

    const hosted: HostedContentRow[] = [];
    if (input.hostedContents && input.hostedContents.length > 0) {
      requireHtml(body, 'an inline image');
      let content = body.content;
      input.hostedContents.forEach((h, index) => {
        const sha = sha256Hex(h.bytes);
        ctx.stmt.insertBlob.run(sha, h.contentType, h.bytes);
        const id = hostedContentId(hexFrom(32, tenant.id, chat.id, messageId, 'hosted', index));
        const url = hostedContentUrl(chat.id, messageId, id);
        const placeholder = `../hostedContents/${h.temporaryId}/$value`;
        if (content.includes(placeholder)) {
          content = content.split(placeholder).join(url);
        } else {
          const size = pngSize(h.bytes) ?? { width: 250, height: 250 };
          content += inlineImageHtml(url, size.width, size.height);
        }
        hosted.push({ tenant_id: tenant.id, chat_id: chat.id, message_id: messageId, id, blob_sha256: sha });
      });
      body = { contentType: 'html', content };
    }

    const message = newChatMessage({
      createdMs: ms,
      chatId: chat.id,
      messageType: 'message',
      from: sender.from,
      body,
      attachments,
      mentions,
      importance: input.importance ?? 'normal',
      subject: input.subject ?? null,
    });
    ctx.insertMessage(tenant.id, message, sender.userId);
    for (const h of hosted) ctx.stmt.insertHostedContent.run(h);
    return message;
  });
}

/** Hosted contents the body no longer shows are gone with the text that held them. */
function dropUnreferencedHostedContents(ctx: StateContext, row: MessageRow, body: string): void {
  const rows = ctx.stmt.hostedContents.all(row.tenant_id, row.chat_id, row.id) as HostedContentRow[];
  for (const h of rows) {
    if (!body.includes(h.id)) ctx.stmt.deleteHostedContent.run(row.tenant_id, row.chat_id, row.id, h.id);
  }
}

/**
 * One change to a user message, as Graph applies it: in one write, on a message that is neither a
 * system event nor deleted (`action` names the change in the refusal; deleting a deleted message is
 * a conflict instead), stored as the message's next state.
 */
function changeMessage(
  ctx: StateContext,
  target: { tenantIdOrDomain: string; chatId: string; messageId: string },
  action: string,
  change: (current: ChatMessageJson, row: MessageRow, tenantId: string) => ChatMessageJson,
): ChatMessageJson {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(target.tenantIdOrDomain);
    const row = ctx.requireMessage(tenant.id, target.chatId, target.messageId);
    if (action === 'delete' && row.deleted)
      throw new StateError('conflict', `message ${target.messageId} is already deleted`);
    const next = change(checkRowWritable(row, action), row, tenant.id);
    ctx.updateMessage(tenant.id, row, next);
    return next;
  });
}

export function editMessage(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  messageId: string,
  input: EditMessageInput,
): ChatMessageJson {
  return changeMessage(ctx, { tenantIdOrDomain, chatId, messageId }, 'edit', (current, row, tenantId) => {
    const { body, mentions } = withMentions(ctx, tenantId, row.chat_id, input.body, input.mentions ?? []);
    const next = editedMessage(current, body, mentions, ctx.timeAfter(row.last_modified_ms));
    dropUnreferencedHostedContents(ctx, row, next.body.content);
    return next;
  });
}

export function deleteMessage(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  messageId: string,
): ChatMessageJson {
  return changeMessage(ctx, { tenantIdOrDomain, chatId, messageId }, 'delete', (current, row) => {
    const next = deletedMessage(current, ctx.timeAfter(row.last_modified_ms));
    dropUnreferencedHostedContents(ctx, row, '');
    return next;
  });
}

export interface ReactionInput {
  userId: string;
  /** A Unicode emoji (`👍`, `💯`) or one of the legacy names (`like`, `heart`, `laugh`…). */
  reactionType: string;
}

export function react(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  messageId: string,
  input: ReactionInput,
): ChatMessageJson {
  return changeMessage(ctx, { tenantIdOrDomain, chatId, messageId }, 'react to', (current, row, tenantId) => {
    const p = memberParticipant(ctx, tenantId, row.chat_id, input.userId);
    if (hasReaction(current, p.userId, input.reactionType)) {
      throw new StateError('conflict', `user ${p.userId} already reacted ${input.reactionType}`);
    }
    const ms = ctx.timeAfter(row.last_modified_ms);
    return reactedMessage(
      current,
      newReaction(input.reactionType, { id: p.userId, userIdentityType: p.userIdentityType }, ms),
      ms,
    );
  });
}

export function unreact(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  messageId: string,
  input: ReactionInput,
): ChatMessageJson {
  const action = 'take a reaction back from';
  return changeMessage(ctx, { tenantIdOrDomain, chatId, messageId }, action, (current, row) => {
    const next = unreactedMessage(
      current,
      input.userId.toLowerCase(),
      input.reactionType,
      ctx.timeAfter(row.last_modified_ms),
    );
    if (!next)
      throw new StateError('reactionNotFound', `user ${input.userId} has no ${input.reactionType} reaction`);
    return next;
  });
}

export function writeSystemEvent(
  ctx: StateContext,
  tenantId: string,
  chatId: string,
  event: SystemEvent,
  initiator: EventUserIdentity,
): ChatMessageJson {
  const ms = ctx.freeMessageMs(tenantId, chatId, ctx.clock.now());
  const message = newChatMessage({
    createdMs: ms,
    chatId,
    messageType: 'systemEventMessage',
    from: null,
    body: SYSTEM_EVENT_BODY,
    eventDetail: eventDetailJson(event, initiator),
  });
  ctx.insertMessage(tenantId, message, null);
  return message;
}

/** Posts a system event caused by `by` (a member or directory user; the first member when absent). */
export function postSystemEvent(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  event: SystemEvent,
  by?: string,
): ChatMessageJson {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const chat = ctx.requireChat(tenant.id, chatId);
    return writeSystemEvent(ctx, tenant.id, chat.id, event, initiatorOf(ctx, tenant.id, chat.id, by));
  });
}

export interface PinResult {
  /** The pinnedChatMessageInfo id (Graph's examples show the message id). */
  pinnedId: string;
  event: ChatMessageJson;
}

export function pinMessage(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  messageId: string,
  options: { by?: string } = {},
): PinResult {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const row = ctx.requireMessage(tenant.id, chatId, messageId);
    checkRowWritable(row, 'pin');
    if (ctx.stmt.pinOfMessage.get(tenant.id, row.chat_id, row.id)) {
      throw new StateError('conflict', `message ${messageId} is already pinned`);
    }
    const initiator = initiatorOf(ctx, tenant.id, row.chat_id, options.by);
    const ms = ctx.clock.now();
    ctx.stmt.insertPin.run({
      tenant_id: tenant.id,
      chat_id: row.chat_id,
      id: row.id,
      message_id: row.id,
      pinned_ms: ms,
    });
    const event = writeSystemEvent(
      ctx,
      tenant.id,
      row.chat_id,
      { kind: 'messagePinned', eventMs: ms },
      initiator,
    );
    return { pinnedId: row.id, event };
  });
}

export function unpinMessage(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  pinnedId: string,
  options: { by?: string } = {},
): ChatMessageJson {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const chat = ctx.requireChat(tenant.id, chatId);
    if (!ctx.stmt.pin.get(tenant.id, chat.id, pinnedId)) {
      throw new StateError('pinNotFound', `no pinned message ${pinnedId} in chat ${chat.id}`);
    }
    const initiator = initiatorOf(ctx, tenant.id, chat.id, options.by);
    ctx.stmt.deletePin.run(tenant.id, chat.id, pinnedId);
    return writeSystemEvent(
      ctx,
      tenant.id,
      chat.id,
      { kind: 'messageUnpinned', eventMs: ctx.clock.now() },
      initiator,
    );
  });
}
