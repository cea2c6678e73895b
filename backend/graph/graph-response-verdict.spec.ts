import assert from 'node:assert/strict';
import { fullJitterDelayMs, judgeResponse, parseRetryAfter } from './graph-response-verdict';

describe('judging a failed Graph answer', () => {
  it('retries 429 for as long as it takes, with the Retry-After Graph gave', () => {
    assert.deepEqual(judgeResponse(429, 'TooManyRequests', '7'), { kind: 'throttled', retryAfterMs: 7000 });
    assert.deepEqual(judgeResponse(429, undefined, null), { kind: 'throttled' });
  });

  it('takes a throttling code as throttling whatever the status', () => {
    assert.deepEqual(judgeResponse(503, 'activityLimitReached', '2'), {
      kind: 'throttled',
      retryAfterMs: 2000,
    });
  });

  it('retries 500, 502, 503 and 504 as transient, never 501', () => {
    for (const status of [500, 502, 503, 504])
      assert.equal(judgeResponse(status, undefined, null).kind, 'transient');
    assert.deepEqual(judgeResponse(503, 'ServiceUnavailable', '3'), {
      kind: 'transient',
      retryAfterMs: 3000,
    });
    assert.deepEqual(judgeResponse(501, 'NotImplemented', null), { kind: 'failed', reason: 'unavailable' });
  });

  it('maps statuses to the reasons the engine branches on, whatever the code', () => {
    const cases: [number, string | undefined, string][] = [
      [401, 'InvalidAuthenticationToken', 'unauthorized'],
      [403, 'Forbidden', 'forbidden'],
      [403, 'Authorization_RequestDenied', 'forbidden'],
      [404, 'NotFound', 'not_found'],
      [404, 'Request_ResourceNotFound', 'not_found'],
      [410, undefined, 'not_found'],
      [400, 'BadRequest', 'bad_request'],
      [400, 'Request_UnsupportedQuery', 'bad_request'],
      [405, 'BadRequest', 'bad_request'],
    ];
    for (const [status, code, reason] of cases) {
      assert.deepEqual(judgeResponse(status, code, null), { kind: 'failed', reason }, `${status} ${code}`);
    }
  });

  it('reads Retry-After as delta-seconds, and leaves anything else to the backoff', () => {
    assert.equal(parseRetryAfter('0'), 0);
    assert.equal(parseRetryAfter(' 12 '), 12_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT'), undefined);
    assert.equal(parseRetryAfter('-3'), undefined);
    assert.equal(parseRetryAfter('1.5'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});

describe('full jitter backoff', () => {
  const options = { baseMs: 100, capMs: 5000 };

  it('draws below a ceiling that doubles with each attempt, up to the cap', () => {
    const almostOne = () => 0.999999;
    assert.equal(fullJitterDelayMs(1, options, almostOne), 99);
    assert.equal(fullJitterDelayMs(2, options, almostOne), 199);
    assert.equal(fullJitterDelayMs(4, options, almostOne), 799);
    assert.equal(fullJitterDelayMs(10, options, almostOne), 4999);
    assert.equal(fullJitterDelayMs(1000, options, almostOne), 4999);
  });

  it('spreads the waits over the whole range', () => {
    assert.equal(
      fullJitterDelayMs(3, options, () => 0),
      0,
    );
    assert.equal(
      fullJitterDelayMs(3, options, () => 0.5),
      200,
    );
  });
});
