import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GraphCaller, ThrottleClass, ThrottleKey, ThrottleLimits } from '../contracts';
import {
  DEFAULT_THROTTLE_LIMITS,
  mergeThrottleLimits,
  THROTTLE_CLASSES,
  type ThrottleLimitsChange,
} from './throttle-limits';

/** Which limit refused a request. */
export type ThrottleScope = 'class' | 'chat' | 'user';

export type ThrottleDecision =
  { throttled: false } | { throttled: true; scope: ThrottleScope; retryAfterSeconds: number };

/** Requests and 429s by endpoint class since the start (or the last reset), for tests and benchmarks. */
export interface ThrottleCounters {
  requests: Record<ThrottleClass, number>;
  throttled: Record<ThrottleClass, number>;
}

interface Limiters {
  perClass: Record<ThrottleClass, RateLimiterMemory>;
  perChat: RateLimiterMemory;
  perUser: RateLimiterMemory;
}

const ALLOWED: ThrottleDecision = { throttled: false };

/**
 * Graph's per app per tenant limits: one limiter per endpoint class, one per chat, one per user
 * (list/get chats), each over a one-second window. A request must pass every limit that applies
 * to it; one that fails any is answered 429. Changing the limits starts the windows afresh.
 */
export class GraphThrottle {
  private current: ThrottleLimits;
  private limiters: Limiters;
  private counts: ThrottleCounters = emptyCounters();

  constructor(limits: ThrottleLimitsChange = {}) {
    this.current = mergeThrottleLimits(DEFAULT_THROTTLE_LIMITS, limits);
    this.limiters = createLimiters(this.current);
  }

  get limits(): ThrottleLimits {
    return this.current;
  }

  setLimits(change: ThrottleLimitsChange): ThrottleLimits {
    this.current = mergeThrottleLimits(this.current, change);
    this.limiters = createLimiters(this.current);
    return this.current;
  }

  get counters(): ThrottleCounters {
    return { requests: { ...this.counts.requests }, throttled: { ...this.counts.throttled } };
  }

  resetCounters(): void {
    this.counts = emptyCounters();
  }

  /** Counts the request against its limits; the decision says whether it may be served. */
  async admit(caller: GraphCaller, key: ThrottleKey): Promise<ThrottleDecision> {
    this.counts.requests[key.class] += 1;
    if (!this.current.enabled) return ALLOWED;
    const app = `${caller.tenantId}|${caller.appId}`;
    const checks: [ThrottleScope, Promise<RateLimiterRes>][] = [
      ['class', this.limiters.perClass[key.class].consume(app)],
    ];
    if (key.chatId !== undefined)
      checks.push(['chat', this.limiters.perChat.consume(`${app}|${key.chatId}`)]);
    if (key.userId !== undefined)
      checks.push(['user', this.limiters.perUser.consume(`${app}|${key.userId}`)]);
    const outcomes = await Promise.allSettled(checks.map(([, check]) => check));
    const refused = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    if (refused === -1) return ALLOWED;
    const reason = (outcomes[refused] as PromiseRejectedResult).reason as unknown;
    if (!(reason instanceof RateLimiterRes)) throw reason;
    this.counts.throttled[key.class] += 1;
    return { throttled: true, scope: checks[refused]![0], retryAfterSeconds: this.current.retryAfterSeconds };
  }
}

function createLimiters(limits: ThrottleLimits): Limiters {
  const perSecond = (points: number) => new RateLimiterMemory({ points, duration: 1 });
  const perClass = Object.fromEntries(
    THROTTLE_CLASSES.map((cls) => [cls, perSecond(limits.perClass[cls])]),
  ) as Record<ThrottleClass, RateLimiterMemory>;
  return { perClass, perChat: perSecond(limits.perChat), perUser: perSecond(limits.perUserChatList) };
}

function emptyCounters(): ThrottleCounters {
  const zero = () =>
    Object.fromEntries(THROTTLE_CLASSES.map((cls) => [cls, 0])) as Record<ThrottleClass, number>;
  return { requests: zero(), throttled: zero() };
}
