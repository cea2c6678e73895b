import type { z } from 'zod';
import type { Actor } from '../store/connection-records';
import type { API_ROUTES, OperationId } from './api-routes';
import type { RouteSpec } from './route-spec';
import type { TabPrincipal } from './tab-principal';

type Parsed<S, K extends 'params' | 'query' | 'body'> = S extends { [P in K]: infer T extends z.ZodType }
  ? z.output<T>
  : Record<string, never>;

/** What a handler gets: the verified person (unless the route is public) and the validated input. */
export interface RouteContext<S extends RouteSpec> {
  principal: S['access'] extends 'public' ? undefined : TabPrincipal;
  /** The person as audit entries and saved records name them. */
  actor: S['access'] extends 'public' ? undefined : Extract<Actor, { kind: 'user' }>;
  /** Known for admin routes (always true) and admin-or-unclaimed ones. */
  isAdmin: boolean;
  params: Parsed<S, 'params'>;
  query: Parsed<S, 'query'>;
  body: Parsed<S, 'body'>;
  clientAddress: string;
}

/** Resolves the success body, typed by the route's response schema; throws `ApiError` (or a domain error) otherwise. */
export type RouteHandler<S extends RouteSpec> = (
  ctx: RouteContext<S>,
) => Promise<z.input<S['success']['schema']>>;

export type RouteHandlers = { [K in OperationId]: RouteHandler<(typeof API_ROUTES)[K]> };
