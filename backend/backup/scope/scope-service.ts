import type { Clock } from '../../connection/clock';
import type { UserDirectory } from '../../directory/user-directory';
import type { DirectoryUser, Lease, Page, PageOptions, UserState } from '../../store/backup-records';
import type { BackupStore } from '../../store/backup-store';
import type { Actor } from '../../store/connection-records';
import type { ConnectionStore } from '../../store/connection-store';
import { isBackedUp } from '../discovery/user-states';
import {
  applyScopeChange,
  MAX_SCOPE_RECORD_BYTES,
  sameScope,
  type BackupScopeRecord,
  type ScopeChange,
  type ScopedGroup,
  type ScopedUser,
  type ScopeMode,
  type UserScope,
} from './backup-scope';
import { ScopeError } from './scope-error';
import { groupReference } from './scope-group-entries';
import type { ScopeGroupSource } from './scope-group-source';
import { resolveScopeGroups } from './scope-groups';
import { checkScopeInput, resolveScopeUsers, type ScopeInput } from './scope-input';
import {
  deleteGroupMembers,
  loadUserScope,
  readGroupMembers,
  readScope,
  takeScopeLease,
  writeGroupMembers,
  writeScope,
} from './scope-store';
import { scopeChangeSentence, scopeSummarySentence } from './scope-texts';

export interface ScopeServiceDeps {
  store: Pick<
    BackupStore,
    | 'getCheckpoint'
    | 'putCheckpoint'
    | 'deleteCheckpoint'
    | 'acquireLease'
    | 'releaseLease'
    | 'listUsers'
    | 'getUser'
  >;
  /** Resolves each listed UPN or id against the tenant's directory when a scope is saved. */
  directory: Pick<UserDirectory, 'find'>;
  /** Where `scope_changed` is recorded (the ConnectionStore's audit trail). */
  audit: Pick<ConnectionStore, 'appendAudit'>;
  clock: Pick<Clock, 'now'>;
  /**
   * Entra groups named in a list (`group:<object id or display name>`), read through the tenant's
   * app with a token issued at the save. Without it, lists naming groups are refused.
   */
  groups?: ScopeGroupSource;
}

/** A named group as the tab and the bot show it. */
export interface ScopedGroupView extends ScopedGroup {
  /** Its user members (nested groups expanded) when last read: at the save, then at each run. */
  members: number;
}

/** The tenant's scope as the tab and the bot show it. */
export interface BackupScopeView {
  tenantId: string;
  mode: ScopeMode;
  /** The people `only` backs up or `allExcept` leaves out, as resolved when saved. */
  users: ScopedUser[];
  /** The groups whose members `only` backs up or `allExcept` leaves out besides `users`. */
  groups: ScopedGroupView[];
  /** Pass it back as `expectedVersion` so a save made meanwhile by someone else is not overwritten. */
  version: number;
  updatedAt?: string;
  updatedBy?: Actor;
}

export interface ScopeSaveResult {
  scope: BackupScopeView;
  /** False when the scope was already this (nothing written, nothing audited). */
  changed: boolean;
  change?: ScopeChange;
  /** What the change means, in a sentence for the reply. */
  message: string;
}

/** The status card's numbers. */
export interface ScopeSummary {
  mode: ScopeMode;
  /** People the list names: its users and its groups' members as last read. */
  listed: number;
  /** Users of the directory as the last backup found it (deleted ones left out). */
  total: number;
  /** Of them, those in scope. */
  inScope: number;
  /** In scope but not backed up: no Teams license or a disabled account. */
  notBackedUp: number;
  /** "Backing up 412 of 430 users". */
  sentence: string;
}

/** One row of the tab's per-user table, as far as the scope goes. */
export interface UserScopeStatus {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  state: UserState;
  inScope: boolean;
  /** When they last came into scope or left it; null: in scope from the start (never changed). */
  since: string | null;
  /** In scope and readable (licensed, enabled): runs back their chats up. */
  backedUp: boolean;
  lastBackedUpAt?: string;
}

export interface SetScopeOptions {
  /** The `version` the caller last showed: a save made since then is a `conflict`. */
  expectedVersion?: number;
}

const SAVE_LEASE_TTL_MS = 15_000;
const SAVE_WAIT_MS = 5_000;

