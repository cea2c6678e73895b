import {
  chatJson,
  memberJson,
  onlineMeetingInfo,
  type ChatJson,
  type ChatType,
  type MemberJson,
} from './directory-json';
import type { SystemEvent } from './event-detail-json';
import { groupChatId, guidFrom, hexFrom, meetingChatId, oneOnOneChatId } from './graph-ids';
import type { ChatMessageJson } from './message-json';
import { writeSystemEvent } from './messages';
import {
  eventUser,
  initiatorOf,
  memberParticipant,
  resolveParticipant,
  type Participant,
  type ParticipantInput,
} from './participants';
import { parseMember, type ChatRow, type StateContext } from './state-context';
import { StateError } from './state-error';

/** Chats and their membership. Membership and topic changes leave system event messages behind, as in Teams. */

export interface ChatRecord {
  tenantId: string;
  id: string;
  chatType: ChatType;
  createdMs: number;
  lastUpdatedMs: number;
  json: ChatJson;
}

export interface NewChat {
  chatType: ChatType;
  /** Group and meeting chats only. */
  topic?: string | null;
  members: ParticipantInput[];
  /** A directory user among `members`; the first member when absent. */
  createdBy?: string;
}

export function toChatRecord(row: ChatRow): ChatRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    chatType: row.chat_type,
    createdMs: row.created_ms,
    lastUpdatedMs: row.last_updated_ms,
    json: JSON.parse(row.json) as ChatJson,
  };
}

/** Roles Graph lists: owners in chats, none for meeting attendees, `guest` for outsiders. */
export function memberRoles(chatType: ChatType, p: Participant, isOrganizer: boolean): string[] {
  if (p.external) return ['guest'];
  if (chatType === 'meeting') return isOrganizer ? ['owner'] : [];
  return ['owner'];
}

export function insertMember(
  ctx: StateContext,
  tenantId: string,
  chatId: string,
  p: Participant,
  roles: string[],
  visibleHistoryStartMs: number | null,
): MemberJson {
  const { n } = ctx.stmt.nextMemberOrdinal.get(tenantId, chatId) as { n: number };
  const json = memberJson({
    chatId,
    userId: p.userId,
    displayName: p.displayName,
    email: p.email,
    tenantId: p.tenantId,
    roles,
    visibleHistoryStartMs,
  });
  ctx.stmt.insertMember.run({
    tenant_id: tenantId,
    chat_id: chatId,
    membership_id: json.id,
    user_id: p.userId,
    ordinal: n,
    json: JSON.stringify(json),
  });
  return json;
}

export function createChat(ctx: StateContext, tenantIdOrDomain: string, c: NewChat): ChatRecord {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const people = c.members.map((m) => resolveParticipant(ctx, tenant, m));
    if (new Set(people.map((p) => p.userId)).size !== people.length) {
      throw new StateError('invalid', 'a chat lists each member once');
    }
    const creator =
      c.createdBy === undefined ? people[0] : people.find((p) => p.userId === c.createdBy?.toLowerCase());
    if (!creator || creator.userIdentityType !== 'aadUser') {
      throw new StateError('invalid', 'createdBy must be a directory user among the members');
    }
    const topic = c.topic ?? null;
    switch (c.chatType) {
      case 'oneOnOne':
        if (people.length !== 2) throw new StateError('invalid', 'a oneOnOne chat has exactly two members');
        if (topic !== null) throw new StateError('invalid', 'a oneOnOne chat has no topic');
        break;
      case 'group':
        if (people.length < 2) throw new StateError('invalid', 'a group chat has at least two members');
        break;
      case 'meeting':
        if (people.length < 1) throw new StateError('invalid', 'a meeting chat has at least its organizer');
        break;
      default: {
        const unreachable: never = c.chatType;
        throw new StateError('invalid', `unknown chat type ${String(unreachable)}`);
      }
    }
    const seq = ctx.nextSeq(tenant.id);
    const ms = ctx.clock.now();
    const id =
      c.chatType === 'oneOnOne'
        ? oneOnOneChatId(people[0]!.userId, people[1]!.userId)
        : c.chatType === 'group'
          ? groupChatId(hexFrom(32, tenant.id, 'group', seq, ms))
          : meetingChatId(guidFrom(tenant.id, 'meeting', seq, ms));
    if (ctx.stmt.chat.get(tenant.id, id)) throw new StateError('conflict', `chat ${id} already exists`);
    const json = chatJson({
      id,
      tenantId: tenant.id,
      chatType: c.chatType,
      topic,
      createdMs: ms,
      lastUpdatedMs: ms,
      onlineMeetingInfo:
        c.chatType === 'meeting'
          ? onlineMeetingInfo(
              id,
              tenant.id,
              creator.userId,
              Buffer.from(guidFrom(id, 'event')).toString('base64'),
            )
          : null,
    });
    ctx.stmt.insertChat.run({
      tenant_id: tenant.id,
      id,
      chat_type: c.chatType,
      created_ms: ms,
      last_updated_ms: ms,
      json: JSON.stringify(json),
    });
    for (const p of people)
      insertMember(ctx, tenant.id, id, p, memberRoles(c.chatType, p, p === creator), null);
    if (c.chatType === 'group') {
      const added = people.filter((p) => p !== creator).map(eventUser);
      const event: SystemEvent = { kind: 'membersAdded', members: added, visibleHistoryStartMs: null };
      writeSystemEvent(ctx, tenant.id, id, event, eventUser(creator));
    }
    return toChatRecord(ctx.requireChat(tenant.id, id));
  });
}

