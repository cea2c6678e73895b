import type { GraphChat, GraphChatMember } from '../../graph/tenant-graph-source';
import type { ChatInput, ChatMemberInput, ChatType } from '../../store/backup-records';

/** `$expand=members` on a chat listing returns at most this many members [chat-list]. */
export const EXPANDED_MEMBERS_CAP = 25;

const CHAT_TYPES: readonly ChatType[] = ['oneOnOne', 'group', 'meeting', 'unknownFutureValue'];

/**
 * A chat's metadata as the store keeps it. The expanded members are left out of `raw`: they are
 * kept as member records with their own history, and would otherwise make every listing look like
 * a change of the chat.
 */
export function chatInput(chat: GraphChat): ChatInput {
  const raw: Record<string, unknown> = { ...chat };
  delete raw['members'];
  delete raw['members@odata.context'];
  return {
    chatId: chat.id,
    chatType: (CHAT_TYPES as readonly string[]).includes(chat.chatType)
      ? (chat.chatType as ChatType)
      : 'unknownFutureValue',
    topic: chat.topic ?? null,
    createdDateTime: chat.createdDateTime,
    lastUpdatedDateTime: chat.lastUpdatedDateTime,
    webUrl: chat.webUrl ?? null,
    raw,
  };
}

/**
 * The complete member list the listing carried, or undefined when it may be cut short: Graph stops
 * at 25 expanded members, so 25 (or no list at all) means "read `/members`".
 */
export function expandedMembers(chat: GraphChat): ChatMemberInput[] | undefined {
  if (!Array.isArray(chat.members) || chat.members.length >= EXPANDED_MEMBERS_CAP) return undefined;
  return chat.members.map(memberInput);
}

export function memberInput(member: GraphChatMember): ChatMemberInput {
  return {
    // Members from outside the directory (anonymous or external) may come without a user id.
    userId: member.userId ?? member.id,
    membershipId: member.id,
    displayName: member.displayName ?? null,
    email: member.email ?? null,
    roles: Array.isArray(member.roles) ? member.roles : [],
    memberTenantId: member.tenantId ?? null,
    visibleHistoryStartDateTime: member.visibleHistoryStartDateTime ?? null,
  };
}
