import assert from 'node:assert/strict';
import { expiryNoticeKey, expiryThreshold } from './expiry-threshold';

describe('expiryThreshold', () => {
  it('is the tightest of 30, 7 and 1 days that the days left have reached', () => {
    const cases: [number, number | undefined][] = [
      [400, undefined],
      [31, undefined],
      [30, 30],
      [8, 30],
      [7, 7],
      [2, 7],
      [1, 1],
      [0, 1],
      [-10, 1],
    ];
    for (const [daysLeft, threshold] of cases)
      assert.equal(expiryThreshold(daysLeft), threshold, String(daysLeft));
  });

  it('names a threshold of one secret: its app and its expiry', () => {
    assert.notEqual(expiryNoticeKey('app', '2026-06-01', 7), expiryNoticeKey('app', '2026-06-02', 7));
    assert.notEqual(expiryNoticeKey('app', '2026-06-01', 7), expiryNoticeKey('app', '2026-06-01', 1));
    assert.notEqual(expiryNoticeKey('app', '2026-06-01', 7), expiryNoticeKey('other', '2026-06-01', 7));
  });
});
