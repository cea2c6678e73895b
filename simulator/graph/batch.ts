import { z } from 'zod';
import type { GraphRequest, GraphResult } from '../contracts';
import { GraphHttpError, graphErrorBody } from '../graph-error';
import { badRequest } from './graph-errors';

/**
 * `POST /$batch` (JSON batching): up to 20 requests in one call, each still authenticated,
 * permission-checked and counted against the throttling limits on its own [json-batching,
 * GRAPH-FACTS]. The shell runs each inner request through its usual pipeline and hands this handler
 * the results; this handler checks the envelope, orders requests by `dependsOn`, and assembles the
 * response.
 */

export const BATCH_PATH = '/$batch';
export const MAX_BATCH_REQUESTS = 20;

/** One request of a batch, as the client sent it; `url` is relative to the version root. */
export interface BatchInnerRequest {
  id: string;
  method: string;
  /** Starts with `/`, e.g. `/users/abc/chats?$top=50`. */
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * The seam the shell provides: serve one inner request exactly as if it had come alone with the
 * batch's bearer token (authentication, role check, throttling, routing, `handle`), and return what
 * would have been answered. Errors may be returned as results (a 403, a 429 with `Retry-After`) or
 * thrown as `GraphHttpError`; anything else thrown becomes a 500 for that request only.
 */
export type BatchDispatcher = (inner: BatchInnerRequest) => Promise<GraphResult>;

const innerRequestSchema = z.object({
  id: z.string().min(1),
  method: z.string().regex(/^(GET|POST|PUT|PATCH|DELETE|HEAD)$/i),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).optional(),
});

const batchSchema = z.object({ requests: z.array(innerRequestSchema).min(1) });

type InnerRequest = z.infer<typeof innerRequestSchema>;

/** Serves a batch. Envelope problems fail the whole batch with 400; inner failures stay inner. */
export async function handleBatch(req: GraphRequest, dispatch: BatchDispatcher): Promise<GraphResult> {
  const requests = readEnvelope(req.body);
  const done = new Map<string, Promise<number>>();
  const responses: string[] = [];

  const run = async (inner: InnerRequest): Promise<number> => {
    const dependencies = await Promise.all(
      (inner.dependsOn ?? []).map((id) => done.get(id) as Promise<number>),
    );
    let result: GraphResult;
    if (dependencies.some((status) => status >= 400)) {
      result = errorResult(
        new GraphHttpError(424, 'FailedDependency', 'A request this request depends on failed.'),
      );
    } else {
      result = await dispatchSafely(dispatch, {
        id: inner.id,
        method: inner.method.toUpperCase(),
        url: inner.url.startsWith('/') ? inner.url : `/${inner.url}`,
        headers: inner.headers ?? {},
        body: inner.body,
      });
    }
    // Responses are listed as they complete, not in request order, as Graph does.
    responses.push(innerResponse(inner.id, result));
    return result.status;
  };

  // `dependsOn` may only name an earlier request, so creating the promises in order wires every edge.
  for (const inner of requests) done.set(inner.id, run(inner));
  await Promise.all(done.values());
  return { status: 200, rawJson: `{"responses":[${responses.join(',')}]}` };
}

function readEnvelope(body: unknown): InnerRequest[] {
  const parsed = batchSchema.safeParse(typeof body === 'string' ? safeJson(body) : body);
  if (!parsed.success)
    throw badRequest('Invalid batch payload format: expected {"requests":[{"id","method","url"},…]}.');
  const requests = parsed.data.requests;
  if (requests.length > MAX_BATCH_REQUESTS) {
    throw badRequest(
      `A batch holds at most ${MAX_BATCH_REQUESTS} requests; this one has ${requests.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const inner of requests) {
    if (seen.has(inner.id)) throw badRequest(`Request id '${inner.id}' appears more than once in the batch.`);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(inner.url)) {
      throw badRequest(`Request '${inner.id}': the url must be relative to the version root, e.g. /users.`);
    }
    for (const dependency of inner.dependsOn ?? []) {
      if (!seen.has(dependency))
        throw badRequest(`Request '${inner.id}' depends on '${dependency}', which does not come before it.`);
    }
    seen.add(inner.id);
  }
  return requests;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function dispatchSafely(dispatch: BatchDispatcher, inner: BatchInnerRequest): Promise<GraphResult> {
  try {
    return await dispatch(inner);
  } catch (error) {
    if (error instanceof GraphHttpError) return errorResult(error);
    return errorResult(
      new GraphHttpError(500, 'InternalServerError', 'The request failed inside the batch.'),
    );
  }
}

function errorResult(error: GraphHttpError): GraphResult {
  return { status: error.status, json: graphErrorBody(error.code, error.message), headers: error.headers };
}

/**
 * One entry of `responses`. JSON bodies are embedded as JSON (stored text spliced in as is);
 * other bodies travel base64-encoded with their content type, as Graph encodes binary in a batch.
 */
function innerResponse(id: string, result: GraphResult): string {
  const headers: Record<string, string> = { ...result.headers };
  let body: string;
  if ('bytes' in result) {
    headers['Content-Type'] = result.contentType;
    body = JSON.stringify(result.bytes.toString('base64'));
  } else {
    headers['Content-Type'] = 'application/json';
    body = 'rawJson' in result ? result.rawJson.toString() : JSON.stringify(result.json ?? null);
  }
  return `{"id":${JSON.stringify(id)},"status":${result.status},"headers":${JSON.stringify(headers)},"body":${body}}`;
}
