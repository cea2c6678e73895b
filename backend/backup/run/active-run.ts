import type { HarvestStrategyName } from '../messages/harvest-strategy';

/** Incremental: what changed since each user's watermark. Full: everything, to reconcile. */
export type RunMode = 'incremental' | 'full';

/**
 * Where a run is, in the order runs go through them. Only the lease holder moves a run on; every
 * phase's effects are durable before the phase after it is recorded, so whoever resumes the run
 * repeats at most the phase that was under way.
 */
export type RunPhase = 'users' | 'chats' | 'messages' | 'finalize';

/** The checkpoint naming the tenant's run in progress, if any. */
export interface ActiveRun {
  runId: string;
  mode: RunMode;
  strategy: HarvestStrategyName;
  phase: RunPhase;
  startedAt: string;
  /** Items the run held when the phase began (done in earlier phases): left out of its percent. */
  itemsBefore?: number;
}

export const ACTIVE_RUN_CHECKPOINT = 'run:active';
/** The tenant's one run at a time, across processes. */
export const RUN_LEASE = 'backup-run';

export const PHASE_LABEL: Record<RunPhase, string> = {
  users: 'discovering users',
  chats: 'discovering chats',
  messages: 'reading messages',
  finalize: 'finishing',
};

/** Where each phase starts and ends on the run's percent scale. */
export function phaseSpan(mode: RunMode, phase: RunPhase): [number, number] {
  switch (phase) {
    case 'users':
      return [0, 5];
    case 'chats':
      return [5, 20];
    case 'messages':
      return mode === 'full' ? [20, 99] : [5, 99];
    case 'finalize':
      return [99, 100];
    default: {
      const unreachable: never = phase;
      throw new Error(`unknown phase ${String(unreachable)}`);
    }
  }
}

/** Checkpoint keys of the watermarks: what a user's or chat's next incremental read starts after. */
export function userWatermarkKey(userId: string): string {
  return `watermark:user:${userId}`;
}

export interface Watermark {
  /** ISO time: messages modified after it are read again. */
  after: string;
  /**
   * Since when the user was in the backup scope as the read that set it saw (null or absent: from
   * the start). A user who left the scope and came back has another time: their watermark says
   * nothing of what happened while they were out, and they are read whole (`scope/run-scope.ts`).
   */
  scopeSince?: string | null;
}