/**
 * Whose chats a tenant's backup reads (issue: backup scope). The bot and the tab are thin adapters
 * over it: `get`, `set` (validated against the tenant's directory, audited), `summary` for the
 * status card and `users` for the per-user table. The engine reads the same record at each run
 * (`run-scope.ts`); docs/backup-scope.md has the rule and what changing it does.
 */
export class ScopeService {
  constructor(private readonly deps: ScopeServiceDeps) {}

  async get(tenantId: string): Promise<BackupScopeView> {
    return view(tenantId, await readScope(this.deps.store, tenantId));
  }

  /**
   * Saves the tenant's scope. Rejects with a `ScopeError` (nothing changed) for a bad mode, a list
   * too long, repeated, or naming anyone the tenant's directory does not know; the field it is about
   * is in `field`, the entries concerned in `entries`. `group:` entries are resolved and their
   * members read now, through the tenant's app (see `resolveScopeGroups`).
   */
  async set(
    tenantId: string,
    actor: Actor,
    input: ScopeInput,
    options: SetScopeOptions = {},
  ): Promise<ScopeSaveResult> {
    const { mode, entries } = checkScopeInput(input);
    if (options.expectedVersion !== undefined && !Number.isInteger(options.expectedVersion)) {
      throw new ScopeError(
        'invalid_version',
        'The expected version must be a whole number.',
        'expectedVersion',
      );
    }
    // Refused early too (no lookups for a stale form); checked again under the lease.
    this.checkVersion(await readScope(this.deps.store, tenantId), options);
    // Lookups first, outside the lease: a long list may take a while to resolve.
    const groupEntries = entries.filter((entry) => groupReference(entry) !== undefined);
    const users = await resolveScopeUsers(
      tenantId,
      entries.filter((entry) => groupReference(entry) === undefined),
      this.deps.directory,
    );
    const resolved = await resolveScopeGroups(tenantId, groupEntries, this.deps.groups);
    const groups = resolved.map((r) => ({ ...r.group, members: r.members.length }));
    const members = new Map(resolved.map((r) => [r.group.id, r.members]));
    const lease = await this.takeSaveLease(tenantId);
    try {
      const previous = await readScope(this.deps.store, tenantId);
      this.checkVersion(previous, options);
      const before = await readGroupMembers(this.deps.store, tenantId, previous.groups ?? []);
      if (sameScope(previous, { mode, users, groups })) {
        return {
          scope: view(tenantId, previous),
          changed: false,
          message: 'The backup scope is already this.',
        };
      }
      const at = this.deps.clock.now().toISOString();
      const { record, change } = applyScopeChange(previous, { mode, users, groups }, at, actor, {
        before,
        after: members,
      });
      if (Buffer.byteLength(JSON.stringify(record)) > MAX_SCOPE_RECORD_BYTES) {
        // Only lists near the limit with very long names get here; a shorter list always fits.
        throw new ScopeError(
          'too_many_users',
          'This list is too large to keep as one scope. List fewer people: to back up most of the ' +
            'tenant, list those to leave out (allExcept); to leave most out, list those to keep (only).',
          'users',
        );
      }
      // Members first: a process that reads the record finds the members of every group it names.
      for (const [groupId, ids] of members) {
        await writeGroupMembers(this.deps.store, tenantId, { groupId, members: ids, readAt: at });
      }
      await writeScope(this.deps.store, tenantId, record);
      const named = new Set((record.groups ?? []).map((g) => g.id));
      for (const group of previous.groups ?? []) {
        if (!named.has(group.id)) await deleteGroupMembers(this.deps.store, tenantId, group.id);
      }
      await this.deps.audit.appendAudit({
        tenantId,
        at,
        actor,
        action: 'scope_changed',
        subject: record.mode,
        details: {
          from: change.from,
          to: change.to,
          listed: record.users.length,
          // Only when groups are or were named: the entries of people-only scopes stay as they were.
          ...(named.size > 0 || (previous.groups ?? []).length > 0
            ? { groups: named.size, groupIds: [...named].join(',') }
            : {}),
          entered: change.entered.length,
          left: change.left.length,
          others: change.others,
          version: record.version,
        },
      });
      return {
        scope: view(tenantId, record),
        changed: true,
        change,
        message: scopeChangeSentence(change),
      };
    } finally {
      await this.deps.store.releaseLease(lease).catch(() => false);
    }
  }

