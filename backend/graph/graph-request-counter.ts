import { GRAPH_CALL_CLASSES, type GraphCallClass } from './graph-rate-limits';
import type { GraphRequestCounts } from './tenant-graph-source';

export interface GraphClassCounts {
  /** Requests sent, retries included. */
  requests: number;
  /** 429s met. */
  throttled: number;
  /** 429s that came without Retry-After and were waited out with backoff. */
  throttledWithoutRetryAfter: number;
  /** 5xx answers and network failures met. */
  transient: number;
  /** Requests that were a retry of an earlier one. */
  retried: number;
}

/** `GraphRequestCounts`, with every class present and the retries and transient failures of each. */
export interface PacedGraphRequestCounts extends GraphRequestCounts {
  transient: number;
  throttledWithoutRetryAfter: number;
  byClass: Record<GraphCallClass, GraphClassCounts>;
}

export class GraphRequestCounter {
  private readonly byClass = Object.fromEntries(GRAPH_CALL_CLASSES.map((cls) => [cls, zero()])) as Record<
    GraphCallClass,
    GraphClassCounts
  >;

  sent(cls: GraphCallClass, isRetry: boolean): void {
    this.byClass[cls].requests += 1;
    if (isRetry) this.byClass[cls].retried += 1;
  }

  throttled(cls: GraphCallClass, withRetryAfter: boolean): void {
    this.byClass[cls].throttled += 1;
    if (!withRetryAfter) this.byClass[cls].throttledWithoutRetryAfter += 1;
  }

  transient(cls: GraphCallClass): void {
    this.byClass[cls].transient += 1;
  }

  snapshot(): PacedGraphRequestCounts {
    const byClass = Object.fromEntries(
      GRAPH_CALL_CLASSES.map((cls) => [cls, { ...this.byClass[cls] }]),
    ) as Record<GraphCallClass, GraphClassCounts>;
    const total = (field: keyof GraphClassCounts) =>
      GRAPH_CALL_CLASSES.reduce((sum, cls) => sum + byClass[cls][field], 0);
    return {
      requests: total('requests'),
      throttled: total('throttled'),
      retried: total('retried'),
      transient: total('transient'),
      throttledWithoutRetryAfter: total('throttledWithoutRetryAfter'),
      byClass,
    };
  }
}

function zero(): GraphClassCounts {
  return { requests: 0, throttled: 0, throttledWithoutRetryAfter: 0, transient: 0, retried: 0 };
}
