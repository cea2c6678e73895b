import type Database from 'better-sqlite3';
import { CosmosClient } from '@azure/cosmos';
import type { AppConfig } from '../config/config';
import type { BlobStore } from '../blobs/blob-store';
import { createBlobStore } from '../blobs/create-blob-store';
import { systemClock, type Clock } from '../connection/clock';
import type { ConnectionService } from '../connection/connection-service';
import { createClientSecretCredential } from '../graph/client-secret-credential';
import { createTenantGraphSource } from '../graph/create-tenant-graph-source';
import type { GraphRateLimitsChange } from '../graph/graph-rate-limits';
import type { MicrosoftEndpoints } from '../graph/microsoft-endpoints';
import type { TenantGraphSource } from '../graph/tenant-graph-source';
import type { Logger } from '../observability/logger';
import type { BackupStore } from '../store/backup-store';
import { createCosmosBackupStore } from '../store/cosmos/cosmos-backup-store';
import { openCosmosContainers } from '../store/cosmos/cosmos-containers';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../store/sqlite/sqlite-backup-store';
import { notConnected } from './backup-error';
import { BackupService } from './backup-service';
import { resolveBackupSettings, type BackupSettings } from './backup-settings';
import type { BackupHooks } from './run/backup-hooks';
import { BackupScheduler } from './schedule/backup-scheduler';

export interface BackupModuleOptions {
  logger: Logger;
  /** Where the saved app credentials come from. */
  connection: Pick<ConnectionService, 'openCredentials'>;
  /** Overrides `config.microsoft` (the launcher passes the simulator's endpoints). */
  endpoints?: MicrosoftEndpoints;
  /** An already open SQLite database to share (STORE=sqlite); otherwise the configured file. */
  db?: Database.Database;
  store?: BackupStore;
  blobs?: BlobStore;
  clock?: Clock;
  settings?: Partial<BackupSettings>;
  /** Changes to Microsoft's documented rates (tests lower them, benchmarks raise them). */
  graphLimits?: GraphRateLimitsChange;
  hooks?: BackupHooks;
}

export interface BackupModule {
  service: BackupService;
  store: BackupStore;
  blobs: BlobStore;
  /**
   * Starts scheduled runs for the tenants `tenants` lists (those with a saved connection, e.g.
   * `ConnectionService.connectedTenantIds`); stopped by `close`.
   */
  startScheduler(tenants: () => Promise<string[]>): BackupScheduler;
  /** Stops this process's part in every run, then closes what the module opened. */
  close(): Promise<void>;
}

/** Wires the backup engine from configuration: the one place its adapters are chosen. */
export async function createBackupModule(
  config: AppConfig,
  options: BackupModuleOptions,
): Promise<BackupModule> {
  const closers: (() => void | Promise<void>)[] = [];
  let store = options.store;
  if (!store) {
    const opened = await openBackupStore(config, options.db);
    store = opened.store;
    closers.push(opened.close);
  }
  const blobs = options.blobs ?? createBlobStore(config.blobs);
  const clock = options.clock ?? systemClock;
  const endpoints = options.endpoints ?? config.microsoft;
  const service = new BackupService({
    store,
    blobs,
    graphFor: graphSources({
      endpoints,
      connection: options.connection,
      logger: options.logger,
      limits: options.graphLimits,
    }),
    clock,
    settings: resolveBackupSettings(options.settings),
    logger: options.logger.child({ component: 'backup' }),
    hooks: options.hooks,
  });
  let scheduler: BackupScheduler | undefined;
  return {
    service,
    store,
    blobs,
    startScheduler(tenants) {
      scheduler ??= new BackupScheduler({ service, store: store!, tenants, clock, logger: options.logger });
      scheduler.start();
      return scheduler;
    },
    async close() {
      await scheduler?.stop();
      await service.close();
      for (const close of closers.reverse()) await close();
    },
  };
}

/** The configured metadata store: the SQLite file (embedded default) or Azure Cosmos DB. */
export async function openBackupStore(
  config: AppConfig,
  db?: Database.Database,
): Promise<{ store: BackupStore; close(): void | Promise<void> }> {
  switch (config.store.kind) {
    case 'sqlite': {
      const own = db ? undefined : openSqlite(config.store.file);
      return {
        store: createSqliteBackupStore(db ?? own!),
        close: () => {
          own?.close();
        },
      };
    }
    case 'cosmos': {
      const client = new CosmosClient({ endpoint: config.store.endpoint, key: config.store.key });
      const containers = await openCosmosContainers(client, config.store.database);
      return { store: createCosmosBackupStore(containers), close: () => client.dispose() };
    }
    default: {
      const unreachable: never = config.store;
      throw new Error(`unknown store kind ${(unreachable as { kind?: unknown }).kind}`);
    }
  }
}

/**
 * Each run reads Graph with a credential made from the tenant's saved connection at its start: a
 * secret replaced between runs is used from the next run on, and never outlives the run in memory.
 */
export function graphSources(params: {
  endpoints: MicrosoftEndpoints | undefined;
  connection: Pick<ConnectionService, 'openCredentials'>;
  logger: Logger;
  limits?: GraphRateLimitsChange;
}): (tenantId: string) => Promise<TenantGraphSource> {
  return async (tenantId) => {
    const endpoints = params.endpoints;
    if (!endpoints) {
      throw new Error(
        'No Microsoft endpoints are configured: set GRAPH_BASE_URL and AUTHORITY_HOST, or run the tenant simulator.',
      );
    }
    const credentials = await params.connection.openCredentials(tenantId);
    if (!credentials) throw notConnected(tenantId);
    const credential = createClientSecretCredential({
      tenantId,
      appId: credentials.appId,
      secret: credentials.secret,
      authorityHost: endpoints.authorityHost,
    });
    return createTenantGraphSource({
      graphBaseUrl: endpoints.graphBaseUrl,
      credential,
      logger: params.logger.child({ component: 'graph', tenantId }),
      ...(params.limits ? { limits: params.limits } : {}),
    });
  };
}
