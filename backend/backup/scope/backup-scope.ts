import type { Actor } from '../../store/connection-records';

/**
 * Whose chats a tenant's backup reads: everyone (the default, new users included as they appear),
 * only the people listed, or everyone except them. A chat is kept when at least one of its members
 * is in scope (docs/backup-scope.md).
 */
export type ScopeMode = 'all' | 'only' | 'allExcept';

export const SCOPE_MODES: readonly ScopeMode[] = ['all', 'only', 'allExcept'];

/** A person named in the list, as the directory resolved them when the scope was saved. */
export interface ScopedUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
}

/** An Entra group named in the list, as the directory named it when the scope was saved. */
export interface ScopedGroup {
  id: string;
  displayName: string;
  /** How many user members it had when last read (at the save, then at each run that saw a change). */
  members?: number;
}

/**
 * The user members of each group a scope names, nesting expanded, as last read (by group id). Kept
 * beside the record (`scope-store.ts`): read at every run, so membership changes are picked up.
 */
export type GroupMembers = ReadonlyMap<string, readonly string[]>;

/** The per-tenant record, kept with the tenant's checkpoints (`backup:scope`). */
export interface BackupScopeRecord {
  mode: ScopeMode;
  /** The people `only` backs up or `allExcept` leaves out; empty for `all`. */
  users: ScopedUser[];
  /**
   * Groups whose user members (nested groups included) count as listed too; empty (or absent, in
   * records saved before groups could be named) for `all`.
   */
  groups?: ScopedGroup[];
  /** Bumped by every saved change; 0 while the tenant never changed its scope. */
  version: number;
  updatedAt?: string;
  updatedBy?: Actor;
  /**
   * When the users the list does not name last came into scope or left it; null while they never
   * changed (in scope from the start).
   */
  othersSince: string | null;
  /**
   * When each user whose time differs from `othersSince` last came into scope or left it (null:
   * from the start). A watermark set while the user was in scope since another time is not
   * trusted: their next run reads their whole history (docs/backup-scope.md, "Narrowing and
   * widening").
   */
  since: Record<string, string | null>;
}

export const DEFAULT_SCOPE: BackupScopeRecord = {
  mode: 'all',
  users: [],
  groups: [],
  version: 0,
  othersSince: null,
  since: {},
};

/**
 * A Cosmos DB item holds at most 2 MB [Azure Cosmos DB service quotas]: 5,000 named users (UPNs of
 * at most 113 characters, names clipped to `MAX_STORED_NAME`) and this many times stay below
 * `MAX_SCOPE_RECORD_BYTES`. Past it, times no watermark depends on are dropped (see `pruneSince`).
 */
export const MAX_SINCE_ENTRIES = 6_000;

/** Display names are labels in the record; the directory has them whole. */
export const MAX_STORED_NAME = 64;

/** The record's JSON is refused past this: well inside a Cosmos DB item, whatever else it carries. */
export const MAX_SCOPE_RECORD_BYTES = 1_800_000;

