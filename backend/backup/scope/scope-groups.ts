import { GUIDE_STEPS } from '../../connection/guide-steps';
import { isGuid } from '../../connection/input-checks';
import { GraphReadError } from '../../graph/tenant-graph-source';
import type { ScopedGroup } from './backup-scope';
import { ScopeError } from './scope-error';
import { GROUP_MEMBER_ROLES, groupReference, MAX_GROUP_MEMBERS } from './scope-group-entries';
import type { GroupReader, ScopeGroupSource } from './scope-group-source';
import { listEntries } from './scope-texts';

/** A named group as found now, with its user members (nesting expanded, each once, lower case). */
export interface ResolvedGroup {
  group: ScopedGroup;
  members: string[];
}

/**
 * Each `group:` entry as the tenant's Entra ID knows it, with its members read now. Refused, with a
 * field-level `ScopeError` and nothing saved: an app whose token (issued now) carries no role that
 * reads group members, entries naming no group of this tenant or a name several groups share, the
 * same group twice, a group too large to keep.
 */
export async function resolveScopeGroups(
  tenantId: string,
  entries: readonly string[],
  source: ScopeGroupSource | undefined,
): Promise<ResolvedGroup[]> {
  if (entries.length === 0) return [];
  const reader = await openReader(tenantId, entries, source);
  try {
    return await resolveWith(reader, entries);
  } catch (error) {
    throw asScopeError(error, entries);
  }
}

async function openReader(
  tenantId: string,
  entries: readonly string[],
  source: ScopeGroupSource | undefined,
): Promise<GroupReader> {
  if (!source) {
    throw new ScopeError(
      'group_permission_missing',
      'This ChatVault installation does not read Entra groups. List the people by UPN or object id.',
      'users',
      [...entries],
    );
  }
  const access = await source.open(tenantId);
  switch (access.kind) {
    case 'not_connected':
      throw new ScopeError(
        'group_permission_missing',
        'Groups are read through your organization’s app connection, and none is saved yet: ' +
          'connect the app first (Test & Save Connection), then name groups.',
        'users',
        [...entries],
      );
    case 'no_token':
      throw new ScopeError(
        'directory_unavailable',
        `The groups could not be read: no token was had for the saved app. ${access.message} Nothing was changed.`,
      );
    case 'token':
      if (!GROUP_MEMBER_ROLES.some((role) => access.roles.includes(role))) {
        throw new ScopeError('group_permission_missing', permissionMissing(access.roles), 'users', [
          ...entries,
        ]);
      }
      return access.reader;
    default: {
      const unreachable: never = access;
      throw new Error(`unknown group access ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Which permission to add, where, and that consent is what makes it count. */
function permissionMissing(roles: readonly string[]): string {
  const has =
    roles.length > 0 ? `it has ${roles.join(', ')}` : 'it has none at all: admin consent was never granted';
  return (
    'Choosing people by Entra group needs the Microsoft Graph application permission ' +
    `GroupMember.Read.All (or ${GROUP_MEMBER_ROLES.slice(1).join(', ')}), which the app’s token does not ` +
    `carry (${has}). Add GroupMember.Read.All to the app in Entra ID (setup guide: ` +
    `${GUIDE_STEPS['setup-8-11']}), then have an administrator grant admin consent for it ` +
    `(${GUIDE_STEPS['setup-12']}): without consent the permission does not count. Then save again. ` +
    'Nothing was changed.'
  );
}

async function resolveWith(reader: GroupReader, entries: readonly string[]): Promise<ResolvedGroup[]> {
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  const found: { entry: string; group: ScopedGroup }[] = [];
  for (const entry of entries) {
    const reference = groupReference(entry)!;
    // An object id is looked up as one; a display name that looks like one is not worth a second try.
    const groups = isGuid(reference)
      ? [await reader.group(reference.toLowerCase())].filter((g): g is ScopedGroup => g !== undefined)
      : await reader.groupsNamed(reference);
    if (groups.length === 0) unknown.push(entry);
    else if (groups.length > 1) ambiguous.push(entry);
    else found.push({ entry, group: groups[0]! });
  }
  if (unknown.length > 0) {
    throw new ScopeError(
      'unknown_groups',
      `No such group in this tenant’s Entra ID: ${listEntries(unknown)}. Check the name, or use the ` +
        'group’s object id shown in Entra ID; groups of other tenants cannot be named.',
      'users',
      unknown,
    );
  }
  if (ambiguous.length > 0) {
    throw new ScopeError(
      'ambiguous_groups',
      `Several groups have this name: ${listEntries(ambiguous)}. Name the one you mean by its object ` +
        'id (group:<object id>, shown in Entra ID).',
      'users',
      ambiguous,
    );
  }
  const seen = new Map<string, string>();
  const repeats: string[] = [];
  for (const { entry, group } of found) {
    const first = seen.get(group.id);
    if (first !== undefined) repeats.push(entry);
    else seen.set(group.id, entry);
  }
  if (repeats.length > 0) {
    throw new ScopeError(
      'duplicate_users',
      `The same group is named twice: ${listEntries(repeats)}. Keep one entry for each.`,
      'users',
      repeats,
    );
  }
  const resolved: ResolvedGroup[] = [];
  for (const { entry, group } of found) {
    resolved.push({ group, members: await readMembers(reader, group, entry) });
  }
  return resolved;
}

/** Every user member of the group, refused past `MAX_GROUP_MEMBERS`. */
export async function readMembers(
  reader: Pick<GroupReader, 'userMembers'>,
  group: ScopedGroup,
  entry: string = `group:${group.id}`,
): Promise<string[]> {
  const members = new Set<string>();
  for await (const page of reader.userMembers(group.id)) {
    for (const user of page) members.add(user.id.toLowerCase());
    if (members.size > MAX_GROUP_MEMBERS) {
      throw new ScopeError(
        'group_too_large',
        `The group "${group.displayName}" has more than ${MAX_GROUP_MEMBERS.toLocaleString('en-US')} people, ` +
          'more than a scope keeps for one group. Name smaller groups, or back up everyone but a list ' +
          '(allExcept).',
        'users',
        [entry],
      );
    }
  }
  return [...members];
}

function asScopeError(error: unknown, entries: readonly string[]): unknown {
  if (error instanceof ScopeError || !(error instanceof GraphReadError)) return error;
  if (error.reason === 'forbidden') {
    return new ScopeError(
      'group_permission_missing',
      `Microsoft Graph refused to read the groups (${error.message}) Grant the app GroupMember.Read.All ` +
        `with admin consent (setup guide: ${GUIDE_STEPS['setup-8-11']}; ${GUIDE_STEPS['setup-12']}). ` +
        'Nothing was changed.',
      'users',
      [...entries],
    );
  }
  return new ScopeError(
    'directory_unavailable',
    `The groups could not be read (${error.message}). Nothing was changed; try again in a moment.`,
  );
}
