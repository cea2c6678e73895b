import { isDirectoryError } from '../../directory/directory-error';
import type { DirectoryPerson, UserDirectory } from '../../directory/user-directory';
import { SCOPE_MODES, type ScopedUser, type ScopeMode } from './backup-scope';
import { ScopeError } from './scope-error';
import { groupReference, MAX_SCOPE_GROUPS } from './scope-group-entries';
import { listEntries } from './scope-texts';

/**
 * What the tab and the bot send: the mode and, for `only` and `allExcept`, UPNs or object ids, and
 * Entra groups as `group:<object id or display name>` entries of the same list.
 */
export interface ScopeInput {
  mode: ScopeMode;
  users?: readonly string[];
}

/**
 * The longest list a scope takes. A list is resolved entry by entry against the directory when it is
 * saved, and kept in one stored record; a tenant that wants most people in or out names the others.
 */
export const MAX_SCOPE_USERS = 5_000;

/** UPNs are at most 113 characters and object ids 36 (Entra ID limits); this leaves room for guests' `#EXT#` names. */
export const MAX_ENTRY_LENGTH = 256;

/** In no UPN or object id: a NUL or a stray escape from a paste. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Directory lookups under way at once while a list is resolved. */
const LOOKUP_CONCURRENCY = 8;

/**
 * Splits a pasted list (one per line, or separated by commas, semicolons or spaces) into entries.
 * A group's display name with spaces is quoted: `group:"Sales Team"` stays one entry.
 */
export function splitUserList(text: string): string[] {
  return text.match(/group:"[^"]*"|[^\s,;]+/gi) ?? [];
}

/**
 * Checks what can be checked without the directory, cheapest first, so a 10,000-line paste is
 * refused before a single lookup. Blank entries (a trailing newline of a paste) are dropped.
 */
export function checkScopeInput(input: unknown): { mode: ScopeMode; entries: string[] } {
  const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const mode = body['mode'];
  if (typeof mode !== 'string' || !(SCOPE_MODES as readonly string[]).includes(mode)) {
    throw new ScopeError('invalid_mode', 'Choose what to back up: all, only or allExcept.', 'mode');
  }
  const raw = body['users'] ?? [];
  if (!Array.isArray(raw) || raw.some((entry) => typeof entry !== 'string')) {
    throw new ScopeError('invalid_users', 'The users must be a list of UPNs or object ids.', 'users');
  }
  if (raw.length > MAX_SCOPE_USERS) {
    throw new ScopeError(
      'too_many_users',
      `A scope lists at most ${MAX_SCOPE_USERS.toLocaleString('en-US')} users; this list has ` +
        `${raw.length.toLocaleString('en-US')}. To back up most of the tenant, list the people to ` +
        'leave out instead (allExcept); to leave most out, list the people to keep (only).',
      'users',
    );
  }
  const entries = (raw as string[]).map((entry) => entry.trim()).filter((entry) => entry !== '');
  const scopeMode = mode as ScopeMode;
  if (scopeMode === 'all' && entries.length > 0) {
    throw new ScopeError(
      'users_not_allowed',
      'Backing up everyone takes no list. To leave people out, choose allExcept.',
      'users',
    );
  }
  if (scopeMode !== 'all' && entries.length === 0) {
    throw new ScopeError(
      'users_required',
      scopeMode === 'only'
        ? 'List at least one user to back up, or choose all.'
        : 'List at least one user to leave out, or choose all.',
      'users',
    );
  }
  const malformed = entries.filter(
    (entry) =>
      entry.length > MAX_ENTRY_LENGTH || CONTROL_CHARACTERS.test(entry) || groupReference(entry) === '',
  );
  if (malformed.length > 0) {
    throw new ScopeError(
      'invalid_entry',
      `Not a UPN, an object id or a group: ${listEntries(malformed.map((e) => (e.length > 40 ? `${e.slice(0, 40)}…` : e)))}.`,
      'users',
      malformed,
    );
  }
  const groups = entries.filter((entry) => groupReference(entry) !== undefined);
  if (groups.length > MAX_SCOPE_GROUPS) {
    throw new ScopeError(
      'too_many_groups',
      `A scope names at most ${MAX_SCOPE_GROUPS} groups; this list has ${groups.length}. Name a group ` +
        'that holds the others (nested groups count), or list people.',
      'users',
      groups,
    );
  }
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const entry of entries) {
    const key = entry.toLowerCase();
    if (seen.has(key)) repeated.add(entry);
    seen.add(key);
  }
  if (repeated.size > 0) {
    throw new ScopeError(
      'duplicate_users',
      `Listed more than once: ${listEntries([...repeated])}. Remove the repeats and save again.`,
      'users',
      [...repeated],
    );
  }
  return { mode: scopeMode, entries };
}

/**
 * Each entry as the tenant's directory knows it (by UPN or object id). Entries it does not know —
 * misspelt, gone, or another tenant's users — are one field-level error naming them all; two
 * entries that are one person (a UPN and that user's id) are another.
 */
export async function resolveScopeUsers(
  tenantId: string,
  entries: readonly string[],
  directory: Pick<UserDirectory, 'find'>,
): Promise<ScopedUser[]> {
  let found: (DirectoryPerson | undefined)[];
  try {
    found = await lookUpAll(entries, (entry) => directory.find(tenantId, entry));
  } catch (error) {
    if (!isDirectoryError(error)) throw error;
    throw new ScopeError(
      'directory_unavailable',
      `The tenant's directory could not be read (${error.message}). Nothing was changed; try again in a moment.`,
    );
  }
  const unknown = entries.filter((_entry, i) => found[i] === undefined);
  if (unknown.length > 0) {
    throw new ScopeError(
      'unknown_users',
      `Not found in this tenant's directory: ${listEntries(unknown)}` +
        `${unknown.length > 1 ? ` (${unknown.length.toLocaleString('en-US')} of ${entries.length.toLocaleString('en-US')} entries)` : ''}. ` +
        'Check the spelling, or use the object id shown in Entra ID; people of other tenants cannot be listed.',
      'users',
      unknown,
    );
  }
  const byId = new Map<string, string>();
  const samePerson: string[] = [];
  const repeats: string[] = [];
  const users: ScopedUser[] = [];
  entries.forEach((entry, i) => {
    const person = found[i]!;
    const first = byId.get(person.id);
    if (first !== undefined) {
      samePerson.push(`${first} and ${entry} (${person.displayName})`);
      repeats.push(entry);
      return;
    }
    byId.set(person.id, entry);
    users.push({
      id: person.id,
      userPrincipalName: person.userPrincipalName,
      displayName: person.displayName,
    });
  });
  if (samePerson.length > 0) {
    throw new ScopeError(
      'duplicate_users',
      `The same person is listed twice: ${listEntries(samePerson)}. Keep one entry for each.`,
      'users',
      repeats,
    );
  }
  return users;
}

/** Every entry looked up, `LOOKUP_CONCURRENCY` at a time; the first failure stops the rest. */
async function lookUpAll<T>(entries: readonly string[], find: (entry: string) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(entries.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < entries.length) {
      const i = next++;
      try {
        results[i] = await find(entries[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, entries.length) }, worker));
  return results;
}
