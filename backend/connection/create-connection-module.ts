import type Database from 'better-sqlite3';
import type { AppConfig } from '../config/config';
import type { MicrosoftEndpoints } from '../graph/microsoft-endpoints';
import type { Logger } from '../observability/logger';
import { createSecretSealer } from '../secrets/create-secret-sealer';
import type { SecretSealer } from '../secrets/secret-sealer';
import { openSqlite } from '../store/sqlite/open-sqlite';
import type { ConnectionStore } from '../store/connection-store';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { systemClock, type Clock } from './clock';
import type { ConnectionEventSink } from './connection-events';
import { ConnectionRechecker, type RecheckerOptions } from './connection-rechecker';
import { ConnectionService } from './connection-service';
import {
  GraphConnectionTester,
  type ConnectionTester,
  type GraphConnectionTesterOptions,
} from './connection-tester';

export interface ConnectionModule {
  service: ConnectionService;
  rechecker: ConnectionRechecker;
  /** The connection test the service runs; the backup scope reads a token's roles through it too. */
  tester: ConnectionTester;
  /** Stops the re-check (waiting for a walk under way) and closes the database this module opened. */
  close(): Promise<void>;
}

export interface ConnectionModuleOptions {
  logger: Logger;
  /** Overrides `config.microsoft` (the launcher passes the simulator's endpoints). */
  endpoints?: MicrosoftEndpoints;
  /** An already open database to share; otherwise the configured SQLite file is opened. */
  db?: Database.Database;
  /** A store chosen by the caller (the Cosmos DB adapter when STORE=cosmos); overrides `db`. */
  store?: ConnectionStore;
  clock?: Clock;
  onStatusChange?: ConnectionEventSink;
  tester?: ConnectionTester;
  testerOptions?: GraphConnectionTesterOptions;
  sealer?: SecretSealer;
  recheck?: RecheckerOptions;
}

export class ConnectionSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionSetupError';
  }
}

/** Wires the connection service from configuration: the one place its adapters are chosen. */
export function createConnectionModule(
  config: AppConfig,
  options: ConnectionModuleOptions,
): ConnectionModule {
  const endpoints = options.endpoints ?? config.microsoft;
  if (!options.tester && !endpoints) {
    throw new ConnectionSetupError(
      'No Microsoft endpoints are configured: set GRAPH_BASE_URL and AUTHORITY_HOST, or let `chatvault start` run the tenant simulator.',
    );
  }
  if (config.store.kind !== 'sqlite' && !options.db && !options.store) {
    throw new ConnectionSetupError(
      'STORE=cosmos needs the Cosmos DB connection store passed in (the app composition opens it).',
    );
  }
  const ownDb = options.store || options.db ? undefined : openSqlite((config.store as { file: string }).file);
  const store = options.store ?? new SqliteConnectionStore(options.db ?? ownDb!);
  const clock = options.clock ?? systemClock;
  const tester = options.tester ?? new GraphConnectionTester(endpoints!, options.testerOptions);
  const service = new ConnectionService({
    store,
    sealer: options.sealer ?? createSecretSealer(config.sealing),
    tester,
    clock,
    logger: options.logger,
    ...(options.onStatusChange ? { onStatusChange: options.onStatusChange } : {}),
  });
  const rechecker = new ConnectionRechecker(service, clock, options.logger, options.recheck);
  return {
    service,
    rechecker,
    tester,
    async close() {
      await rechecker.stop();
      ownDb?.close();
    },
  };
}
