import { defaultMaxListeners, getMaxListeners, setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { FIRST_PRIORITY, RETRY_PRIORITY, type GraphPacer, type PaceKey } from './graph-pacer';
import { graphReadError, type FailureDetail } from './graph-read-failures';
import type { GraphRequestCounter } from './graph-request-counter';
import {
  fullJitterDelayMs,
  judgeResponse,
  type BackoffOptions,
  type ResponseVerdict,
} from './graph-response-verdict';
import type { AttemptResult, GraphTransport } from './graph-transport';

/** One read: what it is metered against, and what it reads, in words, for errors and logs. */
export interface GraphCall extends PaceKey {
  what: string;
  /** Request headers beside the usual ones, sent with every attempt (e.g. `ConsistencyLevel`). */
  headers?: Readonly<Record<string, string>>;
}

export interface RetryPolicy {
  /** A request that met this many 5xx or network failures fails `unavailable`. 429s never count. */
  maxTransientAttempts: number;
  /** Backoff after a 429 without Retry-After. */
  throttleBackoff: BackoffOptions;
  /** Backoff after a 5xx without Retry-After, or a network failure. */
  transientBackoff: BackoffOptions;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxTransientAttempts: 8,
  throttleBackoff: { baseMs: 1000, capMs: 30_000 },
  transientBackoff: { baseMs: 500, capMs: 30_000 },
};

/**
 * Every read asks for the real values of evolvable enums: without it Graph reports system event
 * messages as `unknownFutureValue` [chatMessage, messageType]. Reads of other resources ignore it.
 */
const REQUEST_HEADERS = { Prefer: 'include-unknown-enum-members' };

type Verdict = { kind: 'ok'; headers: Headers; body: Buffer } | ResponseVerdict;

/**
 * Sends a GET when the pacer allows, and again for as long as Graph answers 429 (a throttling
 * storm slows a backup down, it never fails it), or up to `maxTransientAttempts` times through
 * 5xx and network failures. Only a successful answer leaves: a page is returned once, whatever it
 * took to get it.
 */
export class PacedGraphRequester {
  constructor(
    private readonly transport: GraphTransport,
    private readonly pacer: GraphPacer,
    private readonly counter: GraphRequestCounter,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  async get(url: string, call: GraphCall, signal?: AbortSignal): Promise<{ headers: Headers; body: Buffer }> {
    if (signal) allowManyWaiters(signal);
    let throttles = 0;
    let transients = 0;
    let last: FailureDetail = {};
    for (let attempt = 1; ; attempt++) {
      await this.cancellable(call, signal, () =>
        this.pacer.acquire(call, attempt === 1 ? FIRST_PRIORITY : RETRY_PRIORITY, signal),
      );
      this.counter.sent(call.class, attempt > 1);
      const result = await this.transport.get(
        url,
        call.headers ? { ...REQUEST_HEADERS, ...call.headers } : REQUEST_HEADERS,
        signal,
      );
      if (signal?.aborted) throw graphReadError('cancelled', call.what);
      const verdict = verdictOf(result);
      switch (verdict.kind) {
        case 'ok':
          return verdict;
        case 'failed':
          throw graphReadError(verdict.reason, call.what, detailOf(result));
        case 'throttled': {
          throttles += 1;
          const withRetryAfter = verdict.retryAfterMs !== undefined;
          this.counter.throttled(call.class, withRetryAfter);
          const slowedTo = this.pacer.throttled(call.class, verdict.retryAfterMs);
          if (slowedTo !== undefined) {
            this.logger.info(
              { class: call.class, rps: Math.round(slowedTo * 10) / 10 },
              'Graph throttled: slowing down',
            );
          }
          // With Retry-After the class gate holds this request along with every other of its class.
          const waitMs = withRetryAfter ? 0 : fullJitterDelayMs(throttles, this.retry.throttleBackoff);
          this.logger.debug(
            { class: call.class, attempt, retryAfterMs: verdict.retryAfterMs, waitMs },
            'Graph 429',
          );
          if (waitMs > 0) await this.cancellable(call, signal, () => sleep(waitMs, undefined, { signal }));
          break;
        }
        case 'transient': {
          transients += 1;
          last = detailOf(result);
          this.counter.transient(call.class);
          if (transients >= this.retry.maxTransientAttempts) {
            throw graphReadError('unavailable', call.what, { ...last, attempts: attempt });
          }
          if (verdict.retryAfterMs !== undefined) this.pacer.pause(call.class, verdict.retryAfterMs);
          const waitMs =
            verdict.retryAfterMs === undefined
              ? fullJitterDelayMs(transients, this.retry.transientBackoff)
              : 0;
          this.logger.debug(
            { class: call.class, attempt, status: last.status, waitMs },
            'Graph transient failure',
          );
          if (waitMs > 0) await this.cancellable(call, signal, () => sleep(waitMs, undefined, { signal }));
          break;
        }
        default: {
          const unreachable: never = verdict;
          throw new Error(`unhandled verdict ${JSON.stringify(unreachable)}`);
        }
      }
    }
  }

  /** Runs a wait; if the caller's signal ends it, the read fails `cancelled`. */
  private async cancellable(
    call: GraphCall,
    signal: AbortSignal | undefined,
    wait: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await wait();
    } catch (error) {
      if (signal?.aborted) throw graphReadError('cancelled', call.what);
      throw error;
    }
  }
}

/**
 * One run's signal is shared by every read of the run, and each waiting read listens on it (its
 * gate, its backoff, its fetch): past ten listeners Node warns of a leak that is none. Raised
 * once, only while the limit is still Node's default, as fetch itself does.
 */
const SHARED_SIGNAL_LISTENERS = 10_000;

function allowManyWaiters(signal: AbortSignal): void {
  if (getMaxListeners(signal) === defaultMaxListeners) setMaxListeners(SHARED_SIGNAL_LISTENERS, signal);
}

function verdictOf(result: AttemptResult): Verdict {
  switch (result.kind) {
    case 'response': {
      if (result.status >= 200 && result.status < 300)
        return { kind: 'ok', headers: result.headers, body: result.body };
      return judgeResponse(result.status, errorCodeOf(result), result.headers.get('retry-after'));
    }
    case 'token':
      return tokenVerdict();
    case 'network':
      return { kind: 'transient' };
    default: {
      const unreachable: never = result;
      throw new Error(`unhandled attempt ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * No token is final for the read. @azure/identity has already retried what was worth retrying
 * (its pipeline retries network failures and Entra's 5xx), and past that it reports a refused
 * secret and an unreachable Entra with the same error class: only its message tells them apart,
 * which is no contract. The connection test, which records Entra's own answer, says which it was.
 */
function tokenVerdict(): ResponseVerdict {
  return { kind: 'failed', reason: 'unauthorized' };
}

function detailOf(result: AttemptResult): FailureDetail {
  if (result.kind !== 'response') return {};
  const graphCode = errorCodeOf(result);
  return graphCode === undefined ? { status: result.status } : { status: result.status, graphCode };
}

/** `error.code` of Graph's error body `{"error":{"code","message",…}}`, when there is one. */
function errorCodeOf(result: Extract<AttemptResult, { kind: 'response' }>): string | undefined {
  if (!(result.headers.get('content-type') ?? '').includes('json')) return undefined;
  try {
    const body = JSON.parse(result.body.toString('utf8')) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}
