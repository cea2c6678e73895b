import { setTimeout as sleep } from 'node:timers/promises';
import Bottleneck from 'bottleneck';
import { AdaptiveRate, type AdaptiveRateOptions } from './adaptive-rate';
import { GRAPH_CALL_CLASSES, type GraphCallClass, type GraphRateLimits } from './graph-rate-limits';

/** What one request is metered against: its class, and the chat or user it touches. */
export interface PaceKey {
  class: GraphCallClass;
  chatId?: string;
  userId?: string;
}

/** Bottleneck priorities (0 runs first): a retried page goes before new ones. */
export const RETRY_PRIORITY = 3;
export const FIRST_PRIORITY = 5;

/**
 * How far ahead a class gate hands out start times. Bottleneck needs a few event-loop turns per
 * job; with a small window of starts booked ahead, that overhead never lowers the rate, while a
 * pause or a rate change still takes effect within a few milliseconds.
 */
const LOOKAHEAD_MS = 20;

/**
 * Paces requests before they are sent: one gate per endpoint class (its rate adapted to 429s), one
 * per chat and one per user (Bottleneck groups, created on first use and dropped when idle). A
 * request passes the narrow gates first, then its class gate, so waiting for one busy chat never
 * holds a slot of the whole class. Gates hand out start times only; how many requests are in
 * flight is up to the callers (reaching 200 rps at 100 ms latency takes 20 reads in parallel).
 */
export class GraphPacer {
  private readonly classes: Record<GraphCallClass, ClassGate>;
  private readonly chats: Bottleneck.Group;
  private readonly users: Bottleneck.Group;

  constructor(limits: GraphRateLimits, adaptive: AdaptiveRateOptions) {
    const rate = (rps: number) => rps * limits.headroom;
    this.classes = Object.fromEntries(
      GRAPH_CALL_CLASSES.map((cls) => [cls, new ClassGate(rate(limits.perClass[cls]), adaptive)]),
    ) as Record<GraphCallClass, ClassGate>;
    this.chats = new Bottleneck.Group({ maxConcurrent: 1, minTime: 1000 / rate(limits.perChat) });
    this.users = new Bottleneck.Group({ maxConcurrent: 1, minTime: 1000 / rate(limits.perUser) });
  }

  /**
   * Resolves when the request may be sent. Rejects with the signal's reason as soon as it fires;
   * the slot it had queued for then passes unused.
   */
  async acquire(key: PaceKey, priority: number, signal?: AbortSignal): Promise<void> {
    if (key.chatId !== undefined) await pass(this.chats.key(key.chatId), priority, signal);
    if (key.userId !== undefined) await pass(this.users.key(key.userId), priority, signal);
    await this.classes[key.class].acquire(priority, signal);
  }

  /**
   * Graph answered 429 for this class: slow the class down and, when Graph said how long to wait,
   * hold every request of the class for that long, not only the one refused. Returns the class's
   * new rate when this 429 lowered it (the first of a burst does).
   */
  throttled(cls: GraphCallClass, retryAfterMs: number | undefined): number | undefined {
    const gate = this.classes[cls];
    if (retryAfterMs !== undefined) gate.pauseFor(retryAfterMs);
    return gate.slowDown();
  }

  /** A 503/504 with Retry-After: the service asked for quiet, so the whole class waits. */
  pause(cls: GraphCallClass, ms: number): void {
    this.classes[cls].pauseFor(ms);
  }

  /** Requests per second each class is allowed right now. */
  rates(): Record<GraphCallClass, number> {
    return Object.fromEntries(GRAPH_CALL_CLASSES.map((cls) => [cls, this.classes[cls].rate()])) as Record<
      GraphCallClass,
      number
    >;
  }
}

class ClassGate {
  private readonly limiter: Bottleneck;
  private readonly adaptive: AdaptiveRate;
  private appliedRate: number;
  private pausedUntil = 0;

  constructor(rps: number, adaptive: AdaptiveRateOptions) {
    const slots = Math.max(1, Math.ceil((rps * LOOKAHEAD_MS) / 1000));
    this.limiter = new Bottleneck({ maxConcurrent: slots, minTime: 1000 / rps });
    this.adaptive = new AdaptiveRate(rps, adaptive, Date.now());
    this.appliedRate = rps;
  }

  rate(): number {
    return this.adaptive.current(Date.now());
  }

  acquire(priority: number, signal?: AbortSignal): Promise<void> {
    this.applyRate();
    return pass(this.limiter, priority, signal, () => this.waitOutPause(signal));
  }

  slowDown(): number | undefined {
    if (!this.adaptive.throttled(Date.now())) return undefined;
    this.applyRate();
    return this.appliedRate;
  }

  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  /**
   * A pause holds the gate from inside: a request whose slot falls within it keeps the slot until
   * the pause ends, and the requests behind it wait for slots. Each waits on its own cancellable
   * timer, so a cancelled read leaves nothing behind that would keep the process alive. When the
   * pause ends, the few slots already handed out (the lookahead) start together.
   */
  private async waitOutPause(signal?: AbortSignal): Promise<void> {
    for (
      let left = this.pausedUntil - Date.now();
      left > 0 && !signal?.aborted;
      left = this.pausedUntil - Date.now()
    ) {
      await sleep(left, undefined, signal ? { signal } : undefined);
    }
  }

  /** Bottleneck keeps the spacing it was given: only a change of more than 1% is worth telling it. */
  private applyRate(): void {
    const rate = this.adaptive.current(Date.now());
    if (Math.abs(rate - this.appliedRate) <= this.appliedRate * 0.01) return;
    this.appliedRate = rate;
    this.limiter.updateSettings({ minTime: 1000 / rate });
  }
}

/**
 * Waits for a start slot of `limiter`, or until `signal` fires. The job run in the slot is `hold`
 * (nothing, unless the gate is paused): the request itself runs outside the gate, so a slow
 * response never delays the next start.
 */
function pass(
  limiter: Bottleneck,
  priority: number,
  signal?: AbortSignal,
  hold: () => Promise<void> = noHold,
): Promise<void> {
  if (!signal) return limiter.schedule({ priority }, hold);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    // A cancelled waiter's job still gets its turn (Bottleneck cannot take a job back): it then
    // holds nothing, and its slot passes unused.
    limiter.schedule({ priority }, hold).then(
      () => {
        signal.removeEventListener('abort', abort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

async function noHold(): Promise<void> {}
