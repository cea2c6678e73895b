/**
 * A run's units of work, as the store keys them (`<kind>:<id>`). A key names what to read, never
 * how far: resuming an item reads it again, and idempotent writes make that harmless. The same key
 * added twice is one item, which is what deduplicates a group chat seen through each of its members.
 */
export type WorkItem =
  /** List a user's chats with their members (discovery, or a refresh after a rename or a new chat). */
  | { kind: 'chats'; userId: string }
  /** Read every message of every chat of a user (getAllMessages) within the run's window for them. */
  | { kind: 'read'; userId: string }
  /** Read the messages a user sent (getAllMessages split by sender). */
  | { kind: 'sender'; userId: string }
  /** Read one chat's messages (per-chat listing) within the run's window for it. */
  | { kind: 'list'; chatId: string }
  /** Read a chat's complete member list (past the 25 members `$expand` returns). */
  | { kind: 'members'; chatId: string }
  /** Read a chat's pinned messages. */
  | { kind: 'pinned'; chatId: string };

export type WorkItemKind = WorkItem['kind'];

const KINDS: readonly WorkItemKind[] = ['chats', 'read', 'sender', 'list', 'members', 'pinned'];

export function workItemKey(item: WorkItem): string {
  switch (item.kind) {
    case 'chats':
    case 'read':
    case 'sender':
      return `${item.kind}:${item.userId}`;
    case 'list':
    case 'members':
    case 'pinned':
      return `${item.kind}:${item.chatId}`;
    default: {
      const unreachable: never = item;
      throw new Error(`unknown work item ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The item a key names; chat ids hold colons themselves, so only the first one separates. */
export function parseWorkItemKey(key: string): WorkItem {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon) as WorkItemKind;
  const id = key.slice(colon + 1);
  if (colon < 1 || id === '' || !KINDS.includes(kind)) throw new Error(`not a work item key: ${key}`);
  switch (kind) {
    case 'chats':
    case 'read':
    case 'sender':
      return { kind, userId: id };
    case 'list':
    case 'members':
    case 'pinned':
      return { kind, chatId: id };
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown work item kind ${String(unreachable)}`);
    }
  }
}
