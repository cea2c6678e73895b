import type { Clock } from '../../backend/connection/clock';

/** A clock tests move by hand: `advance` fires due timers in time order. */
export class ManualClock implements Clock {
  private time: number;
  private timers: { at: number; id: number; fn: () => void }[] = [];
  private nextId = 0;

  constructor(start: Date | string) {
    this.time = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  setTimer(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, id, fn });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time forward, firing each timer due on the way at its own time. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
  }

  pendingTimers(): number {
    return this.timers.length;
  }
}
