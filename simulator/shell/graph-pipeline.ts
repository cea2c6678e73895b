import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import FindMyWay from 'find-my-way';
import type { GraphCaller, GraphRequest, GraphResult, GraphRoute, ThrottleKey } from '../contracts';
import type { GraphBearerCheck } from '../entra/graph-bearer';
import { GraphHttpError, graphErrorBody } from '../graph-error';
import { BATCH_PATH, handleBatch, type BatchInnerRequest } from '../graph/routes';
import type { FaultInjector } from '../throttle/fault-injector';
import type { GraphThrottle } from '../throttle/graph-throttle';
import { BodyTooLargeError, headerValue, readBody, sendBytes, sendJsonText } from './http-io';
import type { RequestLog } from './request-log';
import { MAX_PARAM_LENGTH } from './router';

export const GRAPH_VERSION_PATH = '/v1.0';

/** A batch of 20 requests with bodies stays far below this. */
const GRAPH_BODY_LIMIT = 4 * 1024 * 1024;

/** What Graph puts on JSON answers; clients only look at the `application/json` part. */
const GRAPH_JSON =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface GraphPipelineOptions {
  routes: readonly GraphRoute[];
  bearer: GraphBearerCheck;
  throttle: GraphThrottle;
  faults: FaultInjector;
  log: RequestLog;
  /** `https://127.0.0.1:<port>/v1.0`: used when a request carries no Host header. */
  canonicalBaseUrl: () => string;
}

/** A request below /v1.0 taken apart: path (raw, for routing), query, and what to log. */
interface Target {
  method: string;
  rawPath: string;
  query: Record<string, string>;
  url: string;
}

/** Where a request stands when it fails: what the log and the error body can say about it. */
interface Progress {
  caller?: GraphCaller;
  key?: ThrottleKey;
}

/**
 * Every Graph request goes through the same steps, in the order Graph applies them: injected
 * faults (latency, 503/504), the bearer token (401), the route (400 unknown segment, 405), the
 * route's permissions (403), the throttle (429 with Retry-After), then the route itself. Every
 * failure is answered with Graph's error body; nothing a request does can take the server down.
 */
export class GraphPipeline {
  private readonly router = FindMyWay({ maxParamLength: MAX_PARAM_LENGTH });
  private readonly patterns: string[][];

  constructor(private readonly options: GraphPipelineOptions) {
    for (const route of options.routes) {
      this.router.on(route.method, route.path, () => undefined, { route });
    }
    this.patterns = options.routes.map((route) => route.path.split('/').filter((s) => s.length > 0));
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseTarget(req.method ?? 'GET', (req.url ?? '/').slice(GRAPH_VERSION_PATH.length));
    const clientRequestId = headerValue(req, 'client-request-id');
    const progress: Progress = {};
    let result: GraphResult;
    try {
      result = await this.run(req, target, progress);
    } catch (error) {
      result = errorResult(error, clientRequestId, `${target.method} ${GRAPH_VERSION_PATH}${target.url}`);
    }
    this.options.log.record({
      atMs: Date.now(),
      method: target.method,
      url: target.url,
      status: result.status,
      class: progress.key?.class,
      tenantId: progress.caller?.tenantId,
      appId: progress.caller?.appId,
    });
    write(res, result, clientRequestId);
  }

  private async run(req: IncomingMessage, target: Target, progress: Progress): Promise<GraphResult> {
    await this.injectFaults(true);
    const caller = await this.options.bearer.callerOf(headerValue(req, 'authorization'));
    progress.caller = caller;
    const headers = headersOf(req);
    const scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    const baseUrl = req.headers.host
      ? `${scheme}://${req.headers.host}${GRAPH_VERSION_PATH}`
      : this.options.canonicalBaseUrl();

    if (target.method === 'POST' && trimSlash(target.rawPath) === BATCH_PATH) {
      const body = await readJsonBody(req);
      const batch: GraphRequest = {
        caller,
        method: 'POST',
        path: BATCH_PATH,
        params: {},
        query: target.query,
        headers,
        baseUrl,
        body,
      };
      return handleBatch(batch, (inner) => this.dispatchInner(caller, inner, baseUrl));
    }

    const { route, params } = this.match(target);
    const body = target.method === 'GET' ? undefined : await readJsonBody(req);
    const request: GraphRequest = {
      caller,
      method: target.method,
      path: decodePath(target.rawPath),
      params,
      query: target.query,
      headers,
      baseUrl,
      body,
    };
    return this.admitAndHandle(route, request, progress);
  }

  /**
   * One request of a `$batch`, served as if it had come alone with the batch's token: Graph
   * authorizes and meters each inner request on its own (json-batching).
   */
  private async dispatchInner(
    caller: GraphCaller,
    inner: BatchInnerRequest,
    baseUrl: string,
  ): Promise<GraphResult> {
    const target = parseTarget(inner.method, inner.url);
    const progress: Progress = { caller };
    let result: GraphResult;
    try {
      await this.injectFaults(false);
      const { route, params } = this.match(target);
      const request: GraphRequest = {
        caller,
        method: target.method,
        path: decodePath(target.rawPath),
        params,
        query: target.query,
        headers: lowerCaseKeys(inner.headers),
        baseUrl,
        body: inner.body,
      };
      result = await this.admitAndHandle(route, request, progress);
    } catch (error) {
      result = errorResult(error, undefined, `batch ${inner.id}: ${target.method} ${target.url}`);
    }
    this.options.log.record({
      atMs: Date.now(),
      method: target.method,
      url: target.url,
      status: result.status,
      class: progress.key?.class,
      tenantId: caller.tenantId,
      appId: caller.appId,
      batchRequestId: inner.id,
    });
    return result;
  }

