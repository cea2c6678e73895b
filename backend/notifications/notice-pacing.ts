import type Bottleneck from 'bottleneck';

/**
 * How fast notices may go out. Teams meters a bot per conversation ("per bot per thread") and per
 * tenant, and answers 429 past either [Teams platform docs, "Optimize your bot with rate limiting
 * in Teams"]: per conversation 7 sends per second, 8 per 2 seconds, 60 per 30 seconds and 1,800 per
 * hour; per app per tenant 50 requests per second. Each gate below keeps under all of them, so a
 * 429 is the exception that retries handle, not the pace.
 */
export interface NoticePacing {
  /**
   * Least time between two sends to one conversation. 250 ms would keep 7 per second and 8 per
   * 2 s exactly; 300 leaves room for the few milliseconds a send's start may slip behind its slot.
   */
  conversationMinTimeMs: number;
  /**
   * Sends one conversation may take back to back; then one more per `conversationRefillMs`. With
   * 30 and 2,100 ms, no 30 s window holds more than 30 + 15 = 45 and no hour more than 30 + 1,715.
   */
  conversationBurst: number;
  conversationRefillMs: number;
  /** Sends per second to all of one tenant's conversations (50 documented, with headroom). */
  tenantPerSecond: number;
}

export const TEAMS_NOTICE_PACING: NoticePacing = {
  conversationMinTimeMs: 300,
  conversationBurst: 30,
  conversationRefillMs: 2100,
  tenantPerSecond: 45,
};

/** One limiter per conversation: a token bucket (Bottleneck's reservoir) behind a minimum spacing. */
export function conversationLimiterOptions(pacing: NoticePacing): Bottleneck.ConstructorOptions {
  return {
    // One send at a time per conversation: notices arrive in order, and a 429's Retry-After holds
    // the whole conversation while it waits.
    maxConcurrent: 1,
    minTime: pacing.conversationMinTimeMs,
    reservoir: pacing.conversationBurst,
    reservoirIncreaseAmount: 1,
    reservoirIncreaseInterval: pacing.conversationRefillMs,
    reservoirIncreaseMaximum: pacing.conversationBurst,
  };
}

export function tenantLimiterOptions(pacing: NoticePacing): Bottleneck.ConstructorOptions {
  return { minTime: Math.ceil(1000 / pacing.tenantPerSecond) };
}

/** Retries of a send that failed for a passing reason (`NoticeSendError`). */
export interface NoticeRetry {
  /** Sends tried at most, the first included; then the notice is given up for that target. */
  maxAttempts: number;
  /** Backoff without Retry-After: full jitter over base·2^(n-1), at most `capMs`. */
  baseMs: number;
  capMs: number;
  /** Added to a Retry-After at random, at most this much, so held conversations do not all resume at once. */
  retryAfterJitterMs: number;
}

export const DEFAULT_NOTICE_RETRY: NoticeRetry = {
  maxAttempts: 6,
  baseMs: 1000,
  capMs: 60_000,
  retryAfterJitterMs: 1000,
};

/**
 * How long to wait before attempt `failures + 1`: never less than the channel's Retry-After; without
 * one, exponential backoff with full jitter.
 */
export function retryDelayMs(
  failures: number,
  retryAfterMs: number | undefined,
  retry: NoticeRetry,
  random: () => number,
): number {
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.ceil(retryAfterMs + random() * retry.retryAfterJitterMs);
  }
  const ceiling = Math.min(retry.capMs, retry.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}
