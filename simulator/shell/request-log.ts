import type { ThrottleClass } from '../contracts';

/** One answered Graph request (inner requests of a batch included, marked with the batch). */
export interface RequestLogEntry {
  atMs: number;
  method: string;
  /** Path below /v1.0 with its query string, as the client sent it. */
  url: string;
  status: number;
  class?: ThrottleClass;
  tenantId?: string;
  appId?: string;
  /** Set on the inner requests of a `$batch`: the inner request's id. */
  batchRequestId?: string;
}

/** How many entries the log keeps: the most recent ones, so a long benchmark stays in bounded memory. */
export const REQUEST_LOG_CAPACITY = 10_000;

/**
 * The recent Graph requests and running totals by status, for tests that assert what a client
 * did (how many calls, which ones were refused) and for benchmarks.
 */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private next = 0;
  private statuses: Record<number, number> = {};
  private total = 0;

  constructor(private readonly capacity = REQUEST_LOG_CAPACITY) {}

  record(entry: RequestLogEntry): void {
    this.total += 1;
    this.statuses[entry.status] = (this.statuses[entry.status] ?? 0) + 1;
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
    } else {
      this.entries[this.next] = entry;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** The kept entries, oldest first. */
  recent(): RequestLogEntry[] {
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  get totals(): { requests: number; byStatus: Record<number, number> } {
    return { requests: this.total, byStatus: { ...this.statuses } };
  }

  clear(): void {
    this.entries.length = 0;
    this.next = 0;
    this.statuses = {};
    this.total = 0;
  }
}
