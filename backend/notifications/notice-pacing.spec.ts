import assert from 'node:assert/strict';
import { DEFAULT_NOTICE_RETRY, retryDelayMs } from './notice-pacing';

describe('retryDelayMs', () => {
  const retry = { ...DEFAULT_NOTICE_RETRY, baseMs: 1000, capMs: 8000, retryAfterJitterMs: 1000 };

  it('never waits less than Retry-After, adding at most the jitter', () => {
    assert.equal(
      retryDelayMs(1, 3000, retry, () => 0),
      3000,
    );
    assert.equal(
      retryDelayMs(5, 3000, retry, () => 0.999),
      3999,
    );
    assert.equal(
      retryDelayMs(1, 0, retry, () => 0.5),
      500,
    );
  });

  it('backs off exponentially with full jitter, capped, when there is no Retry-After', () => {
    const top = (failures: number) => retryDelayMs(failures, undefined, retry, () => 0.999_999);
    assert.deepEqual([1, 2, 3, 4, 5, 9].map(top), [999, 1999, 3999, 7999, 7999, 7999]);
    assert.equal(
      retryDelayMs(3, undefined, retry, () => 0),
      0,
    );
  });

  it('ignores a Retry-After that is no duration', () => {
    assert.equal(
      retryDelayMs(1, Number.NaN, retry, () => 0.5),
      500,
    );
    assert.equal(
      retryDelayMs(1, -5, retry, () => 0.5),
      500,
    );
  });
});
