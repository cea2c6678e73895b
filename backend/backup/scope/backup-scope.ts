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

/** The per-tenant record, kept with the tenant's checkpoints (`backup:scope`). */
export interface BackupScopeRecord {
  mode: ScopeMode;
  /** The people `only` backs up or `allExcept` leaves out; empty for `all`. */
  users: ScopedUser[];
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

/** A scope record to ask questions of: who is in scope, and since when. */
export class UserScope {
  private readonly named: Set<string>;

  constructor(readonly record: BackupScopeRecord) {
    this.named = new Set(record.users.map((user) => user.id));
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

  /** Whether the list names this user. */
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
  next: { mode: ScopeMode; users: ScopedUser[] },
  at: string,
  actor: Actor,
): { record: BackupScopeRecord; change: ScopeChange } {
  const before = new UserScope(previous);
  const draft: BackupScopeRecord = {
    mode: next.mode,
    users:
      next.mode === 'all'
        ? []
        : next.users.map((user) => ({ ...user, displayName: user.displayName.slice(0, MAX_STORED_NAME) })),
    version: previous.version + 1,
    updatedAt: at,
    updatedBy: actor,
    othersSince: othersInScope(previous.mode) === othersInScope(next.mode) ? previous.othersSince : at,
    since: {},
  };
  const after = new UserScope(draft);
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
  const concerned = new Set([
    ...Object.keys(previous.since),
    ...previous.users.map((user) => user.id),
    ...draft.users.map((user) => user.id),
  ]);
  for (const userId of concerned) {
    const was = before.covers(userId);
    const is = after.covers(userId);
    if (was !== is) (is ? change.entered : change.left).push(userId);
    const since = was === is ? before.sinceOf(userId) : at;
    if (since !== draft.othersSince) draft.since[userId] = since;
  }
  draft.since = pruneSince(draft);
  return { record: draft, change };
}

/**
 * Keeps the times under `MAX_SINCE_ENTRIES`, dropping first those no run depends on (users out of
 * scope: only their "since" shown to admins falls back), then in-scope times whose fallback
 * (`othersSince`) is no earlier, which can only make a watermark look older and cost a full read.
 * A time later than the fallback is never dropped: it is what keeps a stale watermark from being
 * trusted.
 */
export function pruneSince(record: BackupScopeRecord): Record<string, string | null> {
  const entries = Object.entries(record.since);
  if (entries.length <= MAX_SINCE_ENTRIES) return record.since;
  const scope = new UserScope(record);
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

/** Whether `next` names the same mode and people as the record (saving it would change nothing). */
export function sameScope(
  record: BackupScopeRecord,
  next: { mode: ScopeMode; users: ScopedUser[] },
): boolean {
  if (record.mode !== next.mode) return false;
  if (next.mode === 'all') return true;
  const ids = new Set(record.users.map((user) => user.id));
  return ids.size === next.users.length && next.users.every((user) => ids.has(user.id));
}