/** Whether the users the list does not name are in scope under `mode`. */
export function othersInScope(mode: ScopeMode): boolean {
  switch (mode) {
    case 'all':
    case 'allExcept':
      return true;
    case 'only':
      return false;
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown scope mode ${String(unreachable)}`);
    }
  }
}

/**
 * A scope record to ask questions of: who is in scope, and since when. The people the list names
 * are its users and the members of its groups, as given in `members` (a group without members
 * there names nobody).
 */
export class UserScope {
  private readonly named: Set<string>;

  constructor(
    readonly record: BackupScopeRecord,
    readonly members: GroupMembers = new Map(),
  ) {
    this.named = new Set(record.users.map((user) => user.id));
    for (const group of record.groups ?? []) {
      for (const userId of members.get(group.id) ?? []) this.named.add(userId);
    }
  }

  /** Everyone the list names: its users and its groups' members. */
  get namedIds(): ReadonlySet<string> {
    return this.named;
  }

  get mode(): ScopeMode {
    return this.record.mode;
  }

  /** Whether a run reads this directory user's chats. */
  covers(userId: string): boolean {
    switch (this.record.mode) {
      case 'all':
        return true;
      case 'only':
        return this.named.has(userId);
      case 'allExcept':
        return !this.named.has(userId);
      default: {
        const unreachable: never = this.record.mode;
        throw new Error(`unknown scope mode ${String(unreachable)}`);
      }
    }
  }

  /** Whether the list names this user (directly, or as a member of a group it names). */
  names(userId: string): boolean {
    return this.named.has(userId);
  }

  /** When the user last came into scope or left it; null when never (in scope from the start). */
  sinceOf(userId: string): string | null {
    return Object.hasOwn(this.record.since, userId) ? this.record.since[userId]! : this.record.othersSince;
  }
}

/** What a saved change did, for the audit trail and the reply to whoever made it. */
export interface ScopeChange {
  from: ScopeMode;
  to: ScopeMode;
  /** Named users (now or before) who came into scope; their next run reads their whole history. */
  entered: string[];
  /** Named users (now or before) who left it; what was backed up of them is kept. */
  left: string[];
  /** What became of everyone the lists do not name. */
  others: 'entered' | 'left' | 'unchanged';
}

/**
 * The record after a change saved at `at`: each user's "since" moves only if they crossed the
 * scope's edge. Pure: the service validates the input and stores the result.
 */
export function applyScopeChange(
  previous: BackupScopeRecord,
  next: { mode: ScopeMode; users: ScopedUser[]; groups?: ScopedGroup[] },
  at: string,
  actor: Actor,
  members: { before?: GroupMembers; after?: GroupMembers } = {},
): { record: BackupScopeRecord; change: ScopeChange } {
  const before = new UserScope(previous, members.before);
  const draft: BackupScopeRecord = {
    mode: next.mode,
    users:
      next.mode === 'all'
        ? []
        : next.users.map((user) => ({ ...user, displayName: user.displayName.slice(0, MAX_STORED_NAME) })),
    groups:
      next.mode === 'all'
        ? []
        : (next.groups ?? []).map((group) => ({
            ...group,
            displayName: group.displayName.slice(0, MAX_STORED_NAME),
          })),
    version: previous.version + 1,
    updatedAt: at,
    updatedBy: actor,
    othersSince: othersInScope(previous.mode) === othersInScope(next.mode) ? previous.othersSince : at,
    since: {},
  };
  const after = new UserScope(draft, members.after);
  const change: ScopeChange = {
    from: previous.mode,
    to: next.mode,
    entered: [],
    left: [],
    others:
      othersInScope(previous.mode) === othersInScope(next.mode)
        ? 'unchanged'
        : othersInScope(next.mode)
          ? 'entered'
          : 'left',
  };
  // Everyone else crossed (or not) with the unnamed users, whose time is `othersSince`.
  const concerned = new Set([...Object.keys(previous.since), ...before.namedIds, ...after.namedIds]);
  for (const userId of concerned) {
    const was = before.covers(userId);
    const is = after.covers(userId);
    if (was !== is) (is ? change.entered : change.left).push(userId);
    const since = was === is ? before.sinceOf(userId) : at;
    if (since !== draft.othersSince) draft.since[userId] = since;
  }
  draft.since = pruneSince(draft, members.after);
  return { record: draft, change };
}

/**
 * The record after the members of its groups changed in Entra (read by a run at `at`): the scope
 * itself is the same (same version), but people who joined or left a group crossed its edge, and
 * their "since" moves as a saved change would move it. Pure, like `applyScopeChange`.
 */
export function applyMembershipChange(
  record: BackupScopeRecord,
  before: GroupMembers,
  after: GroupMembers,
  at: string,
): { record: BackupScopeRecord; entered: string[]; left: string[] } {
  const was = new UserScope(record, before);
  const is = new UserScope(record, after);
  const next: BackupScopeRecord = {
    ...record,
    groups: (record.groups ?? []).map((group) => {
      const members = after.get(group.id);
      return members ? { ...group, members: members.length } : group;
    }),
    since: { ...record.since },
  };
  const entered: string[] = [];
  const left: string[] = [];
  for (const userId of new Set([...was.namedIds, ...is.namedIds])) {
    if (was.covers(userId) === is.covers(userId)) continue;
    (is.covers(userId) ? entered : left).push(userId);
    if (at === record.othersSince) delete next.since[userId];
    else next.since[userId] = at;
  }
  next.since = pruneSince(next, after);
  return { record: next, entered, left };
}

/**
 * Keeps the times under `MAX_SINCE_ENTRIES`, dropping first those no run depends on (users out of
 * scope: only their "since" shown to admins falls back), then in-scope times whose fallback
 * (`othersSince`) is no earlier, which can only make a watermark look older and cost a full read.
 * A time later than the fallback is never dropped: it is what keeps a stale watermark from being
 * trusted.
 */
export function pruneSince(
  record: BackupScopeRecord,
  members: GroupMembers = new Map(),
): Record<string, string | null> {
  const entries = Object.entries(record.since);
  if (entries.length <= MAX_SINCE_ENTRIES) return record.since;
  const scope = new UserScope(record, members);
  const fallback = record.othersSince;
  const rank = ([userId, since]: [string, string | null]): number => {
    if (!scope.covers(userId)) return 0;
    if (since === null || (fallback !== null && since <= fallback)) return 1;
    return 2;
  };
  const order = entries
    .map((entry) => ({ entry, rank: rank(entry) }))
    .sort((a, b) => a.rank - b.rank || (a.entry[1] ?? '').localeCompare(b.entry[1] ?? ''));
  const excess = entries.length - MAX_SINCE_ENTRIES;
  const dropped = new Set(
    order
      .filter((o) => o.rank < 2)
      .slice(0, excess)
      .map((o) => o.entry[0]),
  );
  return Object.fromEntries(entries.filter(([userId]) => !dropped.has(userId)));
}

/** Whether `next` names the same mode, people and groups as the record (saving it would change nothing). */
export function sameScope(
  record: BackupScopeRecord,
  next: { mode: ScopeMode; users: ScopedUser[]; groups?: ScopedGroup[] },
): boolean {
  if (record.mode !== next.mode) return false;
  if (next.mode === 'all') return true;
  const sameIds = (a: readonly { id: string }[], b: readonly { id: string }[]) => {
    const ids = new Set(a.map((item) => item.id));
    return ids.size === b.length && b.every((item) => ids.has(item.id));
  };
  return sameIds(record.users, next.users) && sameIds(record.groups ?? [], next.groups ?? []);
}
