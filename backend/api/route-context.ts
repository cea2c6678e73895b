import type { Writable } from 'node:stream';
import type { z } from 'zod';
import type { DownloadLink, ImageLink } from '../recovery/links/recovery-links';
import type { Actor } from '../store/connection-records';
import type { API_ROUTES, OperationId } from './api-routes';
import type { RouteSpec } from './route-spec';
import type { TabPrincipal } from './tab-principal';

type Parsed<S, K extends 'params' | 'query' | 'body'> = S extends { [P in K]: infer T extends z.ZodType }
  ? z.output<T>
  : Record<string, never>;

/** Routes without a signed-in person: nobody, or whoever holds a signed link. */
type NoPerson = 'public' | 'link';

/** What a signed link granted, by the kind of link the route takes. */
type LinkOf<S> = S extends { link: 'image' }
  ? ImageLink
  : S extends { link: 'download' }
    ? DownloadLink
    : undefined;

/** What a handler gets: the verified person (unless the route is public) and the validated input. */
export interface RouteContext<S extends RouteSpec> {
  principal: S['access'] extends NoPerson ? undefined : TabPrincipal;
  /** The person as audit entries and saved records name them. */
  actor: S['access'] extends NoPerson ? undefined : Extract<Actor, { kind: 'user' }>;
  /** Known for admin routes (always true) and admin-or-unclaimed ones. */
  isAdmin: boolean;
  /** For `link` routes: the verified link (its tenant and admin, and what it opens). */
  link: LinkOf<S>;
  params: Parsed<S, 'params'>;
  query: Parsed<S, 'query'>;
  body: Parsed<S, 'body'>;
  clientAddress: string;
}

/**
 * The answer of a route whose success is a stream of bytes. Everything that can refuse the request
 * (not found, bad input) is checked before the handler returns it: once `write` starts, the status
 * and headers are sent.
 */
export interface StreamReply {
  contentType: string;
  /** Headers besides the content type (they replace the API's defaults, e.g. its Cache-Control). */
  headers?: Readonly<Record<string, string>>;
  /**
   * Writes the body into `out` with its backpressure, and ends it. `signal` aborts when the client
   * goes away; the write should then stop and reject.
   */
  write(out: Writable, signal: AbortSignal): Promise<void>;
}

type SuccessOf<S extends RouteSpec> = S['success'] extends { schema: infer T extends z.ZodType }
  ? z.input<T>
  : StreamReply;

/** Resolves the success body, typed by the route's response schema; throws `ApiError` (or a domain error) otherwise. */
export type RouteHandler<S extends RouteSpec> = (ctx: RouteContext<S>) => Promise<SuccessOf<S>>;

export type RouteHandlers = { [K in OperationId]: RouteHandler<(typeof API_ROUTES)[K]> };
