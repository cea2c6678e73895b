import type Database from 'better-sqlite3';
import { migrate } from './migrate';

/**
 * The `governance` component's schema: tenant admins, notification targets and the notices
 * already claimed. It lives in the same database file as the connection store. Append-only, like
 * every component's migrations.
 */
const GOVERNANCE_MIGRATIONS = [
  `CREATE TABLE tenant_admins (
     tenant_id       TEXT NOT NULL,
     user_id         TEXT NOT NULL,
     added_at        TEXT NOT NULL,
     doc             TEXT NOT NULL,          -- JSON TenantAdmin
     PRIMARY KEY (tenant_id, user_id)
   );
   CREATE TABLE notification_targets (
     tenant_id       TEXT NOT NULL,
     target_id       TEXT NOT NULL,
     doc             TEXT NOT NULL,          -- JSON NotificationTarget
     PRIMARY KEY (tenant_id, target_id)
   );
   CREATE TABLE notice_claims (
     tenant_id       TEXT NOT NULL,
     notice_key      TEXT NOT NULL,
     claimed_at      TEXT NOT NULL,
     PRIMARY KEY (tenant_id, notice_key)
   );`,
];

export function migrateGovernance(db: Database.Database): void {
  migrate(db, 'governance', GOVERNANCE_MIGRATIONS);
}
