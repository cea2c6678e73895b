import type { RunRecord } from '../../store/backup-records';
import { phaseSpan, PHASE_LABEL } from './active-run';
import type { RunContext } from './run-context';

/**
 * Sends what this process added to the run (counters, errors, Graph requests and 429s) to the run
 * record every few seconds, and hears of a cancellation asked from anywhere (another process, the
 * bot) on the same beat. The coordinator also moves the phase and percent, from the run's items.
 */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastRequests = 0;
  private lastThrottled = 0;
  private flushing: Promise<RunRecord | undefined> = Promise.resolve(undefined);

  constructor(
    private readonly ctx: RunContext,
    private readonly options: {
      coordinator: boolean;
      onRecord: (run: RunRecord) => void;
      onCancelRequested: () => void;
    },
  ) {
    const counts = ctx.graph.counts();
    this.lastRequests = counts.requests;
    this.lastThrottled = counts.throttled;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.ctx.settings.progressEveryMs);
  }

  async stop(): Promise<RunRecord | undefined> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.flush();
  }

  /** One write of everything pending; flushes never overlap. */
  flush(): Promise<RunRecord | undefined> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  private async write(): Promise<RunRecord | undefined> {
    const { ctx } = this;
    const taken = ctx.tally.take();
    const counts = ctx.graph.counts();
    taken.add.requests += counts.requests - this.lastRequests;
    taken.add.throttled += counts.throttled - this.lastThrottled;
    this.lastRequests = counts.requests;
    this.lastThrottled = counts.throttled;
    try {
      const position = this.options.coordinator ? await this.position() : {};
      const run = await ctx.store.updateRunProgress(ctx.tenantId, ctx.run.runId, { ...position, ...taken });
      this.options.onRecord(run);
      if (run.cancelRequestedAt) this.options.onCancelRequested();
      return run;
    } catch {
      // Kept for the next flush; a store hiccup must not lose counts.
      ctx.tally.restore(taken);
      return undefined;
    }
  }

  private async position(): Promise<{ phase: string; percent: number }> {
    const { ctx } = this;
    const [from, to] = phaseSpan(ctx.run.mode, ctx.run.phase);
    let fraction = 0;
    if (ctx.run.phase === 'chats' || ctx.run.phase === 'messages') {
      const counts = await ctx.store.countWorkItems(ctx.tenantId, ctx.run.runId);
      const before = ctx.run.itemsBefore ?? 0;
      const total = counts.pending + counts.claimed + counts.done + counts.failed - before;
      fraction = total <= 0 ? 0 : Math.max(0, counts.done + counts.failed - before) / total;
    }
    return { phase: PHASE_LABEL[ctx.run.phase], percent: Math.floor(from + (to - from) * fraction) };
  }
}
