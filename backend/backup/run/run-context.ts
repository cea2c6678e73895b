import type { Clock } from '../../connection/clock';
import type { TenantGraphSource } from '../../graph/tenant-graph-source';
import type { BackupStore } from '../../store/backup-store';
import type { BackupSettings } from '../backup-settings';
import type { MessageSink } from '../messages/message-sink';
import type { ActiveRun } from './active-run';
import type { BackupHooks } from './backup-hooks';
import type { RunTally } from './run-tally';
import { workItemKey, type WorkItem } from './work-item-key';

/** What a work item runs with: one per process taking part in a run. */
export interface RunContext {
  tenantId: string;
  run: ActiveRun;
  graph: TenantGraphSource;
  store: BackupStore;
  sink: MessageSink;
  tally: RunTally;
  clock: Clock;
  settings: BackupSettings;
  hooks: BackupHooks;
  signal: AbortSignal;
  /** Chats this process saw in the store: an incremental run lists a user's chats only for unknown ones. */
  knownChats: Set<string>;
  /** Chats this process recorded in this run, with the `lastUpdatedDateTime` written. */
  recordedChats: Map<string, string>;
}

/** Adds items to the run; keys already in it stay as they are (done items are not redone). */
export async function addItems(ctx: RunContext, items: WorkItem[]): Promise<void> {
  if (items.length === 0) return;
  await ctx.store.addWorkItems(ctx.tenantId, ctx.run.runId, [...new Set(items.map(workItemKey))]);
}

export function nowIso(ctx: Pick<RunContext, 'clock'>): string {
  return ctx.clock.now().toISOString();
}
