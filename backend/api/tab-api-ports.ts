import type { BackupStatus } from '../backup/backup-status';
import type { RunMode } from '../backup/run/active-run';
import type { BackupSchedule } from '../backup/schedule/backup-schedule';
import type { ScopeService } from '../backup/scope/scope-service';
import type { ConnectionService } from '../connection/connection-service';
import type { AdminService } from '../governance/admin-service';
import type { UserDirectory } from '../directory/user-directory';
import type { AuditLog } from '../governance/audit-log';
import type { NotificationService } from '../notifications/notification-service';
import type { RunTrigger } from '../store/backup-records';
import type { BackupStore } from '../store/backup-store';

/**
 * What the tab API needs from the rest of ChatVault, as narrow views of the services: the real
 * services satisfy them (the backup through `backupControl`), and a test may pass a fake of
 * exactly these methods.
 */

/** The connection service, as is. */
export type TabConnections = Pick<ConnectionService, 'testAndSave' | 'retest' | 'remove' | 'status'>;

/** The backup engine as the tab drives it (`backupControl` adapts `BackupService`). */
export interface TabBackup {
  /**
   * Starts a run and resolves with its id once it is recorded. Rejects with `RunInProgressError`
   * while a run is under way, and with `BackupError` `not_connected` when the tenant has no saved
   * connection.
   */
  startRun(
    tenantId: string,
    options: { trigger: RunTrigger; mode: 'auto' | 'full' },
  ): Promise<{ runId: string; mode: RunMode }>;
  /** Asks the run under way to stop; resolves its id, or undefined when none is under way. */
  cancel(tenantId: string): Promise<string | undefined>;
  status(tenantId: string): Promise<BackupStatus>;
  schedule(tenantId: string): Promise<{ schedule: BackupSchedule; nextRunAt?: string }>;
  /** Rejects with `ScheduleError` for intervals that make no sense. */
  setSchedule(tenantId: string, change: Partial<BackupSchedule>): Promise<BackupSchedule>;
}

/** The store's reads behind the run history and the per-user table. */
export type TabBackupReads = Pick<
  BackupStore,
  'listRuns' | 'getRun' | 'listUsers' | 'listChats' | 'getMembers' | 'countMessages' | 'getLatestFinishedRun'
>;

/**
 * The tenant's ChatVault admins: governance's `AdminService` as is. It resolves people in the
 * tenant's directory, keeps the last admin, and audits `admin_added` / `admin_removed` itself.
 */
export type TabAdmins = Pick<
  AdminService,
  'isAdmin' | 'tenantHasAdmins' | 'claimFirstAdmin' | 'addAdmin' | 'removeAdmin' | 'list'
>;

/** Where status cards go: `NotificationService` as is (it audits `unsubscribed` itself). */
export type TabNotificationTargets = Pick<NotificationService, 'list' | 'unsubscribe'>;

/** The tenant's one audit trail: governance's `AuditLog`. This API records the backup actions in it. */
export type TabAuditLog = Pick<AuditLog, 'record' | 'list'>;

export class RunInProgressError extends Error {
  readonly reason = 'run_in_progress';
  constructor(readonly runId: string) {
    super(`A backup is already running (run ${runId}). Wait for it to finish, or cancel it.`);
    this.name = 'RunInProgressError';
  }
}

/**
 * Whose chats are backed up (ScopeService as is; it validates, audits and answers ScopeErrors), and
 * each user's place in it for the per-user table.
 */
export type TabScope = Pick<ScopeService, 'get' | 'set' | 'summary' | 'placesOf'>;

/**
 * The tenant's people for the scope picker: governance's `UserDirectory` (discovered users, then
 * Microsoft Graph through the tenant's app). It may reject with `DirectoryError`.
 */
export type TabDirectory = Pick<UserDirectory, 'search'>;
