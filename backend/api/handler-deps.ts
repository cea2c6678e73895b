import type { Logger } from '../observability/logger';
import type { RecoveryServices } from '../recovery/create-recovery-module';
import type { RecoveryLinks } from '../recovery/links/recovery-links';
import type { DemoSignIn } from './demo-sign-in';
import type { RequestLimits } from './request-limits';
import type {
  TabAdmins,
  TabAuditLog,
  TabBackup,
  TabBackupReads,
  TabConnections,
  TabDirectory,
  TabNotificationTargets,
  TabScope,
} from './tab-api-ports';
import type { UserTable } from './user-table';

/** What the route handlers share: the services, and the pieces the mount builds once. */
export interface HandlerDeps {
  logger: Logger;
  connections: TabConnections;
  backup: TabBackup;
  backupReads: TabBackupReads;
  admins: TabAdmins;
  notifications: TabNotificationTargets;
  audit: TabAuditLog;
  scope: TabScope;
  /** The tenant's people, for the scope picker. */
  directory: TabDirectory;
  /** Browse, search, export, retention, erasure; absent: the recovery routes answer 503. */
  recovery: RecoveryServices | undefined;
  /** Signs and checks the recovery routes' links (images, downloads); absent with `recovery`. */
  recoveryLinks: RecoveryLinks | undefined;
  authorityHost: string;
  demoSignIn: DemoSignIn | undefined;
  userTable: UserTable;
  limits: RequestLimits;
  openApi: () => Record<string, unknown>;
}
