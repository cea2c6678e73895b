import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ACTIVE_RUN_CHECKPOINT, type ActiveRun } from '../../backend/backup/run/active-run';
import { createCosmosBackupStore } from '../../backend/store/cosmos/cosmos-backup-store';
import { openCosmosContainers } from '../../backend/store/cosmos/cosmos-containers';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { useCosmosServer } from '../support/cosmos-server';
import { SMALL_TENANT, startTestSimulator, type SimulatorHandle } from '../support/simulator';
import { fsBlobs, simulatorGraph, sqliteStore, tempDir, type GraphForTenant } from './support/backup-harness';
import type { ChildPlan } from './support/backup-child';
import { runChild } from './support/child-process';
import { storeSnapshot } from './support/store-snapshot';
import { differences, truthSnapshot } from './support/truth-compare';

const CRASH_TENANT = { users: 10, chats: 16, messages: 1200, spanDays: 30 };
/** Short leases and claims, so that a resumed run does not wait long for a dead process's to expire. */
const SETTINGS: ChildPlan['settings'] = {
  concurrency: 6,
  leaseTtlMs: 1_500,
  claimTtlMs: 1_500,
  idlePollMs: 50,
  progressEveryMs: 300,
};

type CrashPoint = NonNullable<ChildPlan['crashAt']>;

describe('backup crash safety: killed at any point and resumed, the store ends as if nothing happened', function () {
  this.timeout(600_000);
  let sim: SimulatorHandle;
  let graph: GraphForTenant;
  let tenantId: string;
  let reference: unknown;
  const work = tempDir('chatvault-crash-');

  const sqlitePlan = (name: string, crashAt?: CrashPoint): ChildPlan => ({
    graph,
    store: { kind: 'sqlite', file: join(work.dir, `${name}.sqlite`) },
    blobs: { kind: 'fs', dir: join(work.dir, `${name}-blobs`) },
    settings: SETTINGS,
    ...(crashAt ? { crashAt } : {}),
  });

  const snapshotOf = async (name: string) => {
    const { store, db } = sqliteStore(join(work.dir, `${name}.sqlite`));
    try {
      return await storeSnapshot(store, fsBlobs(join(work.dir, `${name}-blobs`)), tenantId);
    } finally {
      db.close();
    }
  };

  before(async () => {
    sim = await startTestSimulator({
      tenants: defaultSimulatorTenants({ contoso: CRASH_TENANT, fabrikam: SMALL_TENANT }),
    });
    tenantId = sim.tenants[0]!.id;
    graph = simulatorGraph(sim, tenantId);
    const clean = await runChild(sqlitePlan('reference')).exit;
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.result!.run.outcome, 'succeeded');
    reference = await snapshotOf('reference');
    // The reference itself is faithful to the tenant.
    const { store, db } = sqliteStore(join(work.dir, 'reference.sqlite'));
    try {
      const problems = await differences({
        sim,
        tenantId,
        store,
        blobs: fsBlobs(join(work.dir, 'reference-blobs')),
        seenAtBackups: [truthSnapshot(sim, tenantId)],
      });
      assert.deepEqual(problems, []);
    } finally {
      db.close();
    }
  });
  after(async () => {
    await sim?.close();
    work.remove();
  });

  const scenarios: { name: string; crashes: CrashPoint[] }[] = [
    { name: 'before a page is stored (mid-page)', crashes: [{ point: 'page-read', count: 4 }] },
    {
      name: 'after a page is stored, before the item records it',
      crashes: [{ point: 'page-stored', count: 6 }],
    },
    {
      name: 'halfway through writing a hosted content (mid-blob)',
      crashes: [{ point: 'blob-midway', count: 2 }],
    },
    { name: 'after a blob is stored, before its version', crashes: [{ point: 'blob-stored', count: 1 }] },
    { name: 'between items', crashes: [{ point: 'item-done', count: 5 }] },
    {
      name: 'three times in one run, in different phases',
      crashes: [
        { point: 'item-done', count: 3 },
        { point: 'page-stored', count: 10 },
        { point: 'blob-midway', count: 1 },
      ],
    },
  ];

  for (const scenario of scenarios) {
    it(`killed ${scenario.name}`, async () => {
      const name = scenario.name.replace(/[^a-z]+/g, '-');
      let runId: string | undefined;
      for (const crashAt of scenario.crashes) {
        const killed = await runChild(sqlitePlan(name, crashAt)).exit;
        assert.equal(
          killed.signal,
          'SIGKILL',
          `the process was to be killed at ${crashAt.point}: ${killed.stderr}`,
        );
        const { store, db } = sqliteStore(join(work.dir, `${name}.sqlite`));
        try {
          const active = (await store.getCheckpoint<ActiveRun>(tenantId, ACTIVE_RUN_CHECKPOINT))?.value;
          assert.ok(active, 'the killed run is left unfinished');
          runId ??= active.runId;
          assert.equal(active.runId, runId, 'every restart resumes the same run');
          // Not the lease: a restart that finds the dead coordinator's lease unexpired helps instead,
          // and may itself be killed as a helper after that lease has lapsed.
          assert.equal((await store.getRun(tenantId, runId))?.status, 'running', 'the run is not finished');
        } finally {
          db.close();
        }
      }
      const resumed = await runChild(sqlitePlan(name)).exit;
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(resumed.result!.run.runId, runId, 'the restart finished the killed run');
      assert.equal(resumed.result!.run.outcome, 'succeeded', JSON.stringify(resumed.result!.run.errors));
      assert.deepEqual(await snapshotOf(name), reference);
    });
  }

  describe('on the Cosmos DB store', () => {
    const cosmos = useCosmosServer();

    it('killed between two documents of one page, then resumed', async () => {
      const database = 'crash';
      const plan = (crashAt?: CrashPoint): ChildPlan => ({
        graph,
        store: { kind: 'cosmos', endpoint: cosmos.server.endpoint, key: cosmos.server.key, database },
        blobs: { kind: 'fs', dir: join(work.dir, 'cosmos-blobs') },
        settings: SETTINGS,
        ...(crashAt ? { crashAt } : {}),
      });
      const killed = await runChild(plan({ point: 'message-document-write', count: 130 })).exit;
      assert.equal(killed.signal, 'SIGKILL', killed.stderr);
      const resumed = await runChild(plan()).exit;
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(resumed.result!.run.outcome, 'succeeded');
      const store = createCosmosBackupStore(await openCosmosContainers(cosmos.client, database));
      assert.deepEqual(
        await storeSnapshot(store, fsBlobs(join(work.dir, 'cosmos-blobs')), tenantId),
        reference,
      );
    });
  });
});
