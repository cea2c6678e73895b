import type { z } from 'zod';
import type { ApiErrorCode } from './api-error';

/**
 * Who may call a route:
 * - `public`: anyone, no token (the OpenAPI document, the client config, the demo sign-in);
 * - `signed-in`: any person with a valid SSO token, of any tenant;
 * - `admin-or-unclaimed`: a ChatVault admin of the token's tenant, or anyone of it while the tenant
 *   has no admin yet (the first working connect makes its author the first admin);
 * - `admin`: a ChatVault admin of the token's tenant.
 */
export type RouteAccess = 'public' | 'signed-in' | 'admin-or-unclaimed' | 'admin';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

type AnyObject = z.ZodType<Record<string, unknown>>;

/** One route of the tab API: the single description both the server and the OpenAPI document use. */
export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI style, under /api/v1: `/api/v1/admins/{userId}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: RouteAccess;
  params?: AnyObject;
  query?: AnyObject;
  /** Absent: the route takes no body (one sent anyway is refused). */
  body?: z.ZodType;
  success: { status: 200 | 201 | 202; description: string; schema: z.ZodType };
  /** Failures particular to this route; those that follow from access, parameters and body are added. */
  errors?: readonly ApiErrorCode[];
  /** Mounted only on the tenant simulator (the local demo); absent on a real tenant. */
  demoOnly?: boolean;
}

/** The failures any route of that access can answer, besides its own. */
export function impliedErrors(spec: RouteSpec): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(spec.errors ?? []);
  if (spec.params || spec.query || spec.body) codes.add('invalid_input');
  if (spec.body) {
    codes.add('payload_too_large');
    codes.add('unsupported_media_type');
  }
  switch (spec.access) {
    case 'public':
      break;
    case 'admin':
    case 'admin-or-unclaimed':
      codes.add('not_admin');
      codes.add('unauthenticated');
      codes.add('rate_limited');
      codes.add('unavailable');
      break;
    case 'signed-in':
      codes.add('unauthenticated');
      codes.add('rate_limited');
      codes.add('unavailable');
      break;
    default: {
      const unreachable: never = spec.access;
      throw new Error(`unknown access ${String(unreachable)}`);
    }
  }
  codes.add('internal');
  return [...codes];
}
