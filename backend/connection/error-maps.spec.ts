import assert from 'node:assert/strict';
import { mapEntraFailure, type EntraFailure } from './entra-error-map';
import { mapGraphFailure } from './graph-error-map';
import { entraFailureFromResponse } from './token-failure-recorder';

/**
 * Error bodies as Entra's token endpoint sends them: `{error, error_description, error_codes,
 * timestamp, trace_id, correlation_id, error_uri}`, parsed the way the pipeline recorder parses the
 * wire. The descriptions are deliberately misleading: the mapping must follow the numbers.
 */
function entra(
  status: number,
  error: string,
  errorCodes: number[],
  description = 'AADSTS0: words that do not matter',
): EntraFailure {
  const body = JSON.stringify({
    error,
    error_description: `${description}\r\nTrace ID: 0b1c Correlation ID: 9f2e Timestamp: 2026-05-01 10:00:00Z`,
    error_codes: errorCodes,
    timestamp: '2026-05-01 10:00:00Z',
    trace_id: '0b1c',
    correlation_id: '9f2e',
    error_uri: 'https://login.microsoftonline.com/error?code=' + errorCodes.join(','),
  });
  return entraFailureFromResponse(status, body, null);
}

describe('mapEntraFailure', () => {
  const cases: [EntraFailure, string][] = [
    [entra(401, 'invalid_client', [7000215], 'AADSTS7000222: expired'), 'invalid_secret'],
    [entra(401, 'invalid_client', [7000222]), 'expired_secret'],
    [entra(400, 'unauthorized_client', [700016]), 'app_not_found'],
    [entra(400, 'invalid_request', [90002]), 'tenant_not_found'],
    [entra(400, 'invalid_request', [900023]), 'tenant_not_found'],
    [entra(401, 'invalid_client', [7000229]), 'no_service_principal'],
    [entra(400, 'unauthorized_client', [7000112]), 'app_disabled'],
    [entra(429, 'temporarily_unavailable', []), 'throttled'],
    [entra(503, 'temporarily_unavailable', []), 'unreachable'],
    [entra(400, 'invalid_request', [12345678]), 'unexpected'],
    [{ kind: 'transport', reason: 'refused' }, 'unreachable'],
  ];
  for (const [failure, expected] of cases) {
    const label =
      failure.kind === 'response'
        ? `${failure.status} ${failure.errorCodes.join(',') || failure.error}`
        : failure.reason;
    it(`maps ${label} to ${expected}`, () => assert.equal(mapEntraFailure(failure).code, expected));
  }

  it('keeps the Entra number of an unknown code for the admin to quote', () => {
    assert.deepEqual(mapEntraFailure(entra(400, 'invalid_request', [12345678])), {
      code: 'unexpected',
      entraCode: 12345678,
    });
  });

  it('reads a body that is not JSON as a failure without codes', () => {
    assert.deepEqual(entraFailureFromResponse(502, '<html>Bad gateway</html>', null), {
      kind: 'response',
      status: 502,
      errorCodes: [],
    });
    assert.equal(
      mapEntraFailure(entraFailureFromResponse(502, '<html>Bad gateway</html>', null)).code,
      'unreachable',
    );
  });

  it('keeps Retry-After of a throttled token request', () => {
    assert.deepEqual(mapEntraFailure(entraFailureFromResponse(429, '{}', '7')), {
      code: 'throttled',
      retryAfterSeconds: 7,
    });
  });
});

describe('mapGraphFailure', () => {
  it('maps Graph error codes and statuses', () => {
    assert.equal(
      mapGraphFailure({ kind: 'response', status: 403, code: 'Forbidden' }).code,
      'graph_forbidden',
    );
    assert.equal(
      mapGraphFailure({ kind: 'response', status: 403, code: 'Authorization_RequestDenied' }).code,
      'graph_forbidden',
    );
    assert.equal(
      mapGraphFailure({ kind: 'response', status: 401, code: 'InvalidAuthenticationToken' }).code,
      'graph_forbidden',
    );
    assert.deepEqual(
      mapGraphFailure({ kind: 'response', status: 429, code: 'TooManyRequests', retryAfterSeconds: 3 }),
      {
        code: 'throttled',
        retryAfterSeconds: 3,
      },
    );
    assert.equal(
      mapGraphFailure({ kind: 'response', status: 503, code: 'serviceNotAvailable' }).code,
      'unreachable',
    );
    assert.equal(mapGraphFailure({ kind: 'transport', reason: 'timeout' }).code, 'unreachable');
    assert.deepEqual(mapGraphFailure({ kind: 'response', status: 400, code: 'BadRequest' }), {
      code: 'unexpected',
      graphCode: 'BadRequest',
    });
  });
});
