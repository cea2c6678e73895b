import type { GraphChatMessage } from '../../graph/tenant-graph-source';

/**
 * What a system event message says changed in its chat, so that an incremental run refreshes just
 * that: members, the pinned list, or the chat's own metadata (topic). Event kinds are Graph's
 * `eventDetail` types [system-messages].
 */
export type ChatChange = 'members' | 'pinned' | 'metadata';

const CHANGES: Record<string, ChatChange> = {
  '#microsoft.graph.membersAddedEventMessageDetail': 'members',
  '#microsoft.graph.membersDeletedEventMessageDetail': 'members',
  '#microsoft.graph.membersJoinedEventMessageDetail': 'members',
  '#microsoft.graph.membersLeftEventMessageDetail': 'members',
  '#microsoft.graph.conversationMemberRoleUpdatedEventMessageDetail': 'members',
  '#microsoft.graph.messagePinnedEventMessageDetail': 'pinned',
  '#microsoft.graph.messageUnpinnedEventMessageDetail': 'pinned',
  '#microsoft.graph.chatRenamedEventMessageDetail': 'metadata',
};

export function chatChangeOf(message: GraphChatMessage): ChatChange | undefined {
  const detail = message['eventDetail'] as { '@odata.type'?: unknown } | null | undefined;
  const type = detail && typeof detail['@odata.type'] === 'string' ? detail['@odata.type'] : undefined;
  return type === undefined ? undefined : CHANGES[type];
}