  private async admitAndHandle(
    route: GraphRoute,
    request: GraphRequest,
    progress: Progress,
  ): Promise<GraphResult> {
    const key = route.throttle(request);
    progress.key = key;
    const roles = request.caller.roles;
    if (!route.anyRole.some((role) => roles.includes(role))) throw missingRoles(route, key, roles);
    const decision = await this.options.throttle.admit(request.caller, key);
    if (decision.throttled) {
      const headers: Record<string, string> = this.options.faults.omitRetryAfter()
        ? {}
        : { 'Retry-After': String(decision.retryAfterSeconds) };
      throw new GraphHttpError(
        429,
        'TooManyRequests',
        'Too many requests. Please retry after the interval in the Retry-After header.',
        headers,
      );
    }
    return route.handle(request);
  }

  private async injectFaults(withLatency: boolean): Promise<void> {
    const faults = this.options.faults;
    if (faults.idle) return;
    const plan = faults.plan();
    if (withLatency && plan.latencyMs > 0) await sleep(plan.latencyMs);
    if (plan.transientStatus === 503) {
      throw new GraphHttpError(
        503,
        'ServiceUnavailable',
        'The service is temporarily unavailable. Please retry later.',
      );
    }
    if (plan.transientStatus === 504) {
      throw new GraphHttpError(
        504,
        'GatewayTimeout',
        'The gateway did not receive a timely response. Please retry later.',
      );
    }
  }

  private match(target: Target): { route: GraphRoute; params: Record<string, string> } {
    const found = this.router.find(target.method as FindMyWay.HTTPMethod, target.rawPath);
    if (found) {
      return {
        route: (found.store as { route: GraphRoute }).route,
        params: found.params as Record<string, string>,
      };
    }
    const allowed = (['GET', 'POST'] as const).filter(
      (method) => method !== target.method && this.router.find(method, target.rawPath),
    );
    if (allowed.length > 0) {
      throw new GraphHttpError(
        405,
        'BadRequest',
        'Specified HTTP method is not allowed for the request target.',
        {
          Allow: allowed.join(', '),
        },
      );
    }
    // Graph answers an address it cannot resolve with 400, naming the first segment it did not know.
    return this.unknownSegment(target.rawPath);
  }

  private unknownSegment(rawPath: string): never {
    const segments = decodePath(rawPath)
      .split('/')
      .filter((s) => s.length > 0);
    if (segments.length === 0) throw new GraphHttpError(400, 'BadRequest', 'Invalid request.');
    let depth = 0;
    while (
      depth < segments.length - 1 &&
      this.patterns.some(
        (pattern) =>
          pattern.length > depth + 1 &&
          pattern.slice(0, depth + 1).every((part, i) => part.startsWith(':') || part === segments[i]),
      )
    ) {
      depth += 1;
    }
    throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segments[depth]}'.`);
  }
}

/**
 * 403 in the words of the service that owns the route: the directory refuses with
 * `Authorization_RequestDenied`, the Teams services name the roles they want and the ones the
 * token had. A token without any `roles` claim (consent never granted) is refused the same way.
 */
function missingRoles(route: GraphRoute, key: ThrottleKey, roles: readonly string[]): GraphHttpError {
  if (key.class === 'directory') {
    return new GraphHttpError(
      403,
      'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation.',
    );
  }
  return new GraphHttpError(
    403,
    'Forbidden',
    `Missing role permissions on the request. API requires one of '${route.anyRole.join(', ')}'. Roles on the request '${roles.join(', ')}'.`,
  );
}

function parseTarget(method: string, url: string): Target {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query: Record<string, string> = {};
  if (q !== -1) {
    for (const [name, value] of new URLSearchParams(url.slice(q + 1))) query[name] = value;
  }
  return { method: method.toUpperCase(), rawPath: rawPath === '' ? '/' : rawPath, query, url };
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  let text: string;
  try {
    text = (await readBody(req, GRAPH_BODY_LIMIT)).toString('utf8');
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new GraphHttpError(
        413,
        'RequestEntityTooLarge',
        `The request body exceeds ${GRAPH_BODY_LIMIT} bytes.`,
      );
    }
    throw error;
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GraphHttpError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}

function errorResult(error: unknown, clientRequestId: string | undefined, what: string): GraphResult {
  if (error instanceof GraphHttpError) {
    return {
      status: error.status,
      json: graphErrorBody(error.code, error.message, clientRequestId),
      headers: error.headers,
    };
  }
  process.stderr.write(
    `simulator: ${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return {
    status: 500,
    json: graphErrorBody(
      'InternalServerError',
      'The simulator failed to process the request.',
      clientRequestId,
    ),
  };
}

function write(res: ServerResponse, result: GraphResult, clientRequestId: string | undefined): void {
  const headers: Record<string, string> = { ...result.headers };
  if (clientRequestId) headers['client-request-id'] = clientRequestId;
  if ('bytes' in result) {
    sendBytes(res, result.status, result.bytes, result.contentType, headers);
  } else if ('rawJson' in result) {
    sendJsonText(res, result.status, result.rawJson, { ...headers, 'Content-Type': GRAPH_JSON });
  } else {
    sendJsonText(res, result.status, JSON.stringify(result.json ?? null), {
      ...headers,
      'Content-Type': GRAPH_JSON,
    });
  }
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function decodePath(rawPath: string): string {
  try {
    return decodeURIComponent(rawPath);
  } catch {
    return rawPath;
  }
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
