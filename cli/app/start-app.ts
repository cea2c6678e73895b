import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { AppConfig } from '../../backend/config/config';
import { systemClock } from '../../backend/connection/clock';
import type { CosmosClient } from '@azure/cosmos';
import type { BackupModule, BackupModuleOptions } from '../../backend/backup/create-backup-module';
import type { ConnectionModule } from '../../backend/connection/create-connection-module';
import type { MicrosoftEndpoints } from '../../backend/graph/microsoft-endpoints';
import type { ChatVaultBot } from '../../bot/create-bot';
import type { ScopeService } from '../../backend/backup/scope/scope-service';
import type { ConnectionStore } from '../../backend/store/connection-store';
import type { Actor } from '../../backend/store/connection-records';
import type { GovernanceModule } from '../../backend/governance/create-governance-module';
import type { Notifier } from '../../backend/notifications/notifier';
import type { Logger } from '../../backend/observability/logger';
import type { RecoveryModule } from '../../backend/recovery/create-recovery-module';
import type { ExportRequest } from '../../backend/recovery/export/export-service';
import type { RecoveryLinks } from '../../backend/recovery/links/recovery-links';
import type { RetentionScheduler } from '../../backend/recovery/retention/retention-scheduler';
import type { SearchIndexFollower } from '../../backend/recovery/search/index-after-runs';
import type { CosmosContainers } from '../../backend/store/cosmos/cosmos-containers';
import type { HttpMount, RunningHttpServer } from '../../backend/server/http-server';
import type { SimulatorHandle, SimulatorOptions } from '../../simulator/server';
import { simulatorTlsDir } from '../local-tenant';
import type { LocalAgentsPlayground } from './local-agents-playground';

/**
 * The whole product in one process, as `chatvault start` runs it and as end-to-end tests start it:
 * the tenant simulator when no Microsoft tenant is configured, the connection, backup, governance
 * and recovery modules on one store, the schedulers (backups; retention, daily), and the HTTP server
 * with every adapter mounted.
 *
 * Modules are loaded here, inside the function, on purpose: restify patches Node's http
 * prototypes when loaded, and a production process never loads the simulator.
 */
export interface StartAppOptions {
  /**
   * Seeding, limits and certificate of the simulated tenant (tests use small tenants, an in-memory
   * database and the certificate their launcher trusts); ignored on a real tenant.
   */
  simulator?: Partial<SimulatorOptions>;
  /** Adapters to mount besides the built-in ones (tests mount probes). */
  extraMounts?: readonly HttpMount[];
  /** Where the built tab is; `dist/tab` of the project unless told otherwise. */
  tabDir?: string;
  /** `chatvault start` only: in local mode on the simulator, also run the Agents Playground. */
  agentsPlayground?: boolean;
}

export interface RunningApp {
  config: AppConfig;
  endpoints: MicrosoftEndpoints;
  /** Present when the app runs on the tenant simulator. */
  simulator?: SimulatorHandle;
  stores: SharedStores;
  connections: ConnectionModule;
  backups: BackupModule;
  governance: GovernanceModule;
  /** Browse, search, export, retention, erasure over the shared store and blob store. */
  recovery: RecoveryModule;
  /** What keeps recovery current: the search index after each run, retention once a day. */
  recoveryUpkeep: { searchIndex: SearchIndexFollower; retention: RetentionScheduler };
  /**
   * A download link for an export (the bot's "export" answer): checked now (a `RecoveryError` for an
   * unknown chat or person, a moment that does not parse), absolute, good for 15 minutes, and only
   * for `actor` while they are an admin of the tenant. Audited as `exported` when downloaded.
   */
  exportLink(actor: Actor, tenantId: string, request: ExportRequest): Promise<ExportDownloadLink>;
  /** The Teams bot: its mode (local or authenticated) and the line saying so at start. */
  bot: Pick<ChatVaultBot, 'mode' | 'startupLine' | 'botAppId'>;
  http: RunningHttpServer;
  /** When asked for: the Agents Playground, or why it is not running. */
  agentsPlayground?: LocalAgentsPlayground;
  close(): Promise<void>;
}

export interface ExportDownloadLink {
  /** Absolute: `https://<TAB_DOMAIN>/api/v1/recovery/downloads?t=…`, or the listening address without TAB_DOMAIN. */
  url: string;
  fileName: string;
  contentType: string;
  /** ISO 8601. */
  expiresAt: string;
}

