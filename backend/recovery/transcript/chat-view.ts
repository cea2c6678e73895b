import type { ChatMemberRecord, ChatRecord, ChatType } from '../../store/backup-records';

/** A chat as browse lists it and a transcript heads it. */
export interface ChatSummary {
  chatId: string;
  chatType: ChatType;
  /** The topic, or the members' names when the chat has none (as Teams names 1:1 and unnamed chats). */
  title: string;
  topic: string | null;
  createdDateTime: string;
  webUrl: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  members: MemberView[];
}

export interface MemberView {
  userId: string;
  name: string;
  email: string | null;
  /** In the chat at the moment shown. */
  present: boolean;
  roles: string[];
}

/**
 * The chat and its members as the backup knew them at `at`: the topic then, the topic history up
 * to then, members first seen by then, with their stretches of membership cut at that moment.
 * Without `at`, as they are stored.
 */
export function chatAt(
  chat: ChatRecord,
  members: readonly ChatMemberRecord[],
  at?: string,
): { chat: ChatRecord; members: ChatMemberRecord[] } {
  if (at === undefined) return { chat, members: [...members] };
  const topicHistory = chat.topicHistory.filter((t) => t.seenAt <= at);
  const topic = topicHistory.length > 0 ? topicHistory[topicHistory.length - 1]!.topic : chat.topic;
  const clipped = members
    .filter((m) => m.firstSeenAt <= at)
    .map((m) => {
      const periods = m.periods
        .filter((p) => p.joinedSeenAt <= at)
        .map((p) => (p.leftSeenAt !== null && p.leftSeenAt > at ? { ...p, leftSeenAt: null } : p));
      const last = periods[periods.length - 1];
      return { ...m, periods, present: !!last && last.leftSeenAt === null };
    });
  return { chat: { ...chat, topic, topicHistory }, members: clipped };
}

export function chatSummary(chat: ChatRecord, members: readonly ChatMemberRecord[]): ChatSummary {
  const views: MemberView[] = members.map((m) => ({
    userId: m.userId,
    name: m.displayName || m.email || 'Unknown user',
    email: m.email,
    present: m.present,
    roles: m.roles,
  }));
  return {
    chatId: chat.chatId,
    chatType: chat.chatType,
    title: chatTitle(chat.topic, views),
    topic: chat.topic,
    createdDateTime: chat.createdDateTime,
    webUrl: chat.webUrl,
    firstSeenAt: chat.firstSeenAt,
    lastSeenAt: chat.lastSeenAt,
    members: views,
  };
}

function chatTitle(topic: string | null, members: MemberView[]): string {
  if (topic && topic.trim() !== '') return topic;
  const present = members.filter((m) => m.present);
  const names = (present.length > 0 ? present : members).map((m) => m.name);
  if (names.length === 0) return 'Chat';
  if (names.length <= 4) return names.join(', ');
  return `${names.slice(0, 3).join(', ')} and ${names.length - 3} others`;
}
