import type Database from 'better-sqlite3';
import { CosmosClient } from '@azure/cosmos';
import type { BlobStore } from '../blobs/blob-store';
import { createBlobStore } from '../blobs/create-blob-store';
import type { AppConfig } from '../config/config';
import { systemClock, type Clock } from '../connection/clock';
import type { Logger } from '../observability/logger';
import type { BackupStore } from '../store/backup-store';
import type { ConnectionStore } from '../store/connection-store';
import { createCosmosBackupStore } from '../store/cosmos/cosmos-backup-store';
import { CosmosConnectionStore } from '../store/cosmos/cosmos-connection-store';
import type { CosmosContainers } from '../store/cosmos/cosmos-containers';
import { openCosmosRecoveryContainers, withCosmosSearch } from '../store/cosmos/cosmos-recovery-containers';
import { createCosmosRecoveryStore } from '../store/cosmos/cosmos-recovery-store';
import type { RecoveryStore } from '../store/recovery-store';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../store/sqlite/sqlite-backup-store';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { createSqliteRecoveryStore } from '../store/sqlite/sqlite-recovery-store';
import { BrowseService, type BrowseServiceOptions } from './browse-service';
import { ExportService } from './export/export-service';
import type { RecoveryDeps } from './recovery-deps';
import { ErasureService } from './retention/erasure-service';
import { RetentionService } from './retention/retention-service';
import { SearchService } from './search/search-service';

/**
 * What the tab API, the bot and the CLI call. Each service takes the tenant and the acting admin
 * (the caller has checked that they are one) and audits what it does.
 */
export interface RecoveryServices {
  browse: BrowseService;
  search: SearchService;
  exports: ExportService;
  retention: RetentionService;
  erasure: ErasureService;
}

export interface RecoveryModule extends RecoveryServices {
  stores: RecoveryStores;
  /** Closes what the module opened. */
  close(): Promise<void>;
}

export function createRecoveryServices(
  deps: RecoveryDeps,
  options: BrowseServiceOptions = {},
): RecoveryServices {
  return {
    browse: new BrowseService(deps, options),
    search: new SearchService(deps),
    exports: new ExportService(deps),
    retention: new RetentionService(deps),
    erasure: new ErasureService(deps),
  };
}

export interface RecoveryStores {
  backup: BackupStore;
  recovery: RecoveryStore;
  /** Where recovery's audit events go: the connection store's audit trail, in the same store. */
  auditStore: Pick<ConnectionStore, 'appendAudit' | 'listAudit'>;
  close(): Promise<void>;
}

/** A metadata store the process has open already, to share rather than open again. */
export interface SharedMetadataStore {
  /** STORE=sqlite: the open database. */
  db?: Database.Database;
  /** STORE=cosmos: the backup's containers (their client is shared; `search` is added beside them). */
  cosmos?: CosmosContainers;
}

/** The configured metadata store, with recovery's port beside the backup's. */
export async function openRecoveryStores(
  config: AppConfig,
  shared: SharedMetadataStore = {},
): Promise<RecoveryStores> {
  switch (config.store.kind) {
    case 'sqlite': {
      const own = shared.db ? undefined : openSqlite(config.store.file);
      const database = shared.db ?? own!;
      return {
        backup: createSqliteBackupStore(database),
        recovery: createSqliteRecoveryStore(database),
        auditStore: new SqliteConnectionStore(database),
        close: async () => {
          own?.close();
        },
      };
    }
    case 'cosmos': {
      const client = shared.cosmos
        ? undefined
        : new CosmosClient({ endpoint: config.store.endpoint, key: config.store.key });
      const containers = shared.cosmos
        ? await withCosmosSearch(shared.cosmos)
        : await openCosmosRecoveryContainers(client!, config.store.database);
      return {
        backup: createCosmosBackupStore(containers),
        recovery: createCosmosRecoveryStore(containers),
        auditStore: new CosmosConnectionStore(containers.tenant),
        close: async () => client?.dispose(),
      };
    }
    default: {
      const unreachable: never = config.store;
      throw new Error(`unknown store kind ${(unreachable as { kind?: unknown }).kind}`);
    }
  }
}

export interface RecoveryModuleOptions extends BrowseServiceOptions {
  logger: Logger;
  /** An already open SQLite database to share (STORE=sqlite); otherwise the configured file. */
  db?: Database.Database;
  /** Cosmos DB containers already open to share (STORE=cosmos); otherwise a client of its own. */
  cosmos?: CosmosContainers;
  stores?: RecoveryStores;
  blobs?: BlobStore;
  clock?: Clock;
}

/** Wires recovery from configuration: the one place its adapters are chosen. */
export async function createRecoveryModule(
  config: AppConfig,
  options: RecoveryModuleOptions,
): Promise<RecoveryModule> {
  const stores =
    options.stores ??
    (await openRecoveryStores(config, {
      ...(options.db ? { db: options.db } : {}),
      ...(options.cosmos ? { cosmos: options.cosmos } : {}),
    }));
  const deps: RecoveryDeps = {
    backup: stores.backup,
    recovery: stores.recovery,
    blobs: options.blobs ?? createBlobStore(config.blobs),
    auditStore: stores.auditStore,
    clock: options.clock ?? systemClock,
    logger: options.logger.child({ component: 'recovery' }),
  };
  return {
    ...createRecoveryServices(deps, options.imageUrl ? { imageUrl: options.imageUrl } : {}),
    stores,
    close: async () => {
      if (!options.stores) await stores.close();
    },
  };
}
