import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The seams between the parts of the tenant simulator: the HTTPS shell with Entra, token checks
 * and throttling on one side, the tenant's data and the Graph and control routes on the other.
 */

/** The Graph endpoint classes Microsoft meters separately (GRAPH-FACTS.md, Throttling). */
export type ThrottleClass = 'getAllMessages' | 'getMessage' | 'teamsGet' | 'directory';

/** What a Graph route tells the throttle about one request before it is served. */
export interface ThrottleKey {
  class: ThrottleClass;
  /** Set for requests that touch one chat: at most 1 rps per app per tenant on any single chat. */
  chatId?: string;
  /** Set for list/get chats of one user: at most 5 rps per user. */
  userId?: string;
}

/** Limits the simulator enforces; every one is a knob. Defaults are Microsoft's documented numbers. */
export interface ThrottleLimits {
  enabled: boolean;
  /** Requests per second per app per tenant, by class. */
  perClass: Record<ThrottleClass, number>;
  perChat: number;
  perUserChatList: number;
  /** Seconds announced in Retry-After. */
  retryAfterSeconds: number;
}

/** Injected trouble: a share of requests fail with 503/504 or wait before answering. */
export interface FaultKnobs {
  /** 0..1: share of Graph requests answered 503 or 504 (alternating) before any work. */
  transientErrorRate: number;
  /** Milliseconds added to every Graph response. */
  latencyMs: number;
  /** Omit Retry-After on this share (0..1) of 429s, as some Graph services do. */
  omitRetryAfterRate: number;
}

/** The caller of a Graph request, proven by a valid bearer token the simulator issued. */
export interface GraphCaller {
  tenantId: string;
  appId: string;
  roles: readonly string[];
}

/** One served Graph request, after authentication and throttling. */
export interface GraphRequest {
  caller: GraphCaller;
  method: string;
  /** Path below /v1.0, decoded, e.g. `/users/abc/chats`. */
  path: string;
  params: Record<string, string>;
  /** Query string as Graph sees it: keys like `$top`, `$filter`, decoded. */
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** The absolute base the client used (scheme, host, port, `/v1.0`): nextLinks are built on it. */
  baseUrl: string;
  body?: unknown;
}

export type GraphResult =
  | { status: number; json: unknown; headers?: Record<string, string> }
  /**
   * A JSON body already serialised, as text or UTF-8 bytes: collection pages are stitched from the
   * stored `json` instead of parsed and stringified again. The shell writes it as is, with
   * `content-type: application/json`.
   */
  | { status: number; rawJson: string | Buffer; headers?: Record<string, string> }
  | { status: number; bytes: Buffer; contentType: string; headers?: Record<string, string> };

/** A Graph route: what it meters, and how it answers. Errors are thrown as `GraphHttpError`. */
export interface GraphRoute {
  method: 'GET' | 'POST';
  /** find-my-way pattern below /v1.0, e.g. `/users/:userId/chats`. */
  path: string;
  /** Permissions any one of which allows the call (application roles). */
  anyRole: readonly string[];
  throttle(req: GraphRequest): ThrottleKey;
  handle(req: GraphRequest): GraphResult | Promise<GraphResult>;
}

/** Raw HTTP handler for routes outside Graph (Entra, control API). */
export type RawHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string | undefined>,
) => void | Promise<void>;
