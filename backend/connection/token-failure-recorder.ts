import type { IdentityPolicy } from '../graph/client-secret-credential';
import type { EntraFailure } from './entra-error-map';
import { transportReason } from './transport-error';

/**
 * Records how Entra answered, from inside @azure/identity's HTTP pipeline.
 *
 * Why: with @azure/identity 4.x on msal-node 5.x a failed client-credentials request surfaces as an
 * `AuthenticationRequiredError` that carries only a formatted message: MSAL's `ServerError` (which
 * holds `errorNo`, the first of `error_codes`) is replaced by it, and a failed tenant discovery
 * becomes a bare `CredentialUnavailableError("endpoints_resolution_error")`. The numbers exist only
 * on the wire, so this policy reads them there: `error`, `error_codes` and Retry-After of every
 * non-2xx answer (tenant discovery and the token request alike), and the error of a request that
 * got no answer. It also bounds each request's time. One recorder per credential, per test.
 */
export class TokenFailureRecorder {
  private last: EntraFailure | undefined;

  constructor(private readonly requestTimeoutMs: number) {}

  /** The last failure seen, if any. */
  failure(): EntraFailure | undefined {
    return this.last;
  }

  readonly policy: IdentityPolicy = {
    position: 'perRetry',
    policy: {
      name: 'chatvaultTokenFailureRecorder',
      sendRequest: async (request, next) => {
        request.timeout = this.requestTimeoutMs;
        let response;
        try {
          response = await next(request);
        } catch (error) {
          this.last = { kind: 'transport', reason: transportReason(error) };
          throw error;
        }
        if (response.status >= 400) {
          this.last = entraFailureFromResponse(
            response.status,
            response.bodyAsText,
            response.headers.get('retry-after'),
          );
        }
        return response;
      },
    },
  };
}

/** An Entra error answer as a failure: status, the body's `error` and `error_codes`, Retry-After. */
export function entraFailureFromResponse(
  status: number,
  body: string | null | undefined,
  retryAfterHeader: string | null | undefined,
): EntraFailure {
  return { kind: 'response', status, ...oauthError(body), ...retryAfter(retryAfterHeader) };
}

/** Entra's error body: `{error, error_description, error_codes: number[], trace_id, correlation_id}`. */
function oauthError(body: string | null | undefined): { error?: string; errorCodes: number[] } {
  if (!body) return { errorCodes: [] };
  try {
    const parsed = JSON.parse(body) as { error?: unknown; error_codes?: unknown };
    const errorCodes = Array.isArray(parsed.error_codes)
      ? parsed.error_codes.filter((n): n is number => typeof n === 'number' && Number.isInteger(n))
      : [];
    return typeof parsed.error === 'string' ? { error: parsed.error, errorCodes } : { errorCodes };
  } catch {
    return { errorCodes: [] };
  }
}

/** Retry-After in seconds (the date form is turned into seconds from now). */
export function retryAfter(value: string | null | undefined): { retryAfterSeconds?: number } {
  if (!value) return {};
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return { retryAfterSeconds: Math.ceil(seconds) };
  const date = Date.parse(value);
  return Number.isNaN(date) ? {} : { retryAfterSeconds: Math.max(0, Math.ceil((date - Date.now()) / 1000)) };
}
