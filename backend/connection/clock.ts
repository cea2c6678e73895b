/** Time, injected so tests move it (the periodic re-check, expiry, "failing since"). */
export interface Clock {
  now(): Date;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(ms, fn) {
    const timer = setTimeout(fn, ms);
    // A pending re-check must not keep a CLI process or a test run alive.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
