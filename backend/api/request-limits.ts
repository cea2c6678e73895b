import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from './api-error';

/** A budget of requests per key: `points` within `durationSeconds`. */
export interface RequestBudget {
  points: number;
  durationSeconds: number;
}

export interface TabApiLimits {
  /** Every request of one signed-in person. */
  perPerson: RequestBudget;
  /** Connection tests of one tenant: each one asks Entra for a token and reads Graph. */
  connectionTests: RequestBudget;
  /** Demo tokens per client address (local demo only). */
  demoTokens: RequestBudget;
  /**
   * Signed-link requests (transcript images, export downloads) of one admin: a page of a transcript
   * loads each of its images at once, so these are not spent from the person's own budget.
   */
  links: RequestBudget;
}

export const DEFAULT_LIMITS: TabApiLimits = {
  perPerson: { points: 120, durationSeconds: 60 },
  connectionTests: { points: 10, durationSeconds: 60 },
  demoTokens: { points: 30, durationSeconds: 60 },
  links: { points: 1200, durationSeconds: 60 },
};

/**
 * In-process request budgets (each server process counts its own; enough to stop a runaway tab or
 * a script, not a distributed flood, which belongs in front of the server).
 */
export class RequestLimits {
  private readonly limiters: Record<keyof TabApiLimits, RateLimiterMemory>;

  constructor(limits: Partial<TabApiLimits> = {}) {
    const merged = { ...DEFAULT_LIMITS, ...limits };
    this.limiters = {
      perPerson: limiter(merged.perPerson),
      connectionTests: limiter(merged.connectionTests),
      demoTokens: limiter(merged.demoTokens),
      links: limiter(merged.links),
    };
  }

  /** Spends one request of `key`'s budget; rejects with 429 `rate_limited` when it is spent. */
  async spend(budget: keyof TabApiLimits, key: string): Promise<void> {
    try {
      await this.limiters[budget].consume(key, 1);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ApiError('rate_limited', `Too many requests. Try again in ${seconds} seconds.`, {
        retryAfterSeconds: seconds,
      });
    }
  }
}

function limiter(budget: RequestBudget): RateLimiterMemory {
  return new RateLimiterMemory({ points: budget.points, duration: budget.durationSeconds });
}
