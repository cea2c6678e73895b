/**
 * One endpoint class's allowed rate, adapted to what Graph actually takes (AIMD, as TCP does with
 * its window): every burst of 429s halves it, and each quiet second adds back a small step up to
 * the configured ceiling. A 429 means someone else shares the quota (another app run, Graph under
 * load) or the documented number is not the real one; either way, sending at the ceiling again at
 * once would only buy the next 429.
 */

export interface AdaptiveRateOptions {
  /** Multiplies the rate on a 429 (0..1). */
  decreaseFactor: number;
  /** Share of the ceiling added back per second without a 429. */
  recoveryShare: number;
  /** The rate never drops below this share of the ceiling. */
  floorShare: number;
  /** 429s within this long of a decrease belong to the same overshoot: they answer requests sent before it. */
  cooldownMs: number;
}

export const DEFAULT_ADAPTIVE_RATE: AdaptiveRateOptions = {
  decreaseFactor: 0.5,
  recoveryShare: 0.02,
  floorShare: 0.01,
  cooldownMs: 1000,
};

/** Below this the rate is never driven: one request every ten seconds. */
const ABSOLUTE_FLOOR_RPS = 0.1;

export class AdaptiveRate {
  private base: number;
  private since: number;
  private lastDecrease = Number.NEGATIVE_INFINITY;
  private readonly floor: number;
  private readonly stepPerMs: number;

  constructor(
    readonly ceiling: number,
    private readonly options: AdaptiveRateOptions,
    startMs: number,
  ) {
    this.base = ceiling;
    this.since = startMs;
    this.floor = Math.min(ceiling, Math.max(ABSOLUTE_FLOOR_RPS, ceiling * options.floorShare));
    this.stepPerMs = (ceiling * options.recoveryShare) / 1000;
  }

  /** Requests per second allowed now. */
  current(nowMs: number): number {
    return Math.min(this.ceiling, this.base + this.stepPerMs * Math.max(0, nowMs - this.since));
  }

  /** A 429 arrived; returns whether it lowered the rate (the first of a burst does). */
  throttled(nowMs: number): boolean {
    if (nowMs - this.lastDecrease < this.options.cooldownMs) return false;
    this.base = Math.max(this.floor, this.current(nowMs) * this.options.decreaseFactor);
    this.since = nowMs;
    this.lastDecrease = nowMs;
    return true;
  }
}