  /** "Backing up 412 of 430 users", with its numbers. */
  async summary(tenantId: string): Promise<ScopeSummary> {
    const scope = await loadUserScope(this.deps.store, tenantId);
    let total = 0;
    let inScope = 0;
    let notBackedUp = 0;
    for await (const user of this.allUsers(tenantId)) {
      if (user.state === 'deleted' || user.state === 'notFound') continue;
      total++;
      if (!scope.covers(user.userId)) continue;
      inScope++;
      if (!isBackedUp(user.state)) notBackedUp++;
    }
    const counts = { mode: scope.mode, listed: scope.namedIds.size, total, inScope, notBackedUp };
    return { ...counts, sentence: scopeSummarySentence(counts) };
  }

  /** The directory users the backup found, by user id, each with their place in the scope. */
  /**
   * Whether each of these users is in scope, and since when: the scope (and its groups' members)
   * read once, whatever the number of users. The per-user table calls it with the users it listed.
   */
  async placesOf(
    tenantId: string,
    userIds: readonly string[],
  ): Promise<Map<string, Pick<UserScopeStatus, 'inScope' | 'since'>>> {
    const scope = await loadUserScope(this.deps.store, tenantId);
    return new Map(userIds.map((id) => [id, { inScope: scope.covers(id), since: scope.sinceOf(id) }]));
  }

  async users(tenantId: string, options: PageOptions = {}): Promise<Page<UserScopeStatus>> {
    const scope = await loadUserScope(this.deps.store, tenantId);
    const page = await this.deps.store.listUsers(tenantId, options);
    return { ...page, items: page.items.map((user) => userStatus(scope, user)) };
  }

  /** One user's place in the scope; undefined for a user no backup has found. */
  async user(tenantId: string, userId: string): Promise<UserScopeStatus | undefined> {
    const found = await this.deps.store.getUser(tenantId, userId);
    if (!found) return undefined;
    return userStatus(await loadUserScope(this.deps.store, tenantId), found);
  }

  private async *allUsers(tenantId: string): AsyncGenerator<DirectoryUser> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listUsers(tenantId, { limit: 1000, cursor });
      yield* page.items;
      cursor = page.next;
    } while (cursor);
  }

  private checkVersion(previous: BackupScopeRecord, options: SetScopeOptions): void {
    if (options.expectedVersion !== undefined && options.expectedVersion !== previous.version) {
      throw new ScopeError(
        'conflict',
        'Someone changed the backup scope meanwhile. Look at it again, then save your change.',
        'expectedVersion',
      );
    }
  }

  private async takeSaveLease(tenantId: string): Promise<Lease> {
    const lease = await takeScopeLease(this.deps.store, tenantId, {
      ttlMs: SAVE_LEASE_TTL_MS,
      waitMs: SAVE_WAIT_MS,
    });
    if (!lease) {
      throw new ScopeError(
        'busy',
        'Another change of the backup scope is being saved. Try again in a moment.',
      );
    }
    return lease;
  }
}

function view(tenantId: string, record: BackupScopeRecord): BackupScopeView {
  return {
    tenantId,
    mode: record.mode,
    users: record.users,
    groups: (record.groups ?? []).map((group) => ({
      id: group.id,
      displayName: group.displayName,
      members: group.members ?? 0,
    })),
    version: record.version,
    ...(record.updatedAt ? { updatedAt: record.updatedAt } : {}),
    ...(record.updatedBy ? { updatedBy: record.updatedBy } : {}),
  };
}

function userStatus(scope: UserScope, user: DirectoryUser): UserScopeStatus {
  const inScope = scope.covers(user.userId);
  return {
    userId: user.userId,
    userPrincipalName: user.upn,
    displayName: user.displayName,
    state: user.state,
    inScope,
    since: scope.sinceOf(user.userId),
    backedUp: inScope && isBackedUp(user.state),
    ...(user.lastBackedUpAt ? { lastBackedUpAt: user.lastBackedUpAt } : {}),
  };
}
