import type { FaultKnobs, ThrottleClass, ThrottleLimits } from '../contracts';

export const THROTTLE_CLASSES: readonly ThrottleClass[] = [
  'getAllMessages',
  'getMessage',
  'teamsGet',
  'directory',
];

/**
 * Microsoft's limits per app per tenant [throttling-limits, Teams section; GRAPH-FACTS.md].
 *
 * `directory` (GET /users, GET /users/{id}) is metered by the identity service in resource units,
 * not requests: a small tenant (< 50 users) gets 3,500 units per 10 s per app, and listing users
 * costs 2 units [throttling-limits, "Identity and access data service limits"]: 3,500 / 10 / 2 =
 * 175 requests per second. The small-tenant quota is the strictest one, hence the default.
 */
export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  enabled: true,
  perClass: { getAllMessages: 200, getMessage: 20, teamsGet: 30, directory: 175 },
  perChat: 1,
  perUserChatList: 5,
  // Limits are metered per second: a client that waits one second always finds room again.
  retryAfterSeconds: 1,
};

export const NO_FAULTS: FaultKnobs = { transientErrorRate: 0, latencyMs: 0, omitRetryAfterRate: 0 };

/** Knobs to change: any of them, and any classes of `perClass`. */
export type ThrottleLimitsChange = Partial<Omit<ThrottleLimits, 'perClass'>> & {
  perClass?: Partial<Record<ThrottleClass, number>>;
};

/** `base` with the given knobs changed; `perClass` merges class by class. */
export function mergeThrottleLimits(base: ThrottleLimits, change: ThrottleLimitsChange = {}): ThrottleLimits {
  const merged: ThrottleLimits = { ...base, ...change, perClass: { ...base.perClass, ...change.perClass } };
  for (const cls of THROTTLE_CLASSES) requirePositive(`perClass.${cls}`, merged.perClass[cls]);
  requirePositive('perChat', merged.perChat);
  requirePositive('perUserChatList', merged.perUserChatList);
  if (!(merged.retryAfterSeconds >= 0) || !Number.isInteger(merged.retryAfterSeconds)) {
    throw new RangeError(`retryAfterSeconds must be a whole number >= 0, got ${merged.retryAfterSeconds}`);
  }
  return merged;
}

export function mergeFaultKnobs(base: FaultKnobs, change: Partial<FaultKnobs> = {}): FaultKnobs {
  const merged = { ...base, ...change };
  for (const name of ['transientErrorRate', 'omitRetryAfterRate'] as const) {
    if (!(merged[name] >= 0 && merged[name] <= 1))
      throw new RangeError(`${name} must be within 0..1, got ${merged[name]}`);
  }
  if (!(merged.latencyMs >= 0)) throw new RangeError(`latencyMs must be >= 0, got ${merged.latencyMs}`);
  return merged;
}

function requirePositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isInteger(value))
    throw new RangeError(`${name} must be a whole number of requests per second > 0, got ${value}`);
}
