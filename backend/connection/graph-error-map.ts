import type { MappedFailure } from './entra-error-map';
import type { TransportReason } from './transport-error';

/** How a Graph call failed, as recorded from the wire. */
export type GraphFailure =
  | { kind: 'response'; status: number; code?: string; retryAfterSeconds?: number }
  | { kind: 'transport'; reason: TransportReason };

/**
 * Graph error codes (`error.code` of the body) that mean "not allowed": the Teams endpoints answer
 * `Forbidden`, the directory `Authorization_RequestDenied`, a token Graph will not take
 * `InvalidAuthenticationToken`.
 */
const FORBIDDEN_CODES = new Set([
  'Forbidden',
  'Authorization_RequestDenied',
  'AccessDenied',
  'accessDenied',
  'InvalidAuthenticationToken',
  'Unauthorized',
]);
const THROTTLED_CODES = new Set(['TooManyRequests', 'throttledRequest', 'activityLimitReached']);

export function mapGraphFailure(failure: GraphFailure): MappedFailure & { graphCode?: string } {
  if (failure.kind === 'transport') return { code: 'unreachable' };
  const { status, code } = failure;
  if (status === 429 || (code !== undefined && THROTTLED_CODES.has(code))) {
    return failure.retryAfterSeconds === undefined
      ? { code: 'throttled' }
      : { code: 'throttled', retryAfterSeconds: failure.retryAfterSeconds };
  }
  if (status >= 500) return { code: 'unreachable' };
  if (status === 401 || status === 403 || (code !== undefined && FORBIDDEN_CODES.has(code))) {
    return code === undefined ? { code: 'graph_forbidden' } : { code: 'graph_forbidden', graphCode: code };
  }
  return code === undefined ? { code: 'unexpected' } : { code: 'unexpected', graphCode: code };
}
