import assert from 'node:assert/strict';
import { FaultInjector } from './fault-injector';

describe('FaultInjector', () => {
  it('injects nothing by default', () => {
    const faults = new FaultInjector();
    assert.equal(faults.idle, true);
    for (let i = 0; i < 100; i++) assert.deepEqual(faults.plan(), { latencyMs: 0 });
    assert.equal(faults.omitRetryAfter(), false);
  });

  it('fails every request at rate 1, alternating 503 and 504', () => {
    const faults = new FaultInjector({ transientErrorRate: 1 });
    assert.deepEqual(
      [1, 2, 3, 4].map(() => faults.plan().transientStatus),
      [503, 504, 503, 504],
    );
  });

  it('draws the same failures from the same seed, and about the share asked for', () => {
    const draw = (seed: string) => {
      const faults = new FaultInjector({ transientErrorRate: 0.3, latencyMs: 5 }, seed);
      return Array.from({ length: 1000 }, () => faults.plan());
    };
    const first = draw('s1');
    assert.deepEqual(draw('s1'), first);
    assert.notDeepEqual(draw('s2'), first);
    const failed = first.filter((plan) => plan.transientStatus !== undefined).length;
    assert.ok(failed > 200 && failed < 400, `${failed} of 1000`);
    assert.ok(first.every((plan) => plan.latencyMs === 5));
  });

  it('omits Retry-After on the share of 429s asked for, and knobs change at run time', () => {
    const faults = new FaultInjector();
    faults.set({ omitRetryAfterRate: 1 });
    assert.equal(faults.omitRetryAfter(), true);
    faults.set({ omitRetryAfterRate: 0, latencyMs: 3 });
    assert.deepEqual(faults.current, { transientErrorRate: 0, latencyMs: 3, omitRetryAfterRate: 0 });
    assert.equal(faults.idle, false);
  });
});
