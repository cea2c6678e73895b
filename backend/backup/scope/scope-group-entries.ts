/**
 * Entra groups in a scope's list: `group:<object id or display name>`, one entry of the same list
 * as the people (the tab's text box, the bot's `scope only …`), quoted when a display name has
 * spaces in a typed list: `group:"Sales Team"`. The saved scope keeps each group by object id.
 */
const PREFIX = /^group:/i;

/** The most groups a scope names: each is read whole when the scope is saved and at every run. */
export const MAX_SCOPE_GROUPS = 20;

/**
 * The most user members a named group may have. Its members are stored as one value per group (a
 * Cosmos DB item holds at most 2 MB [Azure Cosmos DB service quotas]): 40,000 object ids take about
 * 1.6 MB.
 */
export const MAX_GROUP_MEMBERS = 40_000;

/**
 * Application permissions that read a group and list its transitive members: the intersection of
 * the tables of get group, list groups [group-get, group-list] and list group transitive members
 * [group-list-transitivemembers], least privileged first. Directory.ReadWrite.All reads groups but
 * is not in the transitive members table, so it is not counted.
 */
export const GROUP_MEMBER_ROLES = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'GroupMember.ReadWrite.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
] as const;

/** The group an entry names (quotes dropped), '' for `group:` alone, undefined for a person. */
export function groupReference(entry: string): string | undefined {
  if (!PREFIX.test(entry)) return undefined;
  const rest = entry.replace(PREFIX, '').trim();
  const quoted = /^"(.*)"$/s.exec(rest);
  return (quoted ? quoted[1]! : rest).trim();
}

/** How a saved group is written back into a list (by object id: names can change or repeat). */
export function groupEntry(groupId: string): string {
  return `group:${groupId}`;
}
