import assert from 'node:assert/strict';
import { AdaptiveRate, DEFAULT_ADAPTIVE_RATE } from './adaptive-rate';

describe('AdaptiveRate', () => {
  const options = { decreaseFactor: 0.5, recoveryShare: 0.1, floorShare: 0.05, cooldownMs: 1000 };

  it('starts at the ceiling', () => {
    assert.equal(new AdaptiveRate(200, DEFAULT_ADAPTIVE_RATE, 0).current(0), 200);
  });

  it('halves on a 429, and counts a burst within the cooldown as one', () => {
    const rate = new AdaptiveRate(200, options, 0);
    assert.equal(rate.throttled(0), true);
    assert.equal(rate.throttled(10), false);
    assert.equal(rate.throttled(999), false);
    assert.equal(rate.current(0), 100);
    assert.equal(rate.throttled(1000), true);
    // 100 rps, plus 1 s of recovery at 20 rps/s, halved.
    assert.equal(rate.current(1000), 60);
  });

  it('adds back a share of the ceiling per quiet second, up to the ceiling', () => {
    const rate = new AdaptiveRate(200, options, 0);
    rate.throttled(0);
    assert.equal(rate.current(2500), 150);
    assert.equal(rate.current(60_000), 200);
  });

  const noRecovery = { ...options, recoveryShare: 0 };

  it('never goes below the floor', () => {
    const rate = new AdaptiveRate(200, noRecovery, 0);
    for (let t = 0; t < 20_000; t += 1000) rate.throttled(t);
    assert.equal(rate.current(19_000), 10);
  });

  it('keeps an absolute floor of one request every ten seconds', () => {
    const rate = new AdaptiveRate(1, noRecovery, 0);
    for (let t = 0; t < 20_000; t += 1000) rate.throttled(t);
    assert.equal(rate.current(19_000), 0.1);
  });
});
