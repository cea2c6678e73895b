import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RUN_LEASE } from '../../backend/backup/run/active-run';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { SMALL_TENANT, startTestSimulator, type SimulatorHandle } from '../support/simulator';
import { fsBlobs, simulatorGraph, sqliteStore, tempDir, type GraphForTenant } from './support/backup-harness';
import type { ChildPlan } from './support/backup-child';
import { runChild } from './support/child-process';
import { storeSnapshot } from './support/store-snapshot';

const TENANT = { users: 12, chats: 20, messages: 1500, spanDays: 30 };
const SETTINGS: ChildPlan['settings'] = {
  concurrency: 4,
  leaseTtlMs: 1_500,
  claimTtlMs: 1_500,
  idlePollMs: 50,
  progressEveryMs: 300,
};

/** getAllMessages and user listings each process made: what doing a work item twice would repeat. */
function messageReads(sim: SimulatorHandle): { getAllMessages: number; directory: number } {
  const { requests, throttled } = sim.counters().graph;
  return {
    getAllMessages: requests.getAllMessages - throttled.getAllMessages,
    directory: requests.directory - throttled.directory,
  };
}

describe('two backup processes on one tenant', function () {
  this.timeout(300_000);
  let sim: SimulatorHandle;
  let graph: GraphForTenant;
  let tenantId: string;
  let reference: unknown;
  let referenceReads: { getAllMessages: number; directory: number };
  const work = tempDir('chatvault-two-');

  const plan = (name: string, crashAt?: ChildPlan['crashAt']): ChildPlan => ({
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
  const leaseTaken = async (name: string) => {
    for (;;) {
      const { store, db } = sqliteStore(join(work.dir, `${name}.sqlite`));
      try {
        if (await store.getLease(tenantId, RUN_LEASE)) return;
      } catch {
        // The first process is still creating the database.
      } finally {
        db.close();
      }
      await sleep(25);
    }
  };

  before(async () => {
    sim = await startTestSimulator({
      tenants: defaultSimulatorTenants({ contoso: TENANT, fabrikam: SMALL_TENANT }),
    });
    tenantId = sim.tenants[0]!.id;
    graph = simulatorGraph(sim, tenantId);
    sim.resetCounters();
    const alone = await runChild(plan('reference')).exit;
    assert.equal(alone.code, 0, alone.stderr);
    referenceReads = messageReads(sim);
    reference = await snapshotOf('reference');
  });
  after(async () => {
    await sim?.close();
    work.remove();
  });

  it('make one run, share its work without doing any twice, and end where one process would', async () => {
    sim.resetCounters();
    const first = runChild(plan('shared'));
    await leaseTaken('shared');
    const second = runChild(plan('shared'));
    const [a, b] = await Promise.all([first.exit, second.exit]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.result!.run.runId, b.result!.run.runId, 'one run');
    assert.deepEqual([a.result!.role, b.result!.role].sort(), ['coordinator', 'helper']);
    assert.equal(a.result!.run.outcome, 'succeeded');
    assert.deepEqual(messageReads(sim), referenceReads, 'no user listed or read twice');
    assert.deepEqual(await snapshotOf('shared'), reference);
  });

  it('a helper takes over from a coordinator killed mid-run and finishes its run', async () => {
    const first = runChild(plan('takeover', { point: 'page-stored', count: 12 }));
    await leaseTaken('takeover');
    const second = runChild(plan('takeover'));
    const killed = await first.exit;
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const survivor = await second.exit;
    assert.equal(survivor.code, 0, survivor.stderr);
    assert.equal(survivor.result!.role, 'coordinator', 'the survivor took the lease over');
    assert.equal(survivor.result!.run.outcome, 'succeeded');
    assert.deepEqual(await snapshotOf('takeover'), reference);
  });
});
