/**
 * A backup in a process of its own, for the tests that kill it (`kill -9`) or run two at once:
 *
 *   node --require tsx/cjs test/backup/support/backup-child.ts '<ChildPlan as JSON>'
 *
 * It prints one JSON line `{result}` when its part in the run ends. With `crashAt`, the injected
 * test hook kills this very process with SIGKILL the `count`-th time the engine reaches `point`;
 * the engine never knows (the hook is the only thing that differs from a production run).
 */
import { CosmosClient } from '@azure/cosmos';
import type { BackupHookPoint, BackupHooks } from '../../../backend/backup/run/backup-hooks';
import { AzureBlobStore } from '../../../backend/blobs/azure-blob-store';
import type { BlobStore } from '../../../backend/blobs/blob-store';
import type { BackupStore } from '../../../backend/store/backup-store';
import { createCosmosBackupStore } from '../../../backend/store/cosmos/cosmos-backup-store';
import { openCosmosContainers } from '../../../backend/store/cosmos/cosmos-containers';
import type { BackupSettings } from '../../../backend/backup/backup-settings';
import type { RunMode } from '../../../backend/backup/run/active-run';
import type { HarvestStrategyName } from '../../../backend/backup/messages/harvest-strategy';
import { backupRig, fsBlobs, sqliteStore, type GraphForTenant } from './backup-harness';

export interface ChildPlan {
  graph: GraphForTenant;
  store:
    { kind: 'sqlite'; file: string } | { kind: 'cosmos'; endpoint: string; key: string; database: string };
  blobs: { kind: 'fs'; dir: string } | { kind: 'azure'; connectionString: string; container: string };
  mode?: RunMode;
  settings?: Partial<BackupSettings>;
  /** Kill this process the `count`-th time the engine reaches `point`. */
  crashAt?: { point: BackupHookPoint | 'message-document-write'; count: number };
  /** A full run's strategy (benchmarks compare them). */
  strategy?: HarvestStrategyName;
  /** Also report the time spent in each store method (benchmarks). */
  profileStore?: boolean;
}

/** What the child prints besides the run: its own cost. */
export interface ChildReport {
  wallMs: number;
  cpu: NodeJS.CpuUsage;
  peakRssBytes: number;
  /** The most JavaScript heap in use at any sample (live objects and garbage not collected yet). */
  peakHeapUsedBytes: number;
  /** Milliseconds spent in each store method, when profiled. */
  storeMs?: Record<string, number>;
}

/** Wraps every method of the store to add up the time spent in it. */
function profiled(store: BackupStore, totals: Record<string, number>): BackupStore {
  return new Proxy(store, {
    get(target, name) {
      const value = (target as unknown as Record<string | symbol, unknown>)[name];
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = process.hrtime.bigint();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
        } finally {
          totals[String(name)] =
            (totals[String(name)] ?? 0) + Number(process.hrtime.bigint() - started) / 1e6;
        }
      };
    },
  });
}

function crashHooks(plan: ChildPlan): { hooks: BackupHooks; beforeWrite?: () => void } {
  const crash = plan.crashAt;
  let seen = 0;
  const reach = () => {
    if (++seen >= crash!.count) process.kill(process.pid, 'SIGKILL');
  };
  if (!crash) return { hooks: { at: () => undefined } };
  if (crash.point === 'message-document-write') return { hooks: { at: () => undefined }, beforeWrite: reach };
  return {
    hooks: {
      at: (point) => {
        if (point === crash.point) reach();
      },
    },
  };
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2]!) as ChildPlan;
  const { hooks, beforeWrite } = crashHooks(plan);
  let store: BackupStore;
  let closeStore: () => void;
  if (plan.store.kind === 'sqlite') {
    const opened = sqliteStore(plan.store.file);
    store = opened.store;
    closeStore = () => opened.db.close();
  } else {
    const client = new CosmosClient({
      endpoint: plan.store.endpoint,
      key: plan.store.key,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    store = createCosmosBackupStore(await openCosmosContainers(client, plan.store.database), { beforeWrite });
    closeStore = () => client.dispose();
  }
  const blobs: BlobStore =
    plan.blobs.kind === 'fs'
      ? fsBlobs(plan.blobs.dir)
      : AzureBlobStore.fromConnectionString(plan.blobs.connectionString, plan.blobs.container);
  const storeMs: Record<string, number> = {};
  if (plan.profileStore) store = profiled(store, storeMs);
  let peakRssBytes = process.memoryUsage().rss;
  let peakHeapUsedBytes = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRssBytes = Math.max(peakRssBytes, usage.rss);
    peakHeapUsedBytes = Math.max(peakHeapUsedBytes, usage.heapUsed);
  }, 100);
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  const rig = backupRig({ graph: plan.graph, store, blobs, settings: plan.settings, hooks });
  try {
    const handle = await rig.service.startRun(plan.graph.tenantId, {
      trigger: { kind: 'cli' },
      mode: plan.mode ?? 'auto',
      ...(plan.strategy ? { strategy: plan.strategy } : {}),
    });
    const result = await handle.done;
    const report: ChildReport = {
      wallMs: Date.now() - started,
      cpu: process.cpuUsage(cpuBefore),
      peakRssBytes: Math.max(peakRssBytes, process.memoryUsage().rss),
      peakHeapUsedBytes,
      ...(plan.profileStore ? { storeMs } : {}),
    };
    process.stdout.write(JSON.stringify({ result, report }) + '\n');
  } finally {
    clearInterval(sampler);
    await rig.close();
    closeStore();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
