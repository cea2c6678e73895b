import { randomBytes } from 'node:crypto';
import {
  RUN_COUNTER_NAMES,
  RUN_ERROR_EXAMPLES,
  type RunCounters,
  type RunErrorGroup,
  type RunErrorInput,
  type RunOutcome,
  type RunProgressUpdate,
  type RunRecord,
  type RunTrigger,
} from './backup-records';

/** How runs change, shared by every adapter (each applies it inside its own compare-and-swap). */

export function zeroCounters(): RunCounters {
  return {
    users: 0,
    chats: 0,
    messagesNew: 0,
    messagesChanged: 0,
    messagesDeleted: 0,
    versions: 0,
    blobs: 0,
    bytes: 0,
    requests: 0,
    throttled: 0,
  };
}

/** Sortable by start time (13-digit epoch ms), unique across processes by its random tail. */
export function newRunId(at: Date): string {
  return `run-${String(at.getTime()).padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
}

export function newRun(
  tenantId: string,
  init: { trigger: RunTrigger; runId?: string; phase?: string },
  now: Date,
): RunRecord {
  const at = now.toISOString();
  return {
    tenantId,
    runId: init.runId ?? newRunId(now),
    trigger: init.trigger,
    startedAt: at,
    updatedAt: at,
    status: 'running',
    phase: init.phase ?? 'starting',
    percent: 0,
    counters: zeroCounters(),
    errors: [],
  };
}

/** Counts every error and keeps the first few examples of each kind. */
export function groupRunErrors(groups: RunErrorGroup[], errors: RunErrorInput[]): RunErrorGroup[] {
  const result = groups.map((g) => ({ ...g, examples: [...g.examples] }));
  for (const error of errors) {
    let group = result.find((g) => g.kind === error.kind);
    if (!group) result.push((group = { kind: error.kind, count: 0, examples: [] }));
    group.count++;
    if (group.examples.length < RUN_ERROR_EXAMPLES) group.examples.push(error);
  }
  return result;
}

/** The run after a progress update; a finished run does not change. */
export function applyRunProgress(run: RunRecord, update: RunProgressUpdate, now: Date): RunRecord {
  if (run.status === 'finished') return run;
  const counters = { ...run.counters };
  for (const name of RUN_COUNTER_NAMES) counters[name] += update.add?.[name] ?? 0;
  return {
    ...run,
    updatedAt: now.toISOString(),
    phase: update.phase ?? run.phase,
    percent: update.percent === undefined ? run.percent : Math.max(0, Math.min(100, update.percent)),
    counters,
    errors: update.errors?.length ? groupRunErrors(run.errors, update.errors) : run.errors,
  };
}

export function applyRunFinish(
  run: RunRecord,
  finish: { outcome: RunOutcome; errors?: RunErrorInput[] },
  now: Date,
): RunRecord {
  if (run.status === 'finished') return run;
  const at = now.toISOString();
  return {
    ...run,
    updatedAt: at,
    status: 'finished',
    finishedAt: at,
    outcome: finish.outcome,
    phase: 'finished',
    percent: finish.outcome === 'succeeded' ? 100 : run.percent,
    errors: finish.errors?.length ? groupRunErrors(run.errors, finish.errors) : run.errors,
  };
}
