import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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
  UserScope,
  type BackupScopeRecord,
  type ScopeChange,
  type ScopedUser,
  type ScopeMode,
} from './backup-scope';
import { ScopeError } from './scope-error';
import { checkScopeInput, resolveScopeUsers, type ScopeInput } from './scope-input';
import { readScope, SCOPE_LEASE, writeScope } from './scope-store';
import { scopeChangeSentence, scopeSummarySentence } from './scope-texts';

export interface ScopeServiceDeps {
  store: Pick<
    BackupStore,
    'getCheckpoint' | 'putCheckpoint' | 'acquireLease' | 'releaseLease' | 'listUsers' | 'getUser'
  >;
  /** Resolves each listed UPN or id against the tenant's directory when a scope is saved. */
  directory: Pick<UserDirectory, 'find'>;
  /** Where `scope_changed` is recorded (the ConnectionStore's audit trail). */
  audit: Pick<ConnectionStore, 'appendAudit'>;
  clock: Pick<Clock, 'now'>;
}

/** The tenant's scope as the tab and the bot show it. */
export interface BackupScopeView {
  tenantId: string;
  mode: ScopeMode;
  /** The people `only` backs up or `allExcept` leaves out, as resolved when saved. */
  users: ScopedUser[];
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
  /** People the list names. */
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
const SAVE_POLL_MS = 100;

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
   * is in `field`, the entries concerned in `entries`.
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
    const users = await resolveScopeUsers(tenantId, entries, this.deps.directory);
    const lease = await this.takeSaveLease(tenantId);
    try {
      const previous = await readScope(this.deps.store, tenantId);
      this.checkVersion(previous, options);
      if (sameScope(previous, { mode, users })) {
        return {
          scope: view(tenantId, previous),
          changed: false,
          message: 'The backup scope is already this.',
        };
      }
      const at = this.deps.clock.now().toISOString();
      const { record, change } = applyScopeChange(previous, { mode, users }, at, actor);
      if (Buffer.byteLength(JSON.stringify(record)) > MAX_SCOPE_RECORD_BYTES) {
        // Only lists near the limit with very long names get here; a shorter list always fits.
        throw new ScopeError(
          'too_many_users',
          'This list is too large to keep as one scope. List fewer people: to back up most of the ' +
            'tenant, list those to leave out (allExcept); to leave most out, list those to keep (only).',
          'users',
        );
      }
      await writeScope(this.deps.store, tenantId, record);
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
          entered: change.entered.length,
          left: change.left.length,
          others: change.others,
          version: record.version,
        },
      });
      return { scope: view(tenantId, record), changed: true, change, message: scopeChangeSentence(change) };
    } finally {
      await this.deps.store.releaseLease(lease).catch(() => false);
    }
  }

  /** "Backing up 412 of 430 users", with its numbers. */
  async summary(tenantId: string): Promise<ScopeSummary> {
    const scope = new UserScope(await readScope(this.deps.store, tenantId));
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
    const counts = { mode: scope.mode, listed: scope.record.users.length, total, inScope, notBackedUp };
    return { ...counts, sentence: scopeSummarySentence(counts) };
  }

  /** The directory users the backup found, by user id, each with their place in the scope. */
  async users(tenantId: string, options: PageOptions = {}): Promise<Page<UserScopeStatus>> {
    const scope = new UserScope(await readScope(this.deps.store, tenantId));
    const page = await this.deps.store.listUsers(tenantId, options);
    return { ...page, items: page.items.map((user) => userStatus(scope, user)) };
  }

  /** One user's place in the scope; undefined for a user no backup has found. */
  async user(tenantId: string, userId: string): Promise<UserScopeStatus | undefined> {
    const found = await this.deps.store.getUser(tenantId, userId);
    if (!found) return undefined;
    return userStatus(new UserScope(await readScope(this.deps.store, tenantId)), found);
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
    const holder = `scope:${randomUUID()}`;
    const giveUpAt = Date.now() + SAVE_WAIT_MS;
    for (;;) {
      const lease = await this.deps.store.acquireLease(tenantId, SCOPE_LEASE, holder, SAVE_LEASE_TTL_MS);
      if (lease) return lease;
      if (Date.now() >= giveUpAt) {
        throw new ScopeError(
          'busy',
          'Another change of the backup scope is being saved. Try again in a moment.',
        );
      }
      await sleep(SAVE_POLL_MS);
    }
  }
}

function view(tenantId: string, record: BackupScopeRecord): BackupScopeView {
  return {
    tenantId,
    mode: record.mode,
    users: record.users,
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
