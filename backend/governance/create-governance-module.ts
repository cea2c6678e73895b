import type Database from 'better-sqlite3';
import { CosmosClient } from '@azure/cosmos';
import type { BackupService } from '../backup/backup-service';
import type { AppConfig } from '../config/config';
import { systemClock, type Clock } from '../connection/clock';
import type { ConnectionService } from '../connection/connection-service';
import { connectedUserLookups, type UserLookupSource } from '../directory/connected-user-lookups';
import { TenantUserDirectory } from '../directory/tenant-user-directory';
import type { UserDirectory } from '../directory/user-directory';
import type { GraphRateLimitsChange } from '../graph/graph-rate-limits';
import type { MicrosoftEndpoints } from '../graph/microsoft-endpoints';
import type { NoticePacing, NoticeRetry } from '../notifications/notice-pacing';
import type { NoticeSender } from '../notifications/notice-sender';
import { NotificationService } from '../notifications/notification-service';
import type { NotificationTargetStore } from '../notifications/notification-targets';
import { Notifier } from '../notifications/notifier';
import type { Logger } from '../observability/logger';
import type { DirectoryStore } from '../store/backup-store';
import type { ConnectionStore } from '../store/connection-store';
import { createCosmosBackupStore } from '../store/cosmos/cosmos-backup-store';
import { CosmosConnectionStore } from '../store/cosmos/cosmos-connection-store';
import { openCosmosContainers, type CosmosContainers } from '../store/cosmos/cosmos-containers';
import { CosmosNotificationTargetStore } from '../store/cosmos/cosmos-notification-target-store';
import { CosmosTenantAdminStore } from '../store/cosmos/cosmos-tenant-admin-store';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../store/sqlite/sqlite-backup-store';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { SqliteNotificationTargetStore } from '../store/sqlite/sqlite-notification-target-store';
import { SqliteTenantAdminStore } from '../store/sqlite/sqlite-tenant-admin-store';
import { AdminService } from './admin-service';
import { AuditLog } from './audit-log';
import type { TenantAdminStore } from './tenant-admins';

export interface GovernanceModuleOptions {
  logger: Logger;
  /** Saved connections: credentials for live directory look-ups, status for expiry and failing notices. */
  connection: Pick<ConnectionService, 'openCredentials' | 'status' | 'connectedTenantIds'>;
  /** STORE=sqlite: the connection module's open database, to share; otherwise the configured file is opened. */
  db?: Database.Database;
  /** STORE=cosmos: containers already open, to share; otherwise a client is made from the configuration. */
  cosmos?: CosmosContainers;
  /** The users backups discovered (the backup module's store); otherwise read from the configured store. */
  directoryStore?: Pick<DirectoryStore, 'getUser' | 'listUsers'>;
  /** Overrides `config.microsoft` (the launcher passes the simulator's endpoints). */
  endpoints?: MicrosoftEndpoints;
  clock?: Clock;
  graphLimits?: GraphRateLimitsChange;
}

export interface CreateNotifierOptions {
  /** The bot's proactive sender. */
  sender: NoticeSender;
  /** Runs' ends become notices; the notifier subscribes to its `onProgress`. */
  backup?: Pick<BackupService, 'onProgress'>;
  /** Starts the periodic secret-expiry look (default true). */
  expirySweep?: boolean;
  pacing?: Partial<NoticePacing>;
  retry?: Partial<NoticeRetry>;
}

export interface GovernanceModule {
  admins: AdminService;
  audit: AuditLog;
  directory: UserDirectory;
  /** Subscribe, unsubscribe and list notification targets (audited). */
  targets: NotificationService;
  /** The stores as they are, for adapters that need a port unchanged (the bot's target reads). */
  stores: { admins: TenantAdminStore; targets: NotificationTargetStore };
  /**
   * A notifier delivering through `sender`. Give its `onConnectionStatus` to the connection module
   * as `onStatusChange`. The module closes it (draining) on `close`.
   */
  createNotifier(options: CreateNotifierOptions): Notifier;
  /** Closes the notifiers (draining), then what the module opened; a shared database stays open. */
  close(): Promise<void>;
}

interface OpenedStores {
  admins: TenantAdminStore;
  targets: NotificationTargetStore;
  audit: Pick<ConnectionStore, 'appendAudit' | 'listAudit'>;
  directory: Pick<DirectoryStore, 'getUser' | 'listUsers'>;
  close(): void | Promise<void>;
}

/** Wires who may act and who hears what from configuration: the one place their adapters are chosen. */
export async function createGovernanceModule(
  config: AppConfig,
  options: GovernanceModuleOptions,
): Promise<GovernanceModule> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const stores = await openGovernanceStores(config, options);
  const audit = new AuditLog({ store: stores.audit, clock });

  const endpoints = options.endpoints ?? config.microsoft;
  let live: UserLookupSource | undefined;
  if (endpoints) {
    live = connectedUserLookups({
      endpoints,
      connection: options.connection,
      clock,
      logger,
      ...(options.graphLimits ? { limits: options.graphLimits } : {}),
    });
  } else {
    logger.warn('no Microsoft endpoints configured: the user directory answers from discovered users only');
  }
  const directory = new TenantUserDirectory({ store: stores.directory, ...(live ? { live } : {}), logger });
  const admins = new AdminService({ store: stores.admins, directory, audit, clock, logger });
  const targets = new NotificationService({ store: stores.targets, admins, audit, clock, logger });
  const notifiers: Notifier[] = [];

  return {
    admins,
    audit,
    directory,
    targets,
    stores: { admins: stores.admins, targets: stores.targets },
    createNotifier(notifierOptions) {
      const notifier = new Notifier({
        targets: stores.targets,
        sender: notifierOptions.sender,
        audit,
        connection: options.connection,
        clock,
        logger,
        ...(notifierOptions.pacing ? { pacing: notifierOptions.pacing } : {}),
        ...(notifierOptions.retry ? { retry: notifierOptions.retry } : {}),
      });
      if (notifierOptions.backup) notifier.attachBackup(notifierOptions.backup);
      if (notifierOptions.expirySweep !== false) notifier.start();
      notifiers.push(notifier);
      return notifier;
    },
    async close() {
      await Promise.allSettled(notifiers.splice(0).map((n) => n.close()));
      live?.clear();
      await stores.close();
    },
  };
}

async function openGovernanceStores(
  config: AppConfig,
  options: GovernanceModuleOptions,
): Promise<OpenedStores> {
  switch (config.store.kind) {
    case 'sqlite': {
      const own = options.db ? undefined : openSqlite(config.store.file);
      const db = options.db ?? own!;
      return {
        admins: new SqliteTenantAdminStore(db),
        targets: new SqliteNotificationTargetStore(db),
        audit: new SqliteConnectionStore(db),
        directory: options.directoryStore ?? createSqliteBackupStore(db),
        close: () => {
          own?.close();
        },
      };
    }
    case 'cosmos': {
      const client = options.cosmos
        ? undefined
        : new CosmosClient({ endpoint: config.store.endpoint, key: config.store.key });
      const containers = options.cosmos ?? (await openCosmosContainers(client!, config.store.database));
      return {
        admins: new CosmosTenantAdminStore(containers.tenant),
        targets: new CosmosNotificationTargetStore(containers.tenant),
        audit: new CosmosConnectionStore(containers.tenant),
        directory: options.directoryStore ?? createCosmosBackupStore(containers),
        close: () => client?.dispose(),
      };
    }
    default: {
      const unreachable: never = config.store;
      throw new Error(`unknown store kind ${(unreachable as { kind?: unknown }).kind}`);
    }
  }
}
