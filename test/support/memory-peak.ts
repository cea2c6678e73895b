import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Tracks how far the memory this process keeps alive in JavaScript objects and buffers rises
 * above a baseline. Used to show that a streamed operation's memory stays flat however large its
 * data: what it holds, not the garbage it leaves for the collector.
 */
export class MemoryPeak {
  private readonly baseline: number;
  private peak: number;
  private sinceLast = 0;

  /** `every`: measure once per this many bytes processed; each measurement costs a full collection. */
  constructor(private readonly every = 2 * 1024 * 1024) {
    collectGarbage();
    this.baseline = held();
    this.peak = this.baseline;
  }

  /** Call on every chunk the operation produces or consumes, with the chunk's size. */
  sample(bytes: number): void {
    this.sinceLast += bytes;
    if (this.sinceLast < this.every) return;
    this.sinceLast = 0;
    collectGarbage();
    this.peak = Math.max(this.peak, held());
  }

  /** The highest rise seen, in bytes. */
  get rise(): number {
    return this.peak - this.baseline;
  }
}

function held(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

let gc: (() => void) | undefined;

/** A full collection, so that only live memory is counted. */
function collectGarbage(): void {
  if (!gc) {
    // The test launcher starts Node without --expose-gc; turning the flag on now exposes gc() to
    // new contexts.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
