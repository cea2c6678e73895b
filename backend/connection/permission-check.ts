/**
 * What ChatVault needs from the token's `roles` (application permissions always appear there, never
 * in `scp`), and what to say when something is missing.
 *
 * Message content needs Chat.Read.All or Chat.ReadWrite.All. Finding whose chats to back up needs
 * the list of users, which no Chat.* permission grants: User.Read.All (or a broader directory
 * permission). The setup guide v6.0.0 asks only for the two Chat permissions in step 11; an app
 * set up exactly that way cannot back anything up, so the test says so instead of passing.
 */
export const CHAT_MESSAGE_ROLES = ['Chat.Read.All', 'Chat.ReadWrite.All'] as const;
export const USER_LIST_ROLES = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;

export type PermissionVerdict =
  | { ok: true; granted: string[] }
  /** No roles at all: permissions were added but admin consent was never granted. */
  | { ok: false; reason: 'consent_missing'; granted: string[] }
  | { ok: false; reason: 'permission_missing'; granted: string[]; missing: string[] };

export function checkPermissions(roles: unknown): PermissionVerdict {
  const granted = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  if (granted.length === 0) return { ok: false, reason: 'consent_missing', granted };
  const missing: string[] = [];
  // The least privilege that works is named: Chat.Read.All, User.Read.All.
  if (!CHAT_MESSAGE_ROLES.some((r) => granted.includes(r))) missing.push('Chat.Read.All');
  if (!USER_LIST_ROLES.some((r) => granted.includes(r))) missing.push('User.Read.All');
  return missing.length === 0
    ? { ok: true, granted }
    : { ok: false, reason: 'permission_missing', granted, missing };
}
