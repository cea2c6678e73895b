import type { BackupStatus, StartRunOptions } from '../backend/backup/backup-service';
import type { BackupListener } from '../backend/backup/run/progress-events';
import type { BackupSchedule } from '../backend/backup/schedule/backup-schedule';
import type {
  BackupScopeView,
  ScopeSaveResult,
  ScopeSummary,
  SetScopeOptions,
} from '../backend/backup/scope/scope-service';
import type { ScopeInput } from '../backend/backup/scope/scope-input';
import type { Clock } from '../backend/connection/clock';
import type { ConnectionReport, ConnectionStatusView } from '../backend/connection/connection-service';
import type { ConnectionInput } from '../backend/connection/input-checks';
import type { TenantBinding } from '../backend/connection/tenant-binding';
import type { AddAdminResult, AdminPerson } from '../backend/governance/admin-service';
import type { AuditRecordOptions } from '../backend/governance/audit-log';
import type { TenantAdmin } from '../backend/governance/tenant-admins';
import type { SubscribeInput, SubscribeResult } from '../backend/notifications/notification-service';
import type { NotificationTarget } from '../backend/notifications/notification-targets';
import type { Logger } from '../backend/observability/logger';
import type { ExportRequest } from '../backend/recovery/export/export-service';
import type { MessageCounts, Page, PageOptions, RunRecord } from '../backend/store/backup-records';
import type { Actor, AuditAction } from '../backend/store/connection-records';

/**
 * What the bot asks of the backend, as small ports of its own: the lead wires the real services
 * (see `create-bot.ts`), the specs use in-memory fakes or the real ones against the simulator.
 * Every method takes the tenant the bot bound from the signed activity; none takes it from a card.
 */

/** Test & Save and the status view (ConnectionService fits as it is). */
export interface BotConnection {
  testAndSave(tenant: TenantBinding, input: ConnectionInput, actor: Actor): Promise<ConnectionReport>;
  status(tenantId: string): Promise<ConnectionStatusView>;
}

/** The backup engine as the bot drives it (BackupService plus two reads of its store). */
export interface BotBackup {
  /** Starts or joins the tenant's run; rejects with a BackupError `not_connected` without a connection. */
  startRun(tenantId: string, options: StartRunOptions): Promise<void>;
  /** Asks the run under way to stop; false when none is. */
  cancel(tenantId: string): Promise<boolean>;
  status(tenantId: string): Promise<BackupStatus>;
  schedule(tenantId: string): Promise<{ schedule: BackupSchedule; nextRunAt?: string }>;
  /** Rejects with a ScheduleError (`invalid_schedule`) for intervals the engine refuses. */
  setSchedule(tenantId: string, change: Partial<BackupSchedule>): Promise<BackupSchedule>;
  /** Every run's start, progress and end, whichever tenant; returns the unsubscribe. */
  onProgress(listener: BackupListener): () => void;
  /** Newest first. */
  listRuns(tenantId: string, options?: PageOptions): Promise<Page<RunRecord>>;
  countMessages(tenantId: string): Promise<MessageCounts>;
}

/**
 * Who may manage a tenant's ChatVault (AdminService fits as it is). Refusals are GovernanceErrors
 * with a stable code and a sentence to show (`unknown_user`, `last_admin`, `not_found`,
 * `invalid_input`, `not_admin`, `directory_unavailable`); changes audit themselves.
 */
export interface BotAdmins {
  isAdmin(tenantId: string, userId: string): Promise<boolean>;
  tenantHasAdmins(tenantId: string): Promise<boolean>;
  list(tenantId: string): Promise<TenantAdmin[]>;
  /**
   * After a Test & Save that saved: makes the person the tenant's first admin, only while it has
   * none (of two racing, exactly one). Resolves true when this call made them admin.
   */
  claimFirstAdmin(tenantId: string, person: AdminPerson): Promise<boolean>;
  /** By UPN or object id, looked up in the tenant's directory. */
  addAdmin(tenantId: string, actor: Actor, upnOrId: string): Promise<AddAdminResult>;
  /** By object id or the UPN on the admin's record; never the last admin. */
  removeAdmin(tenantId: string, actor: Actor, userIdOrUpn: string): Promise<TenantAdmin>;
}

/** The tenant's audit trail (AuditLog fits as it is): the bot records the backup actions it takes. */
export interface BotAudit {
  record(tenantId: string, actor: Actor, action: AuditAction, options?: AuditRecordOptions): Promise<unknown>;
}

/** Where the tenant's notices go (NotificationService fits as it is; it audits its changes). */
export interface BotNotificationTargets {
  subscribe(tenantId: string, actor: Actor, input: SubscribeInput): Promise<SubscribeResult>;
  /** Rejects with a GovernanceError `not_found` when the tenant has no such target. */
  unsubscribe(tenantId: string, actor: Actor, targetId: string): Promise<NotificationTarget>;
  list(tenantId: string): Promise<NotificationTarget[]>;
}

/**
 * Whose chats the tenant's backup reads (ScopeService fits as it is). `set` rejects with a
 * ScopeError (a stable reason and a sentence to show) and audits what it saves.
 */
export interface BotScope {
  get(tenantId: string): Promise<BackupScopeView>;
  set(tenantId: string, actor: Actor, input: ScopeInput, options?: SetScopeOptions): Promise<ScopeSaveResult>;
  summary(tenantId: string): Promise<ScopeSummary>;
}

/** A download link for one export, made for the admin who asked. */
export interface BotExportLink {
  /**
   * Absolute (Teams opens it from the card): https, or http on loopback for local use. It is the
   * credential for the download, so the bot shows it to the admin and never logs it.
   */
  url: string;
  fileName: string;
  /** ISO 8601: when the link stops working. */
  expiresAt: string;
}

/**
 * Exports of the tenant's backup (wired from the recovery module's ExportService). `exportLink`
 * checks the request before making the link and rejects with a RecoveryError (`not_found` for a
 * chat or user not in the backup, `invalid_input` with `field`); the link is bound to the actor and
 * the tenant, and the download checks again that the actor is an admin and is audited `exported`.
 */
export interface BotRecovery {
  exportLink(actor: Actor, tenantId: string, request: ExportRequest): Promise<BotExportLink>;
}

export interface BotServices {
  connection: BotConnection;
  backup: BotBackup;
  admins: BotAdmins;
  audit: BotAudit;
  targets: BotNotificationTargets;
  scope: BotScope;
  /** Absent where recovery is not wired: `export` then says exports are not available here. */
  recovery?: BotRecovery;
  clock: Clock;
  logger: Logger;
}
