import type { OutcomeCode, OutcomeDetails, TestStage } from '../connection/outcomes';

/**
 * What the store keeps about a tenant's app connection. Every record carries `tenantId`; times are
 * ISO-8601 UTC strings. The app secret is only ever held here sealed (`sealedSecret`).
 */

/** Who did something: an admin (from the signed Teams activity or SSO token), the CLI operator, or ChatVault itself. */
export type Actor =
  | { kind: 'user'; id: string; name?: string }
  | { kind: 'operator'; name: string }
  | { kind: 'system'; name: string };

/** The status shown to admins; `inactive` is never stored (it is the absence of a connection). */
export type ConnectionStatusName = 'inactive' | 'active' | 'failing' | 'expiring';

export interface FailingSince {
  since: string;
  code: OutcomeCode;
  stage: TestStage;
  details?: OutcomeDetails;
}

/** One run of the connection test against the saved credentials (at save, re-test or re-check). */
export interface CheckResult {
  at: string;
  ok: boolean;
  code: OutcomeCode;
  stage: TestStage;
  /** What the outcome's sentence mentions (never a secret), so it can be shown again later. */
  details?: OutcomeDetails;
}

export interface ConnectionRecord {
  tenantId: string;
  appId: string;
  sealedSecret: string;
  /** The secret's first three characters, as Entra shows them. */
  secretHint: string;
  savedAt: string;
  savedBy: Actor;
  expiresAt: string;
  /** Application permissions (`roles`) the last successful test saw in the token. */
  permissions: string[];
  lastTest: CheckResult;
  /** The status last derived and announced; a change of it is an event. */
  status: Exclude<ConnectionStatusName, 'inactive'>;
  /** Set while the saved credentials fail their checks: since when, and why (the first failing verdict). */
  failing?: FailingSince;
  /** Bumped by every save, so a re-check of replaced credentials cannot overwrite the new ones. */
  revision: number;
}

/** What a re-check may change on a saved connection. */
export interface ConnectionCheckUpdate {
  lastTest: CheckResult;
  status: Exclude<ConnectionStatusName, 'inactive'>;
  failing: FailingSince | undefined;
  permissions?: string[];
}

/** The last Test & Save press, whatever its outcome. A failure is kept here and nowhere else. */
export interface ConnectionAttempt {
  tenantId: string;
  at: string;
  actor: Actor;
  /** Present when the input was a well-formed Application ID. */
  appId?: string;
  secretHint?: string;
  ok: boolean;
  code: OutcomeCode;
  stage: TestStage;
  details?: OutcomeDetails;
}

export type AuditAction =
  // The app connection (ConnectionService).
  | 'connected'
  | 'replaced'
  | 'retested'
  | 'removed'
  | 'attempt_failed'
  | 'status_changed'
  // Who may act and who hears what (backend/governance, backend/notifications).
  | 'admin_added'
  | 'admin_removed'
  | 'subscribed'
  | 'unsubscribed'
  // Backups: runs, schedule and scope.
  | 'backup_started'
  | 'backup_cancelled'
  | 'schedule_changed'
  | 'scope_changed'
  // What was backed up: who looked, took or erased it, and how long it is kept.
  | 'browsed'
  | 'searched'
  | 'exported'
  | 'erased'
  | 'retention_changed';

export interface AuditEvent {
  tenantId: string;
  /** Unique within the tenant and sortable by time. */
  id: string;
  at: string;
  actor: Actor;
  action: AuditAction;
  appId?: string;
  code?: OutcomeCode;
  /** For `status_changed`: the status before and after. */
  from?: ConnectionStatusName;
  to?: ConnectionStatusName;
  /** What the action was about: the admin added, the target unsubscribed, the run started… */
  subject?: string;
  /** Facts of the action an audit reader needs (never a secret, never message content). */
  details?: Record<string, string | number | boolean>;
}
