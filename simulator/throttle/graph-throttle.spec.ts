import assert from 'node:assert/strict';
import type { GraphCaller } from '../contracts';
import { GraphThrottle } from './graph-throttle';
import { DEFAULT_THROTTLE_LIMITS, mergeFaultKnobs, mergeThrottleLimits, NO_FAULTS } from './throttle-limits';

const APP: GraphCaller = { tenantId: 't1', appId: 'a1', roles: [] };
const OTHER_APP: GraphCaller = { tenantId: 't1', appId: 'a2', roles: [] };
const OTHER_TENANT: GraphCaller = { tenantId: 't2', appId: 'a1', roles: [] };

/*
 * Windows are one second long and these tests send a few requests back to back, well inside one
 * window: they check which requests are refused, never how long anything takes.
 */
describe('GraphThrottle', () => {
  it("enforces Microsoft's documented per-class limits by default", async () => {
    assert.deepEqual(DEFAULT_THROTTLE_LIMITS.perClass, {
      getAllMessages: 200,
      getMessage: 20,
      teamsGet: 30,
      directory: 175,
    });
    const throttle = new GraphThrottle();
    const decisions = [];
    for (let i = 0; i < 21; i++) decisions.push(await throttle.admit(APP, { class: 'getMessage' }));
    assert.deepEqual(
      decisions.map((d) => d.throttled),
      [...Array<boolean>(20).fill(false), true],
    );
    assert.deepEqual(decisions[20], { throttled: true, scope: 'class', retryAfterSeconds: 1 });
  });

  it('meters each app of each tenant on its own', async () => {
    const throttle = new GraphThrottle({ perClass: { directory: 1 } });
    assert.equal((await throttle.admit(APP, { class: 'directory' })).throttled, false);
    assert.equal((await throttle.admit(APP, { class: 'directory' })).throttled, true);
    assert.equal((await throttle.admit(OTHER_APP, { class: 'directory' })).throttled, false);
    assert.equal((await throttle.admit(OTHER_TENANT, { class: 'directory' })).throttled, false);
  });

  it('limits one chat to 1 rps and one user to 5 rps on top of the class limit', async () => {
    const throttle = new GraphThrottle();
    assert.equal((await throttle.admit(APP, { class: 'teamsGet', chatId: 'c1' })).throttled, false);
    assert.deepEqual(await throttle.admit(APP, { class: 'teamsGet', chatId: 'c1' }), {
      throttled: true,
      scope: 'chat',
      retryAfterSeconds: 1,
    });
    assert.equal((await throttle.admit(APP, { class: 'teamsGet', chatId: 'c2' })).throttled, false);

    const user = [];
    for (let i = 0; i < 6; i++)
      user.push((await throttle.admit(APP, { class: 'teamsGet', userId: 'u1' })).throttled);
    assert.deepEqual(user, [false, false, false, false, false, true]);
  });

  it('counts requests and 429s by class, and serves everything when disabled', async () => {
    const throttle = new GraphThrottle({ perChat: 1 });
    await throttle.admit(APP, { class: 'getAllMessages', chatId: 'c' });
    await throttle.admit(APP, { class: 'getAllMessages', chatId: 'c' });
    assert.deepEqual(throttle.counters.requests.getAllMessages, 2);
    assert.deepEqual(throttle.counters.throttled.getAllMessages, 1);

    throttle.setLimits({ enabled: false });
    for (let i = 0; i < 5; i++)
      assert.equal((await throttle.admit(APP, { class: 'getAllMessages', chatId: 'c' })).throttled, false);
    throttle.resetCounters();
    assert.equal(throttle.counters.requests.getAllMessages, 0);
  });

  it('applies changed limits at once, with fresh windows, and announces the Retry-After knob', async () => {
    const throttle = new GraphThrottle({ perChat: 1 });
    await throttle.admit(APP, { class: 'teamsGet', chatId: 'c' });
    throttle.setLimits({ perChat: 2, retryAfterSeconds: 7 });
    assert.equal((await throttle.admit(APP, { class: 'teamsGet', chatId: 'c' })).throttled, false);
    assert.equal((await throttle.admit(APP, { class: 'teamsGet', chatId: 'c' })).throttled, false);
    assert.deepEqual(await throttle.admit(APP, { class: 'teamsGet', chatId: 'c' }), {
      throttled: true,
      scope: 'chat',
      retryAfterSeconds: 7,
    });
  });
});

describe('throttle and fault knobs', () => {
  it('merge per class and refuse values that mean nothing', () => {
    const merged = mergeThrottleLimits(DEFAULT_THROTTLE_LIMITS, { perClass: { directory: 3 } });
    assert.deepEqual(merged.perClass, { ...DEFAULT_THROTTLE_LIMITS.perClass, directory: 3 });
    assert.throws(() => mergeThrottleLimits(DEFAULT_THROTTLE_LIMITS, { perChat: 0 }), RangeError);
    assert.throws(() => mergeThrottleLimits(DEFAULT_THROTTLE_LIMITS, { retryAfterSeconds: 1.5 }), RangeError);
    assert.throws(() => mergeFaultKnobs(NO_FAULTS, { transientErrorRate: 1.5 }), RangeError);
    assert.throws(() => mergeFaultKnobs(NO_FAULTS, { latencyMs: -1 }), RangeError);
  });
});