export async function startApp(
  config: AppConfig,
  logger: Logger,
  options: StartAppOptions = {},
): Promise<RunningApp> {
  const closers: (() => void | Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const { endpoints, simulator } = await microsoftSide(config, options, closers);

    const stores = await openSharedStores(config, closers);
    // The notifier needs the connection service, and the connection service reports to the
    // notifier: it is reached through this relay once it exists.
    const relay: { notifier?: Notifier } = {};
    const { createConnectionModule } =
      require('../../backend/connection/create-connection-module') as typeof import('../../backend/connection/create-connection-module');
    const connectionStore = connectionStoreOf(stores);
    const connections = createConnectionModule(config, {
      logger,
      endpoints,
      store: connectionStore,
      onStatusChange: (event) => relay.notifier?.onConnectionStatus(event),
    });
    closers.push(() => connections.close());

    const { createBackupModule } =
      require('../../backend/backup/create-backup-module') as typeof import('../../backend/backup/create-backup-module');
    const backups = await createBackupModule(config, {
      logger,
      endpoints,
      connection: connections.service,
      ...backupStoreOf(stores),
    });
    closers.push(() => backups.close());

    const { createGovernanceModule } =
      require('../../backend/governance/create-governance-module') as typeof import('../../backend/governance/create-governance-module');
    const governance = await createGovernanceModule(config, {
      logger,
      endpoints,
      connection: connections.service,
      directoryStore: backups.store,
      ...(stores.kind === 'sqlite' ? { db: stores.db } : { cosmos: stores.containers }),
    });
    closers.push(() => governance.close());

    const { ScopeService } =
      require('../../backend/backup/scope/scope-service') as typeof import('../../backend/backup/scope/scope-service');
    // One scope for the bot and the tab; its changes go to the audit trail of the shared store.
    const { connectedScopeGroups } =
      require('../../backend/backup/scope/scope-group-source') as typeof import('../../backend/backup/scope/scope-group-source');
    const scope = new ScopeService({
      store: backups.store,
      directory: governance.directory,
      audit: connectionStore,
      clock: systemClock,
      // Entra groups in the scope are read through the tenant's saved app, its roles checked anew.
      groups: connectedScopeGroups({
        endpoints,
        connection: connections.service,
        tester: connections.tester,
        logger,
      }),
    });

    const { recovery, recoveryLinks } = await recoveryModule({ config, logger, stores, backups });
    closers.push(() => recovery.close());
    const { SearchIndexFollower } =
      require('../../backend/recovery/search/index-after-runs') as typeof import('../../backend/recovery/search/index-after-runs');
    const searchIndex = new SearchIndexFollower(backups.service, recovery.stores.recovery, logger);
    closers.push(() => searchIndex.close());

    // The listening address is known only once the server listens; links are made later than that.
    const listening: { url?: string } = {};
    const exportLink = exportLinks({ config, recovery, recoveryLinks, listening });

    const bot = chatVaultBot({ config, logger, connections, backups, governance, scope, exportLink });
    closers.push(() => bot.close());
    relay.notifier = governance.createNotifier({ sender: bot.noticeSender, backup: backups.service });

    const mounts: HttpMount[] = [
      bot.mount,
      tabApiMount({
        config,
        logger,
        endpoints,
        simulator,
        connections,
        backups,
        governance,
        scope,
        recovery,
        recoveryLinks,
      }),
      tabStaticMount(options.tabDir),
      ...(options.extraMounts ?? []),
    ];
    const { createHttpServer, listen } =
      require('../../backend/server/http-server') as typeof import('../../backend/server/http-server');
    const http = await listen(createHttpServer({ logger, mounts }), config.host, config.port);
    closers.push(() => http.close());
    listening.url = http.url;

    let agentsPlayground: LocalAgentsPlayground | undefined;
    if (options.agentsPlayground && simulator && bot.mode.kind === 'local') {
      const { startLocalAgentsPlayground } =
        require('./local-agents-playground') as typeof import('./local-agents-playground');
      agentsPlayground = await startLocalAgentsPlayground({
        botEndpoint: `${http.url}/api/messages`,
        dataDir: config.dataDir,
        simulator,
        logger,
      });
      const running = agentsPlayground;
      if (running.state === 'running') closers.push(() => running.close());
    }

    // Started last: nothing scheduled or re-checked may run against a half-built app.
    connections.rechecker.start();
    backups.startScheduler(() => connections.service.connectedTenantIds());
    const { RetentionScheduler } =
      require('../../backend/recovery/retention/retention-scheduler') as typeof import('../../backend/recovery/retention/retention-scheduler');
    const retention = new RetentionScheduler({
      retention: recovery.retention,
      tenants: () => connections.service.connectedTenantIds(),
      clock: systemClock,
      logger,
    });
    retention.start();
    closers.push(() => retention.stop());

    return {
      config,
      endpoints,
      ...(simulator ? { simulator } : {}),
      stores,
      connections,
      backups,
      governance,
      recovery,
      recoveryUpkeep: { searchIndex, retention },
      exportLink,
      bot,
      http,
      ...(agentsPlayground ? { agentsPlayground } : {}),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function microsoftSide(
  config: AppConfig,
  options: StartAppOptions,
  closers: (() => void | Promise<void>)[],
): Promise<{ endpoints: MicrosoftEndpoints; simulator?: SimulatorHandle }> {
  if (config.microsoft) return { endpoints: config.microsoft };
  const { startSimulator } = require('../../simulator/server') as typeof import('../../simulator/server');
  mkdirSync(join(config.dataDir, 'simulator'), { recursive: true });
  const simulator = await startSimulator({
    dbFile: join(config.dataDir, 'simulator', 'tenants.sqlite'),
    dataDir: config.dataDir,
    tlsDir: simulatorTlsDir(config),
    ...options.simulator,
  });
  closers.push(() => simulator.close());
  return {
    endpoints: { graphBaseUrl: simulator.graphBaseUrl, authorityHost: simulator.authorityHost },
    simulator,
  };
}

/**
 * The metadata store every module shares: one SQLite database (the embedded default: one file, one
 * writer lock), or one Cosmos DB client and its containers.
 */
export type SharedStores =
  | { kind: 'sqlite'; db: Database.Database }
  | { kind: 'cosmos'; client: CosmosClient; containers: CosmosContainers };

async function openSharedStores(
  config: AppConfig,
  closers: (() => void | Promise<void>)[],
): Promise<SharedStores> {
  if (config.store.kind === 'sqlite') {
    const { openSqlite } =
      require('../../backend/store/sqlite/open-sqlite') as typeof import('../../backend/store/sqlite/open-sqlite');
    const db = openSqlite(config.store.file);
    closers.push(() => {
      db.close();
    });
    return { kind: 'sqlite', db };
  }
  const { CosmosClient } = require('@azure/cosmos') as typeof import('@azure/cosmos');
  const { openCosmosContainers } =
    require('../../backend/store/cosmos/cosmos-containers') as typeof import('../../backend/store/cosmos/cosmos-containers');
  const client = new CosmosClient({ endpoint: config.store.endpoint, key: config.store.key });
  closers.push(() => client.dispose());
  return { kind: 'cosmos', client, containers: await openCosmosContainers(client, config.store.database) };
}

/** The connection store of the shared database; it also holds the audit trail of admin actions. */
function connectionStoreOf(stores: SharedStores): ConnectionStore {
  if (stores.kind === 'sqlite') {
    const { SqliteConnectionStore } =
      require('../../backend/store/sqlite/sqlite-connection-store') as typeof import('../../backend/store/sqlite/sqlite-connection-store');
    return new SqliteConnectionStore(stores.db);
  }
  const { CosmosConnectionStore } =
    require('../../backend/store/cosmos/cosmos-connection-store') as typeof import('../../backend/store/cosmos/cosmos-connection-store');
  return new CosmosConnectionStore(stores.containers.tenant);
}

function backupStoreOf(stores: SharedStores): Pick<BackupModuleOptions, 'db' | 'store'> {
  if (stores.kind === 'sqlite') return { db: stores.db };
  const { createCosmosBackupStore } =
    require('../../backend/store/cosmos/cosmos-backup-store') as typeof import('../../backend/store/cosmos/cosmos-backup-store');
  return { store: createCosmosBackupStore(stores.containers) };
}

/**
 * Recovery on the shared database (or Cosmos DB containers) and the backup's blob store, its
 * transcript images addressed by links signed for the admin viewing them.
 */
async function recoveryModule(parts: {
  config: AppConfig;
  logger: Logger;
  stores: SharedStores;
  backups: BackupModule;
}): Promise<{ recovery: RecoveryModule; recoveryLinks: RecoveryLinks }> {
  const { createRecoveryModule } =
    require('../../backend/recovery/create-recovery-module') as typeof import('../../backend/recovery/create-recovery-module');
  const { RecoveryLinks, signedImageUrls } =
    require('../../backend/recovery/links/recovery-links') as typeof import('../../backend/recovery/links/recovery-links');
  const { deriveKey } =
    require('../../backend/secrets/derived-key') as typeof import('../../backend/secrets/derived-key');
  const { config, stores } = parts;
  const recoveryLinks = new RecoveryLinks(deriveKey(config.sealing, 'recovery-links'));
  const recovery = await createRecoveryModule(config, {
    logger: parts.logger,
    ...(stores.kind === 'sqlite' ? { db: stores.db } : { cosmos: stores.containers }),
    blobs: parts.backups.blobs,
    imageUrl: signedImageUrls(recoveryLinks),
  });
  return { recovery, recoveryLinks };
}

/**
 * `RunningApp.exportLink`: absolute links for the bot's cards, on `https://<TAB_DOMAIN>` when the
 * tab's domain is configured (the address people reach), else on the address the server listens on.
 */
function exportLinks(parts: {
  config: AppConfig;
  recovery: RecoveryModule;
  recoveryLinks: RecoveryLinks;
  listening: { url?: string };
}): RunningApp['exportLink'] {
  const { prepareExportLink } =
    require('../../backend/recovery/links/export-links') as typeof import('../../backend/recovery/links/export-links');
  return async (actor, tenantId, request) => {
    // A download checks that its admin still is one: only a person can be.
    if (actor.kind !== 'user') throw new Error(`an export link is made for a person, not the ${actor.kind}`);
    const base = parts.config.publicUrl ?? parts.listening.url;
    if (!base) throw new Error('export links are made once the server listens');
    const link = await prepareExportLink(
      { exports: parts.recovery.exports, links: parts.recoveryLinks },
      actor,
      tenantId,
      request,
    );
    return {
      url: `${base}${link.path}`,
      fileName: link.fileName,
      contentType: link.contentType,
      expiresAt: link.expiresAt,
    };
  };
}

/** botbuilder stays inside bot/: this process only hands it the backend's services. */
function chatVaultBot(parts: {
  config: AppConfig;
  logger: Logger;
  connections: ConnectionModule;
  backups: BackupModule;
  governance: GovernanceModule;
  scope: ScopeService;
  exportLink: RunningApp['exportLink'];
}): ChatVaultBot {
  const { createChatVaultBot } = require('../../bot/create-bot') as typeof import('../../bot/create-bot');
  const { botBackupFrom } = require('../../bot/backend-wiring') as typeof import('../../bot/backend-wiring');
  const { deriveKey } =
    require('../../backend/secrets/derived-key') as typeof import('../../backend/secrets/derived-key');
  const { config, logger, governance } = parts;
  return createChatVaultBot({
    config,
    actionSecret: deriveKey(config.sealing, 'bot-card-actions'),
    services: {
      connection: parts.connections.service,
      backup: botBackupFrom(parts.backups.service, parts.backups.store, logger),
      admins: governance.admins,
      audit: governance.audit,
      targets: governance.targets,
      scope: parts.scope,
      recovery: { exportLink: parts.exportLink },
      clock: systemClock,
      logger,
    },
  });
}

function tabApiMount(parts: {
  config: AppConfig;
  logger: Logger;
  endpoints: MicrosoftEndpoints;
  simulator: SimulatorHandle | undefined;
  connections: ConnectionModule;
  backups: BackupModule;
  governance: GovernanceModule;
  scope: ScopeService;
  recovery: RecoveryModule;
  recoveryLinks: RecoveryLinks;
}): HttpMount {
  const { createTabApiMount } =
    require('../../backend/api/create-tab-api-mount') as typeof import('../../backend/api/create-tab-api-mount');
  const { SsoTokenVerifier } =
    require('../../backend/api/sso-token-verifier') as typeof import('../../backend/api/sso-token-verifier');
  const { backupControl } =
    require('../../backend/api/backup-control') as typeof import('../../backend/api/backup-control');
  const { config, endpoints, simulator, governance } = parts;
  return createTabApiMount({
    logger: parts.logger,
    verifier: new SsoTokenVerifier({
      authorityHost: endpoints.authorityHost,
      audiences: config.tabSso.audiences,
    }),
    authorityHost: endpoints.authorityHost,
    connections: parts.connections.service,
    backup: backupControl(parts.backups.service),
    backupReads: parts.backups.store,
    admins: governance.admins,
    notifications: governance.targets,
    audit: governance.audit,
    scope: parts.scope,
    directory: governance.directory,
    recovery: parts.recovery,
    recoveryLinks: parts.recoveryLinks,
    ...(simulator ? { demoSignIn: demoSignIn(simulator, config) } : {}),
  });
}

/** On the simulated tenant only: the tab signs people of its tenants in with simulator-issued tokens. */
function demoSignIn(simulator: SimulatorHandle, config: AppConfig) {
  const { simulatorDemoSignIn, graphDemoUsers } =
    require('../../backend/api/demo-sign-in') as typeof import('../../backend/api/demo-sign-in');
  return simulatorDemoSignIn({
    authorityHost: simulator.authorityHost,
    audience: config.tabSso.audiences[0]!,
    users: graphDemoUsers({
      authorityHost: simulator.authorityHost,
      graphBaseUrl: simulator.graphBaseUrl,
      tenants: simulator.tenants.map((tenant) => ({
        tenantName: tenant.displayName,
        ...simulator.demoApp('ok', tenant.id),
      })),
    }),
  });
}

function tabStaticMount(root: string | undefined): HttpMount {
  const { createTabStaticMount } =
    require('../../backend/server/tab-static-mount') as typeof import('../../backend/server/tab-static-mount');
  return createTabStaticMount(root ? { root } : {});
}
