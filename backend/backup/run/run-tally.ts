import type { RunCounters, RunErrorInput } from '../../store/backup-records';
import { zeroCounters } from '../../store/run-progress';

/**
 * What this process added to a run since the last flush: counters and errors collect here and go
 * to the run record every few seconds (one write, however many messages), so several processes
 * can report into one run without contending per message.
 */
export class RunTally {
  private counters: RunCounters = zeroCounters();
  private errors: RunErrorInput[] = [];
  private readonly total: RunCounters = zeroCounters();

  add(delta: Partial<RunCounters>): void {
    for (const [name, value] of Object.entries(delta) as [keyof RunCounters, number | undefined][]) {
      if (!value) continue;
      this.counters[name] += value;
      this.total[name] += value;
    }
  }

  error(error: RunErrorInput): void {
    this.errors.push(error);
  }

  /** What was added since the last call, and forgets it. */
  take(): { add: RunCounters; errors: RunErrorInput[] } {
    const taken = { add: this.counters, errors: this.errors };
    this.counters = zeroCounters();
    this.errors = [];
    return taken;
  }

  /** Hands back what `take` returned when writing it failed, so the next flush carries it. */
  restore(taken: { add: RunCounters; errors: RunErrorInput[] }): void {
    for (const [name, value] of Object.entries(taken.add) as [keyof RunCounters, number][]) {
      this.counters[name] += value;
    }
    this.errors = [...taken.errors, ...this.errors];
  }

  /** Everything this process added to the run, flushed or not. */
  get added(): RunCounters {
    return { ...this.total };
  }
}
