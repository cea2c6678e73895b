import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import { DEFAULT_ADAPTIVE_RATE } from '../graph/adaptive-rate';
import { GraphPacer } from '../graph/graph-pacer';
import { resolveGraphLimits, type GraphRateLimitsChange } from '../graph/graph-rate-limits';
import { GraphRequestCounter } from '../graph/graph-request-counter';
import { GraphTransport } from '../graph/graph-transport';
import { DEFAULT_RETRY_POLICY, PacedGraphRequester, type RetryPolicy } from '../graph/paced-graph-requester';
import { GraphReadError } from '../graph/tenant-graph-source';
import { silentLogger, type Logger } from '../observability/logger';
import { DirectoryError } from './directory-error';

/** The user properties a lookup reads; `$select` keeps the answer small and the request cheap. */
const USER_FIELDS = 'id,userPrincipalName,displayName,mail';

/** Graph's `$top` on list users is 1 to 999 [user-list]. */
const MAX_TOP = 999;

/**
 * An admin is waiting: a lookup that Graph keeps throttling or does not answer gives up after
 * this long (the paced requester itself retries 429s without end, which suits a backup, not a
 * person at a form).
 */
export const DEFAULT_LOOKUP_TIMEOUT_MS = 15_000;

const graphUser = z.object({
  id: z.string().min(1),
  userPrincipalName: z.string().min(1),
  displayName: z.string().nullable().optional(),
  mail: z.string().nullable().optional(),
});
export type GraphDirectoryUser = z.infer<typeof graphUser>;
const userPage = z.object({ value: z.array(graphUser) });

/** One tenant's live directory, read through its saved app. */
export interface GraphUserLookup {
  /** `GET /users/{id | userPrincipalName}`; undefined when the tenant has no such user. */
  user(idOrUpn: string, signal?: AbortSignal): Promise<GraphDirectoryUser | undefined>;
  /**
   * `GET /users?$filter=startswith(displayName,…) or startswith(userPrincipalName,…) or
   * startswith(mail,…)&$top=…`: the first page only, at most `top` people.
   */
  search(prefix: string, top: number, signal?: AbortSignal): Promise<GraphDirectoryUser[]>;
}

export interface GraphUserLookupOptions {
  graphBaseUrl: string;
  credential: TokenCredential;
  limits?: GraphRateLimitsChange;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * Reads go through the same paced requester as the backup's (class `directory`), so they honour
 * Retry-After and back off the same way. Failures that are not "no such user" become
 * `DirectoryError('unavailable')`: a refused app or an unanswered request must never pass for an
 * unknown person.
 */
export function createGraphUserLookup(options: GraphUserLookupOptions): GraphUserLookup {
  const requester = new PacedGraphRequester(
    new GraphTransport(options.graphBaseUrl, options.credential),
    new GraphPacer(resolveGraphLimits(options.limits), DEFAULT_ADAPTIVE_RATE),
    new GraphRequestCounter(),
    { ...DEFAULT_RETRY_POLICY, ...options.retry },
    options.logger ?? silentLogger(),
  );
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS;

  async function read(url: string, what: string, signal: AbortSignal | undefined): Promise<unknown> {
    const bounded = signal
      ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
      : AbortSignal.timeout(timeoutMs);
    const { body } = await requester.get(url, { class: 'directory', what }, bounded);
    return JSON.parse(body.toString('utf8'));
  }

  async function user(idOrUpn: string, signal?: AbortSignal): Promise<GraphDirectoryUser | undefined> {
    // A UPN starting with `$` cannot be a path segment of /users (Graph reads it as a system
    // segment) [user-get]; the equality filter finds it all the same.
    if (idOrUpn.startsWith('$')) {
      const [found] = await list(
        `userPrincipalName eq ${odataString(idOrUpn)}`,
        1,
        `user ${idOrUpn}`,
        signal,
      );
      return found;
    }
    try {
      const json = await read(
        `/users/${encodeURIComponent(idOrUpn)}?$select=${USER_FIELDS}`,
        `user ${idOrUpn}`,
        signal,
      );
      return parse(graphUser, json, idOrUpn);
    } catch (error) {
      // 404 is "no such user"; 400 is Graph refusing the reference as neither an id nor a UPN,
      // which for a person typed into a form means the same.
      if (
        error instanceof GraphReadError &&
        (error.reason === 'not_found' || error.reason === 'bad_request')
      ) {
        return undefined;
      }
      throw unavailable(error, `user ${idOrUpn}`);
    }
  }

  async function list(
    filter: string,
    top: number,
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<GraphDirectoryUser[]> {
    const size = Math.max(1, Math.min(MAX_TOP, Math.floor(top)));
    try {
      const json = await read(
        `/users?$filter=${encodeURIComponent(filter)}&$top=${size}&$select=${USER_FIELDS}`,
        what,
        signal,
      );
      return parse(userPage, json, what).value.slice(0, size);
    } catch (error) {
      throw unavailable(error, what);
    }
  }

  return {
    user,
    search(prefix, top, signal) {
      const literal = odataString(prefix);
      const filter = ['displayName', 'userPrincipalName', 'mail']
        .map((property) => `startswith(${property},${literal})`)
        .join(' or ');
      return list(filter, top, `users starting with "${prefix}"`, signal);
    },
  };
}

/** An OData string literal: quoted, a quote inside doubled. */
export function odataString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function parse<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new DirectoryError(
      'unavailable',
      `Microsoft Graph answered the look-up of ${what} with an unexpected shape.`,
    );
  }
  return parsed.data;
}

function unavailable(error: unknown, what: string): unknown {
  if (error instanceof DirectoryError) return error;
  if (error instanceof GraphReadError) {
    switch (error.reason) {
      case 'forbidden':
        return new DirectoryError(
          'unavailable',
          `Microsoft Graph refused to read ${what}: the tenant's app needs the User.Read.All application permission with admin consent.`,
        );
      case 'unauthorized':
        return new DirectoryError(
          'unavailable',
          `No token was had to read ${what}: the saved secret may have expired or been replaced. Test the connection.`,
        );
      case 'cancelled':
        return new DirectoryError(
          'unavailable',
          `Microsoft Graph did not answer the look-up of ${what} in time: try again.`,
        );
      case 'not_found':
      case 'unlicensed':
      case 'bad_request':
      case 'unavailable':
        return new DirectoryError('unavailable', error.message);
      default: {
        const unreachable: never = error.reason;
        return new DirectoryError('unavailable', `unknown failure ${String(unreachable)}`);
      }
    }
  }
  if (error instanceof SyntaxError) {
    return new DirectoryError(
      'unavailable',
      `Microsoft Graph answered the look-up of ${what} with something that is not JSON.`,
    );
  }
  return error;
}
