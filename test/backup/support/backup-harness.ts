import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { FsBlobStore } from '../../../backend/blobs/fs-blob-store';
import type { BlobStore } from '../../../backend/blobs/blob-store';
import { BackupService } from '../../../backend/backup/backup-service';
import { resolveBackupSettings, type BackupSettings } from '../../../backend/backup/backup-settings';
import type { BackupHooks } from '../../../backend/backup/run/backup-hooks';
import { systemClock } from '../../../backend/connection/clock';
import { createClientSecretCredential } from '../../../backend/graph/client-secret-credential';
import {
  createTenantGraphSource,
  type PacedTenantGraphSource,
} from '../../../backend/graph/create-tenant-graph-source';
import type { GraphRateLimitsChange } from '../../../backend/graph/graph-rate-limits';
import { silentLogger, type Logger } from '../../../backend/observability/logger';
import type { BackupStore } from '../../../backend/store/backup-store';
import { openSqlite } from '../../../backend/store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../../../backend/store/sqlite/sqlite-backup-store';
import type { SimulatorHandle } from '../../../simulator/server';

/** Settings that keep tests quick: short polls and leases, several workers. */
export const TEST_SETTINGS: Partial<BackupSettings> = {
  concurrency: 8,
  leaseTtlMs: 3_000,
  claimTtlMs: 6_000,
  idlePollMs: 50,
  progressEveryMs: 500,
};

/** Graph limits well above the documented ones: tests check what is stored, not pacing. */
export const FAST_GRAPH: GraphRateLimitsChange = {};

export interface GraphForTenant {
  graphBaseUrl: string;
  authorityHost: string;
  tenantId: string;
  appId: string;
  secret: string;
}

/** The simulator's working demo app of a tenant, as a backup reads with it. */
export function simulatorGraph(sim: SimulatorHandle, tenant: string): GraphForTenant {
  const app = sim.demoApp('ok', tenant);
  return { graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost, ...app };
}

export function graphSource(graph: GraphForTenant, limits?: GraphRateLimitsChange): PacedTenantGraphSource {
  const credential = createClientSecretCredential({
    tenantId: graph.tenantId,
    appId: graph.appId,
    secret: graph.secret,
    authorityHost: graph.authorityHost,
  });
  return createTenantGraphSource({
    graphBaseUrl: graph.graphBaseUrl,
    credential,
    ...(limits ? { limits } : {}),
  });
}

export interface BackupRig {
  service: BackupService;
  store: BackupStore;
  blobs: BlobStore;
  /** The Graph sources the service made, newest last (counts of requests and 429s). */
  sources: PacedTenantGraphSource[];
  close(): Promise<void>;
}

export function sqliteStore(file = ':memory:'): { store: BackupStore; db: Database.Database } {
  const db = openSqlite(file);
  return { store: createSqliteBackupStore(db), db };
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A backup service over the given store and blobs, reading the simulator's tenant. */
export function backupRig(options: {
  graph: GraphForTenant;
  store: BackupStore;
  blobs: BlobStore;
  settings?: Partial<BackupSettings>;
  limits?: GraphRateLimitsChange;
  hooks?: BackupHooks;
  logger?: Logger;
}): BackupRig {
  const sources: PacedTenantGraphSource[] = [];
  const service = new BackupService({
    store: options.store,
    blobs: options.blobs,
    graphFor: async () => {
      const source = graphSource(options.graph, options.limits);
      sources.push(source);
      return source;
    },
    clock: systemClock,
    settings: resolveBackupSettings({ ...TEST_SETTINGS, ...options.settings }),
    logger: options.logger ?? silentLogger(),
    hooks: options.hooks,
  });
  return { service, store: options.store, blobs: options.blobs, sources, close: () => service.close() };
}

export function fsBlobs(dir: string): BlobStore {
  return new FsBlobStore({ dir });
}
