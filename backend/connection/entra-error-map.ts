import type { OutcomeCode } from './outcomes';
import type { TransportReason } from './transport-error';

/** How the token request to Entra failed, as recorded from the wire. */
export type EntraFailure =
  | {
      kind: 'response';
      status: number;
      /** The OAuth 2.0 error code (RFC 6749 section 5.2), e.g. `invalid_client`. */
      error?: string;
      /** Entra's numeric codes, the number after "AADSTS" (`error_codes` in the body). */
      errorCodes: readonly number[];
      retryAfterSeconds?: number;
    }
  | { kind: 'transport'; reason: TransportReason };

/**
 * Entra's numeric error codes and what each means for an admin (GRAPH-FACTS.md, Token section;
 * Microsoft's "Microsoft Entra authentication and authorization error codes" page). Matching is on
 * these numbers only; `error_description` is prose that Microsoft rewords and localises.
 */
export const ENTRA_ERROR_CODES: ReadonlyMap<number, OutcomeCode> = new Map<number, OutcomeCode>([
  [7000215, 'invalid_secret'], // invalid client secret: often the secret's ID pasted instead of its Value
  [7000222, 'expired_secret'], // the client secret has expired
  [700016, 'app_not_found'], // no application with this id in the tenant
  [90002, 'tenant_not_found'], // tenant not found
  [900023, 'tenant_not_found'], // neither a tenant id nor a verified domain
  [7000229, 'no_service_principal'], // the app has no service principal (enterprise application) in the tenant
  [7000112, 'app_disabled'], // the application is disabled
]);

export interface MappedFailure {
  code: OutcomeCode;
  entraCode?: number;
  retryAfterSeconds?: number;
}

export function mapEntraFailure(failure: EntraFailure): MappedFailure {
  if (failure.kind === 'transport') return { code: 'unreachable' };
  for (const n of failure.errorCodes) {
    const code = ENTRA_ERROR_CODES.get(n);
    if (code) return { code, entraCode: n };
  }
  if (failure.status === 429) return withRetryAfter({ code: 'throttled' }, failure.retryAfterSeconds);
  // 5xx and `temporarily_unavailable` (RFC 6749) are the authority's own trouble, not a verdict.
  if (failure.status >= 500 || failure.error === 'temporarily_unavailable') return { code: 'unreachable' };
  const first = failure.errorCodes[0];
  return first === undefined ? { code: 'unexpected' } : { code: 'unexpected', entraCode: first };
}

function withRetryAfter(mapped: MappedFailure, retryAfterSeconds: number | undefined): MappedFailure {
  return retryAfterSeconds === undefined ? mapped : { ...mapped, retryAfterSeconds };
}
