import type { ScopedUser, ScopeMode } from '../../backend/backup/scope/backup-scope';
import { ScopeError } from '../../backend/backup/scope/scope-error';
import { groupEntry, groupReference } from '../../backend/backup/scope/scope-group-entries';
import type { BackupScopeView, ScopedGroupView } from '../../backend/backup/scope/scope-service';
import { SCOPE_MODE_LABEL, SCOPE_RULE_SENTENCE } from '../../backend/backup/scope/scope-texts';
import { text, type CommandContext, type Reply } from './command-context';

/** Entries the reply lists before "and N more": a chat message stays readable for a long list. */
const SHOWN_USERS = 20;

/** `scope`: the mode, who is listed, how many that makes, and the rule. */
export async function scope(ctx: CommandContext, result?: string): Promise<Reply> {
  const tenantId = ctx.tenant.tenantId;
  const [current, summary] = await Promise.all([
    ctx.services.scope.get(tenantId),
    ctx.services.scope.summary(tenantId),
  ]);
  const lines: string[] = [];
  if (result) lines.push(result);
  lines.push(`**Backup scope:** ${SCOPE_MODE_LABEL[current.mode]}. ${summary.sentence}.`);
  if (current.mode !== 'all') {
    const verb = current.mode === 'only' ? 'Backed up' : 'Left out';
    if (current.users.length > 0) lines.push(`${verb}: ${listed(current.users)}`);
    if (current.groups.length > 0) lines.push(`${verb}, the members of: ${listedGroups(current.groups)}`);
  }
  lines.push(SCOPE_RULE_SENTENCE, HOW_TO_CHANGE);
  return text(lines.join('\n\n'));
}

const HOW_TO_CHANGE =
  'To change it: scope add <upn> or scope remove <upn> for one person; scope only <upn>, <upn>… to ' +
  'back up only those people; scope except <upn>, <upn>… to back up everyone but them; scope all to ' +
  'back up everyone. An Entra group counts as its members, nested groups included, as they are at ' +
  'each backup: group:<name or object id> in place of a UPN (quote a name with spaces: ' +
  'group:"Sales Team"). Naming groups needs the app permission GroupMember.Read.All, with admin consent.';

/** `scope add <upn>`: brings one person into the scope without changing the mode. */
export async function scopeAdd(ctx: CommandContext, user: string): Promise<Reply> {
  if (user === '') return text('Say whom to add: scope add <upn, object id or group:<name>>.');
  const current = await ctx.services.scope.get(ctx.tenant.tenantId);
  const onList = isListed(current, user);
  switch (current.mode) {
    case 'all':
      return text(
        'Everyone is backed up already, so nobody needs adding. To back up only some people, type ' +
          'scope only <upn>, <upn>… (everyone not listed then leaves the scope).',
      );
    case 'only':
      if (onList) return scope(ctx, `${user} is already in the backup scope.`);
      return save(ctx, current, 'only', [...entriesOf(current), user]);
    case 'allExcept':
      if (!onList) return scope(ctx, `${user} is already in the backup scope (not on the list left out).`);
      return save(ctx, current, 'allExcept', entriesOf(current, user));
    default:
      return unknownMode(current.mode);
  }
}

/** `scope remove <upn>`: takes one person out of the scope without changing the mode. */
export async function scopeRemove(ctx: CommandContext, user: string): Promise<Reply> {
  if (user === '') return text('Say whom to remove: scope remove <upn, object id or group:<name>>.');
  const current = await ctx.services.scope.get(ctx.tenant.tenantId);
  const onList = isListed(current, user);
  switch (current.mode) {
    case 'all':
      return text(
        'Everyone is backed up now. To leave some people out, type scope except <upn>, <upn>… ' +
          '(what was backed up of them is kept).',
      );
    case 'only':
      if (!onList) return scope(ctx, `${user} is not on the list backed up, so nothing changed.`);
      return save(ctx, current, 'only', entriesOf(current, user));
    case 'allExcept':
      if (onList) return scope(ctx, `${user} is already left out of the backup.`);
      return save(ctx, current, 'allExcept', [...entriesOf(current), user]);
    default:
      return unknownMode(current.mode);
  }
}

/** `scope all`, `scope only …`, `scope except …`: replaces the scope as typed. */
export async function scopeSet(ctx: CommandContext, mode: ScopeMode, users: string[]): Promise<Reply> {
  return save(ctx, undefined, mode, users);
}

/**
 * Saves through ScopeService (it checks the list against the directory and audits), against the
 * version just read, so a change saved meanwhile from the tab is not overwritten.
 */
async function save(
  ctx: CommandContext,
  current: BackupScopeView | undefined,
  mode: ScopeMode,
  users: string[],
): Promise<Reply> {
  try {
    const result = await ctx.services.scope.set(
      ctx.tenant.tenantId,
      ctx.actor,
      { mode, users },
      current ? { expectedVersion: current.version } : {},
    );
    return scope(ctx, result.changed ? `Saved. ${result.message}` : result.message);
  } catch (error) {
    if (!(error instanceof ScopeError)) throw error;
    return text(`Not changed: ${error.message}`);
  }
}

function names(user: ScopedUser, entry: string): boolean {
  const key = entry.trim().toLowerCase();
  return user.id.toLowerCase() === key || user.userPrincipalName.toLowerCase() === key;
}

/** A `group:` entry names this group by its object id or its display name (any case). */
function namesGroup(group: ScopedGroupView, entry: string): boolean {
  const key = groupReference(entry)?.toLowerCase();
  return key === group.id.toLowerCase() || key === group.displayName.toLowerCase();
}

function isListed(current: BackupScopeView, entry: string): boolean {
  return groupReference(entry) === undefined
    ? current.users.some((u) => names(u, entry))
    : current.groups.some((g) => namesGroup(g, entry));
}

/** The saved list as entries to save again (groups by object id), without what `except` names. */
function entriesOf(current: BackupScopeView, except?: string): string[] {
  const isGroup = except !== undefined && groupReference(except) !== undefined;
  return [
    ...current.users.filter((u) => except === undefined || isGroup || !names(u, except)).map((u) => u.id),
    ...current.groups
      .filter((g) => except === undefined || !isGroup || !namesGroup(g, except))
      .map((g) => groupEntry(g.id)),
  ];
}

function listed(users: readonly ScopedUser[]): string {
  const shown = users.slice(0, SHOWN_USERS).map((u) => `${u.displayName} (${u.userPrincipalName})`);
  const more = users.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more.` : `${shown.join(', ')}.`;
}

function listedGroups(groups: readonly ScopedGroupView[]): string {
  const shown = groups.map((g) => `${g.displayName} (${g.members} ${g.members === 1 ? 'person' : 'people'})`);
  return `${shown.join(', ')}.`;
}

function unknownMode(mode: never): never {
  throw new Error(`unknown scope mode ${String(mode)}`);
}
