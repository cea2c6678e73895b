import seedrandom from 'seedrandom';
import type { FaultKnobs } from '../contracts';
import { mergeFaultKnobs, NO_FAULTS } from './throttle-limits';

/** What happens to one Graph request before any work: a wait, and possibly a transient failure. */
export interface FaultPlan {
  latencyMs: number;
  /** Answer this status (503 or 504) instead of serving the request. */
  transientStatus?: 503 | 504;
}

/**
 * Injected trouble, drawn from a seeded generator so that a run with the same seed and the same
 * request order fails the same requests. Transient failures alternate between 503 and 504, the
 * two statuses Graph documents as worth a retry.
 */
export class FaultInjector {
  private knobs: FaultKnobs;
  private readonly random: () => number;
  private nextTransient: 503 | 504 = 503;

  constructor(knobs: Partial<FaultKnobs> = {}, seed = 'faults') {
    this.knobs = mergeFaultKnobs(NO_FAULTS, knobs);
    this.random = seedrandom(seed);
  }

  get current(): FaultKnobs {
    return this.knobs;
  }

  set(change: Partial<FaultKnobs>): FaultKnobs {
    this.knobs = mergeFaultKnobs(this.knobs, change);
    return this.knobs;
  }

  /** Whether any fault is configured at all: the shell skips planning when none is. */
  get idle(): boolean {
    return this.knobs.latencyMs === 0 && this.knobs.transientErrorRate === 0;
  }

  plan(): FaultPlan {
    const { latencyMs, transientErrorRate } = this.knobs;
    if (transientErrorRate > 0 && this.random() < transientErrorRate) {
      const status = this.nextTransient;
      this.nextTransient = status === 503 ? 504 : 503;
      return { latencyMs, transientStatus: status };
    }
    return { latencyMs };
  }

  /** Whether this 429 goes out without Retry-After, as some Graph services send them. */
  omitRetryAfter(): boolean {
    return this.knobs.omitRetryAfterRate > 0 && this.random() < this.knobs.omitRetryAfterRate;
  }
}
