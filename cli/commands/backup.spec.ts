import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import type { BackupResult, BackupService, StartRunOptions } from '../../backend/backup/backup-service';
import type { BackupListener } from '../../backend/backup/run/progress-events';
import type { RunOutcome, RunRecord } from '../../backend/store/backup-records';
import { zeroCounters } from '../../backend/store/run-progress';
import { startTestSimulator, type SimulatorHandle } from '../../test/support/simulator';
import {
  backupRig,
  fsBlobs,
  simulatorGraph,
  sqliteStore,
  tempDir,
} from '../../test/backup/support/backup-harness';
import { UsageError } from '../usage-error';
import { registerBackupCommand, type BackupCliDeps } from './backup';

const TENANT = '2bc09791-95cd-4267-92af-50f8e38327ca';

function record(outcome: RunOutcome): RunRecord {
  return {
    tenantId: TENANT,
    runId: 'run-1',
    trigger: { kind: 'cli' },
    startedAt: '2026-03-02T08:00:00.000Z',
    updatedAt: '2026-03-02T08:01:00.000Z',
    finishedAt: '2026-03-02T08:01:00.000Z',
    status: 'finished',
    phase: 'finished',
    percent: 100,
    counters: { ...zeroCounters(), users: 3, messagesNew: 12 },
    errors: outcome === 'partial' ? [{ kind: 'graph_unavailable', count: 1, examples: [] }] : [],
    outcome,
  };
}

/** A service that answers one canned run, reporting progress on the way. */
function cannedService(outcome: RunOutcome, seen: StartRunOptions[]): BackupService {
  const listeners: BackupListener[] = [];
  const fake = {
    onProgress: (listener: BackupListener) => {
      listeners.push(listener);
      return () => undefined;
    },
    cancel: async () => true,
    startRun: async (tenantId: string, options: StartRunOptions) => {
      seen.push(options);
      const run = record(outcome);
      for (const listener of listeners)
        listener({ type: 'progress', tenantId, run: { ...run, percent: 40, phase: 'reading messages' } });
      const result: BackupResult = {
        run,
        mode: options.mode === 'full' ? 'full' : 'incremental',
        role: 'coordinator',
      };
      return { tenantId, mode: result.mode, done: Promise.resolve(result) };
    },
  };
  return fake as unknown as BackupService;
}

async function run(
  args: string[],
  service: BackupService,
  tty = false,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const deps: BackupCliDeps = {
    openService: async () => ({ service, close: async () => undefined }),
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text), isTTY: tty, columns: 120 },
    onInterrupt: () => () => undefined,
  };
  const program = new Command('chatvault')
    .exitOverride()
    .configureOutput({ writeErr: (t) => (err += t), writeOut: (t) => (out += t) });
  let code = 0;
  registerBackupCommand(deps)(program, (c) => (code = c));
  try {
    await program.parseAsync(['node', 'chatvault', ...args]);
  } catch (error) {
    if (error instanceof CommanderError || error instanceof UsageError) return { code: 2, out, err };
    throw error;
  }
  return { code, out, err };
}

describe('chatvault backup', () => {
  it('prints the run record as one JSON object and exits by outcome: 0, 4 or 1', async () => {
    for (const [outcome, expected] of [
      ['succeeded', 0],
      ['partial', 4],
      ['failed', 1],
      ['cancelled', 1],
    ] as const) {
      const seen: StartRunOptions[] = [];
      const { code, out } = await run(['backup', '--tenant', TENANT, '--json'], cannedService(outcome, seen));
      assert.equal(code, expected, outcome);
      const printed = JSON.parse(out) as RunRecord & { mode: string };
      assert.equal(printed.outcome, outcome);
      assert.equal(printed.mode, 'incremental');
      assert.equal(out.trim().split('\n').length, 1);
      assert.deepEqual(seen, [{ trigger: { kind: 'cli' }, mode: 'auto' }]);
    }
  });

  it('asks for a full run with --full and a strategy by name, and refuses unknown ones', async () => {
    const seen: StartRunOptions[] = [];
    await run(
      ['backup', '--tenant', TENANT, '--full', '--strategy', 'per-chat'],
      cannedService('succeeded', seen),
    );
    assert.deepEqual(seen, [{ trigger: { kind: 'cli' }, mode: 'full', strategy: 'per-chat' }]);
    const bad = await run(
      ['backup', '--tenant', TENANT, '--strategy', 'fastest'],
      cannedService('succeeded', []),
    );
    assert.equal(bad.code, 2);
    const noTenant = await run(['backup', '--tenant', 'contoso'], cannedService('succeeded', []));
    assert.equal(noTenant.code, 2);
  });

  it('draws a progress bar on a terminal and a summary without --json', async () => {
    const { out, err } = await run(['backup', '--tenant', TENANT], cannedService('succeeded', []), true);
    assert.match(err, /\[#{10}-{14}\] {2}40% reading messages/);
    assert.match(out, /^Backup run-1 \(incremental\) succeeded/);
  });

  describe('against the tenant simulator', function () {
    this.timeout(60_000);
    let sim: SimulatorHandle;
    before(async () => {
      sim = await startTestSimulator();
    });
    after(async () => sim?.close());

    it('backs a tenant up, then backs up only what changed', async () => {
      const tenantId = sim.tenants[1]!.id;
      const tmp = tempDir('chatvault-cli-backup-');
      const { store, db } = sqliteStore();
      const rig = backupRig({ graph: simulatorGraph(sim, tenantId), store, blobs: fsBlobs(tmp.dir) });
      try {
        const first = await run(['backup', '--tenant', tenantId, '--json'], rig.service);
        assert.equal(first.code, 0, first.out);
        const firstRun = JSON.parse(first.out) as RunRecord & { mode: string };
        assert.equal(firstRun.mode, 'full');
        assert.ok(firstRun.counters.messagesNew > 0);
        const second = await run(['backup', '--tenant', tenantId, '--json'], rig.service);
        const secondRun = JSON.parse(second.out) as RunRecord & { mode: string };
        assert.equal(secondRun.mode, 'incremental');
        assert.equal(secondRun.counters.messagesNew, 0);
        assert.equal(second.code, 0);
      } finally {
        await rig.close();
        db.close();
        tmp.remove();
      }
    });
  });
});
