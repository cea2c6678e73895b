/** Why a scope was not saved. Nothing is changed whichever it is. */
export type ScopeErrorReason =
  /** `mode` is not one of all, only, allExcept. */
  | 'invalid_mode'
  /** `users` is not a list of strings. */
  | 'invalid_users'
  /** More entries than `MAX_SCOPE_USERS`. */
  | 'too_many_users'
  /** `only` or `allExcept` with nobody listed. */
  | 'users_required'
  /** `all` with a list. */
  | 'users_not_allowed'
  /** An entry that cannot be a UPN or an object id (too long, control characters). */
  | 'invalid_entry'
  /** The same person listed twice (the same text, or a UPN and the id of one user). */
  | 'duplicate_users'
  /** Entries the tenant's directory does not know (another tenant's users included). */
  | 'unknown_users'
  /** `group:` entries naming no group of this tenant (another tenant's groups included). */
  | 'unknown_groups'
  /** `group:` entries naming a display name several groups share: the object id tells them apart. */
  | 'ambiguous_groups'
  /** More `group:` entries than `MAX_SCOPE_GROUPS`. */
  | 'too_many_groups'
  /** A group with more user members than a scope keeps (`MAX_GROUP_MEMBERS`). */
  | 'group_too_large'
  /**
   * `group:` entries while the app's token (read now, as the connection test reads it) has no
   * permission that reads group members, or no app is connected to read them with.
   */
  | 'group_permission_missing'
  /** `expectedVersion` is not a whole number. */
  | 'invalid_version'
  /** The scope changed since the version the caller showed (`expectedVersion`). */
  | 'conflict'
  /** Another save of this tenant's scope is under way. */
  | 'busy'
  /** The directory could not be asked; try again. */
  | 'directory_unavailable';

/** The request field an error is about, as the tab's API reports it. */
export type ScopeField = 'mode' | 'users' | 'expectedVersion';

export class ScopeError extends Error {
  constructor(
    readonly reason: ScopeErrorReason,
    message: string,
    readonly field?: ScopeField,
    /** The entries concerned (unknown, repeated, malformed), as the caller sent them. */
    readonly entries: string[] = [],
  ) {
    super(message);
    this.name = 'ScopeError';
  }
}

/** The HTTP status the tab's API answers a scope error with. */
export function scopeErrorStatus(reason: ScopeErrorReason): 400 | 409 | 503 {
  switch (reason) {
    case 'invalid_mode':
    case 'invalid_users':
    case 'too_many_users':
    case 'users_required':
    case 'users_not_allowed':
    case 'invalid_entry':
    case 'duplicate_users':
    case 'unknown_users':
    case 'unknown_groups':
    case 'ambiguous_groups':
    case 'too_many_groups':
    case 'group_too_large':
    case 'group_permission_missing':
    case 'invalid_version':
      return 400;
    case 'conflict':
    case 'busy':
      return 409;
    case 'directory_unavailable':
      return 503;
    default: {
      const unreachable: never = reason;
      throw new Error(`unknown scope error ${String(unreachable)}`);
    }
  }
}