function requireMultiParty(chat: ChatRow): void {
  if (chat.chat_type === 'oneOnOne') {
    throw new StateError('invalid', `chat ${chat.id} is a oneOnOne chat: its members and topic are fixed`);
  }
}

export interface AddMemberOptions {
  by?: string;
  /** Whether the newcomer sees earlier messages (Teams asks when adding someone). Default true. */
  shareHistory?: boolean;
}

/** Adds a member and writes the membersAdded event; returns the event message. */
export function addMember(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  input: ParticipantInput,
  options: AddMemberOptions = {},
): ChatMessageJson {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const chat = ctx.requireChat(tenant.id, chatId);
    requireMultiParty(chat);
    const p = resolveParticipant(ctx, tenant, input);
    if (ctx.member(tenant.id, chat.id, p.userId)) {
      throw new StateError('conflict', `user ${p.userId} is already a member of chat ${chat.id}`);
    }
    const initiator = initiatorOf(ctx, tenant.id, chat.id, options.by);
    const ms = ctx.clock.now();
    const historyFrom = options.shareHistory === false ? ms : null;
    insertMember(ctx, tenant.id, chat.id, p, memberRoles(chat.chat_type, p, false), historyFrom);
    const event: SystemEvent = {
      kind: 'membersAdded',
      members: [eventUser(p)],
      visibleHistoryStartMs: historyFrom,
    };
    return writeSystemEvent(ctx, tenant.id, chat.id, event, initiator);
  });
}

/**
 * Removes a member. Someone leaving on their own (`by` absent or the member) is a membersLeft
 * event; being removed by someone else is membersDeleted.
 */
export function removeMember(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  userId: string,
  options: { by?: string } = {},
): ChatMessageJson {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const chat = ctx.requireChat(tenant.id, chatId);
    requireMultiParty(chat);
    const leaving = memberParticipant(ctx, tenant.id, chat.id, userId);
    const by = options.by ?? leaving.userId;
    const initiator = initiatorOf(ctx, tenant.id, chat.id, by);
    const row = ctx.member(tenant.id, chat.id, leaving.userId)!;
    ctx.stmt.deleteMember.run(tenant.id, chat.id, row.membership_id);
    const members = [eventUser(leaving)];
    const event: SystemEvent =
      initiator.id === leaving.userId
        ? { kind: 'membersLeft', members }
        : { kind: 'membersDeleted', members };
    return writeSystemEvent(ctx, tenant.id, chat.id, event, initiator);
  });
}

export function renameChat(
  ctx: StateContext,
  tenantIdOrDomain: string,
  chatId: string,
  topic: string,
  options: { by?: string } = {},
): ChatMessageJson {
  return ctx.write(() => {
    const tenant = ctx.requireTenant(tenantIdOrDomain);
    const chat = ctx.requireChat(tenant.id, chatId);
    requireMultiParty(chat);
    const initiator = initiatorOf(ctx, tenant.id, chat.id, options.by);
    ctx.touchChat(tenant.id, chat.id, ctx.clock.now(), (json) => {
      json.topic = topic;
    });
    const event: SystemEvent = { kind: 'chatRenamed', chatId: chat.id, chatDisplayName: topic };
    return writeSystemEvent(ctx, tenant.id, chat.id, event, initiator);
  });
}

export function listMembers(ctx: StateContext, tenantId: string, chatId: string): MemberJson[] {
  return (ctx.stmt.members.all(tenantId, chatId) as Parameters<typeof parseMember>[0][]).map(parseMember);
}
