import type { GraphReadFailure } from './tenant-graph-source';

/**
 * What a failed Graph answer means for the request: wait and send it again, or give up with a
 * reason the engine branches on. Decided from the HTTP status and Graph's `error.code`, never from
 * message text, which Microsoft rewords and translates.
 */
export type ResponseVerdict =
  /** Over a limit: retried for as long as it takes. */
  | { kind: 'throttled'; retryAfterMs?: number }
  /** A passing fault of the service: retried a bounded number of times. */
  | { kind: 'transient'; retryAfterMs?: number }
  | { kind: 'failed'; reason: GraphReadFailure };

/**
 * Codes that mean "over a limit" whatever the status: some services answer throttling with a 503
 * or a 403 and one of these [throttling; Graph errors].
 */
const THROTTLED_CODES: ReadonlySet<string> = new Set([
  'TooManyRequests',
  'activityLimitReached',
  'throttledRequest',
]);

export function judgeResponse(
  status: number,
  code: string | undefined,
  retryAfter: string | null,
): ResponseVerdict {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429 || (code !== undefined && THROTTLED_CODES.has(code)))
    return { kind: 'throttled', ...wait };
  // 500/502 too: Graph's front door answers them for a back end that fell over mid-request, and
  // the same read usually succeeds a moment later [Graph errors, "retry"]; 501 never will.
  if (status === 500 || status === 502 || status === 503 || status === 504)
    return { kind: 'transient', ...wait };
  return { kind: 'failed', reason: failureOf(status) };
}

function failureOf(status: number): GraphReadFailure {
  // Graph's error codes refine these statuses (`Authorization_RequestDenied` vs `Forbidden`,
  // `Request_ResourceNotFound` vs `NotFound`) without changing what the engine must do: the code
  // goes along in `GraphReadError.graphCode` for the run record.
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status >= 500) return 'unavailable';
  return 'bad_request';
}

/**
 * `Retry-After` in milliseconds. Graph sends delta-seconds [throttling]; anything else (absent,
 * an HTTP-date, garbage) is left to the caller's own backoff.
 */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  return /^\d+$/.test(text) ? Number(text) * 1000 : undefined;
}

export interface BackoffOptions {
  /** The cap of the first wait; it doubles with every attempt. */
  baseMs: number;
  /** No wait is ever drawn above this. */
  capMs: number;
}

/**
 * "Full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"): a
 * uniform draw in [0, min(cap, base * 2^(attempt-1))). Many readers refused at the same moment then
 * come back spread out instead of all together.
 */
export function fullJitterDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.floor(random() * ceiling);
}
