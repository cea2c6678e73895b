/**
 * Application permissions (token `roles`) each route accepts; the shell answers 403 when the token
 * has none of them. Taken from the Permissions table of each v1.0 API page.
 */

/**
 * List users / Get user, application: User.Read.All, User.ReadWrite.All, Directory.Read.All,
 * Directory.ReadWrite.All [user-list, user-get]. The permissions reference also lists an application
 * User.ReadBasic.All, but neither operation accepts it (callers report 403
 * `Authorization_RequestDenied` with only that role), and no Chat.* permission reads the directory.
 */
export const DIRECTORY_READ_ROLES = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;

/**
 * Message content: list/get chat messages, getAllMessages and its delta, hosted contents, pinned
 * messages [chat-list-messages, chats-getallmessages, chatmessage-delta, chat-list-pinnedmessages].
 */
export const CHAT_MESSAGE_READ_ROLES = ['Chat.Read.All', 'Chat.ReadWrite.All'] as const;

/**
 * Chat names and members without message content: list chats (`/users/{id}/chats`) and get chat.
 * Chat.ReadBasic.All reads "names and members of all chat threads", no messages [chat-list].
 */
export const CHAT_BASIC_READ_ROLES = ['Chat.ReadBasic.All', 'Chat.Read.All', 'Chat.ReadWrite.All'] as const;

/** List chat members also takes the ChatMember.* application permissions [chat-list-members]. */
export const CHAT_MEMBER_READ_ROLES = [
  ...CHAT_BASIC_READ_ROLES,
  'ChatMember.Read.All',
  'ChatMember.ReadWrite.All',
] as const;

/**
 * Get group and list groups, application: GroupMember.Read.All, Group.Read.All, Directory.Read.All,
 * Group.ReadWrite.All, Directory.ReadWrite.All [group-get, group-list].
 */
export const GROUP_READ_ROLES = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Directory.Read.All',
  'Group.ReadWrite.All',
  'Directory.ReadWrite.All',
] as const;

/**
 * List group transitive members, application: GroupMember.Read.All, Group.Read.All,
 * GroupMember.ReadWrite.All, Group.ReadWrite.All, Directory.Read.All
 * [group-list-transitivemembers]. Directory.ReadWrite.All is not in that page's table.
 */
export const GROUP_MEMBER_READ_ROLES = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
] as const;

export function hasAnyRole(roles: readonly string[], wanted: readonly string[]): boolean {
  return wanted.some((role) => roles.includes(role));
}
