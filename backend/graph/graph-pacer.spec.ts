import assert from 'node:assert/strict';
import sinon from 'sinon';
import { DEFAULT_ADAPTIVE_RATE } from './adaptive-rate';
import { GraphPacer, FIRST_PRIORITY, type PaceKey } from './graph-pacer';
import { resolveGraphLimits, type GraphRateLimitsChange } from './graph-rate-limits';

/**
 * The pacer on a fake clock: Bottleneck spaces jobs with Date.now and setTimeout, both faked here,
 * so the spacing is checked exactly and no test waits in real time.
 */
describe('GraphPacer', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({
      now: Date.UTC(2026, 0, 1),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
  });
  afterEach(() => clock.restore());

  const pacer = (change: GraphRateLimitsChange = {}) =>
    new GraphPacer(resolveGraphLimits({ headroom: 1, ...change }), DEFAULT_ADAPTIVE_RATE);

  /**
   * Bottleneck takes a few event-loop turns per slot, each 1 ms on the fake clock as on a real one:
   * a slot may be granted that much off its exact time, never more.
   */
  const TURNS_MS = 3;

  /** Asks for `count` slots at once and records the fake time at which each was granted. */
  function grantTimes(subject: GraphPacer, key: PaceKey, count: number, signal?: AbortSignal): number[] {
    const start = Date.now();
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      subject.acquire(key, FIRST_PRIORITY, signal).then(
        () => times.push(Date.now() - start),
        () => undefined,
      );
    }
    return times;
  }

  it('hands out slots of a class at its rate, however many ask at once', async () => {
    const times = grantTimes(pacer({ perClass: { teamsGet: 10 } }), { class: 'teamsGet' }, 50);
    await clock.tickAsync(1000);
    // 10 rps: a slot every 100 ms, the first at once.
    assert.ok(times.length >= 10 && times.length <= 11, `granted ${times.length} in one second`);
    for (let i = 1; i < times.length; i++)
      assert.ok(times[i]! - times[i - 1]! >= 100 - TURNS_MS, `slot ${i} came early: ${times}`);
    await clock.tickAsync(4000);
    assert.equal(times.length, 50);
  });

  it('applies the headroom to the documented rate', async () => {
    const subject = new GraphPacer(
      resolveGraphLimits({ perClass: { teamsGet: 10 }, headroom: 0.5 }),
      DEFAULT_ADAPTIVE_RATE,
    );
    const times = grantTimes(subject, { class: 'teamsGet' }, 20);
    await clock.tickAsync(2000);
    assert.ok(times.length >= 10 && times.length <= 11, `granted ${times.length} in two seconds at 5 rps`);
  });

  it('paces each chat at its own rate, and other chats alongside', async () => {
    const subject = pacer({ perChat: 1, perClass: { teamsGet: 100 } });
    const chatA = grantTimes(subject, { class: 'teamsGet', chatId: 'a' }, 5);
    const chatB = grantTimes(subject, { class: 'teamsGet', chatId: 'b' }, 5);
    await clock.tickAsync(2500);
    assert.equal(chatA.length, 3, `chat a: ${chatA}`);
    assert.equal(chatB.length, 3, `chat b: ${chatB}`);
    assert.ok(
      chatA[1]! - chatA[0]! >= 1000 - TURNS_MS && chatA[2]! - chatA[1]! >= 1000 - TURNS_MS,
      `chat a: ${chatA}`,
    );
  });

  it('holds the whole class for Retry-After, then resumes at a lowered rate', async () => {
    const subject = pacer({ perClass: { getAllMessages: 100 } });
    subject.throttled('getAllMessages', 3000);
    const times = grantTimes(subject, { class: 'getAllMessages' }, 5);
    await clock.tickAsync(2990);
    assert.equal(times.length, 0, 'a slot was handed out during the pause');
    await clock.tickAsync(200);
    assert.ok(times.length >= 1);
    assert.ok(subject.rates().getAllMessages < 100, 'the 429 did not lower the rate');
    // Other classes are not held.
    const other = grantTimes(subject, { class: 'teamsGet' }, 1);
    await clock.tickAsync(10);
    assert.equal(other.length, 1);
  });

  it('lowers the rate once per burst of 429s and recovers it slowly', async () => {
    const subject = pacer({ perClass: { getAllMessages: 200 } });
    for (let i = 0; i < 20; i++) subject.throttled('getAllMessages', undefined);
    assert.equal(subject.rates().getAllMessages, 100);
    await clock.tickAsync(10_000);
    const recovered = subject.rates().getAllMessages;
    assert.ok(recovered > 100 && recovered < 200, `after 10 s: ${recovered}`);
    await clock.tickAsync(60_000);
    assert.equal(subject.rates().getAllMessages, 200);
  });

  it('stops waiting as soon as the signal fires; the slot it queued for passes unused', async () => {
    const subject = pacer({ perUser: 1 });
    const key: PaceKey = { class: 'getAllMessages', userId: 'u' };
    const first = grantTimes(subject, key, 1);
    await clock.tickAsync(10);
    assert.equal(first.length, 1);
    const controller = new AbortController();
    const waiting = subject.acquire(key, FIRST_PRIORITY, controller.signal);
    const outcome = waiting.then(
      () => 'granted',
      (error: unknown) => error,
    );
    await clock.tickAsync(100);
    controller.abort(new Error('stop'));
    await clock.tickAsync(0);
    assert.deepEqual(await outcome, new Error('stop'));
    const after = grantTimes(subject, key, 1);
    await clock.tickAsync(2100);
    assert.equal(after.length, 1);
  });
});
