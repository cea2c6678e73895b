/**
 * The rates the tenant graph source paces itself to, before sending anything. Each one is a knob:
 * tests lower them, benchmarks raise them; the defaults are Microsoft's documented limits.
 */

/** The endpoint classes Graph meters separately, per app per tenant [throttling-limits, Teams]. */
export type GraphCallClass = 'getAllMessages' | 'getMessage' | 'teamsGet' | 'directory';

export const GRAPH_CALL_CLASSES: readonly GraphCallClass[] = [
  'getAllMessages',
  'getMessage',
  'teamsGet',
  'directory',
];

export interface GraphRateLimits {
  /** Requests per second per app per tenant, by class. */
  perClass: Record<GraphCallClass, number>;
  /** Requests per second on any one chat. */
  perChat: number;
  /** Requests per second on one user's chats (list chats, getAllMessages). */
  perUser: number;
  /**
   * The share (0..1] of every rate above that is actually used. Graph's metering windows and our
   * spacing never line up, and latency jitter bunches requests on arrival: a little room keeps
   * a paced client clear of 429s at the documented rate.
   */
  headroom: number;
}

export const DOCUMENTED_GRAPH_LIMITS: GraphRateLimits = {
  perClass: {
    // [throttling-limits, Teams]: "Get all chat messages for a user" 200 rps, "GET 1:1/group chat
    // message" 20 rps, "Other GET API calls for Microsoft Teams" 30 rps.
    getAllMessages: 200,
    getMessage: 20,
    teamsGet: 30,
    // The directory meters resource units, not requests [throttling-limits, Identity and access]:
    // the smallest tenants get 3,500 units per 10 s per app, `GET users` costs 2 (1 with $select),
    // so the ceiling is 175-350 rps. A backup reads 999 users per page, a handful of requests per
    // run: 20 rps costs nothing and leaves the quota to the rest of the app.
    directory: 20,
  },
  // GRAPH-FACTS (Throttling): "at most 1 rps per app per tenant on any single chat; at most 5 rps
  // per user for list/get chats".
  perChat: 1,
  perUser: 5,
  headroom: 0.95,
};

/** Changes to the documented limits: any knob, and any classes of `perClass`. */
export type GraphRateLimitsChange = Partial<Omit<GraphRateLimits, 'perClass'>> & {
  perClass?: Partial<Record<GraphCallClass, number>>;
};

export function resolveGraphLimits(change: GraphRateLimitsChange = {}): GraphRateLimits {
  const limits: GraphRateLimits = {
    ...DOCUMENTED_GRAPH_LIMITS,
    ...change,
    perClass: { ...DOCUMENTED_GRAPH_LIMITS.perClass, ...change.perClass },
  };
  for (const cls of GRAPH_CALL_CLASSES) requirePositive(`perClass.${cls}`, limits.perClass[cls]);
  requirePositive('perChat', limits.perChat);
  requirePositive('perUser', limits.perUser);
  if (!(limits.headroom > 0 && limits.headroom <= 1)) {
    throw new RangeError(`headroom must be within (0, 1], got ${limits.headroom}`);
  }
  return limits;
}

function requirePositive(name: string, rps: number): void {
  if (!(rps > 0 && Number.isFinite(rps))) {
    throw new RangeError(`${name} must be a number of requests per second > 0, got ${rps}`);
  }
}
