import type { z } from 'zod';
import type { LinkKind } from '../recovery/links/recovery-links';
import type { ApiErrorCode } from './api-error';

/**
 * Who may call a route:
 * - `public`: anyone, no token (the OpenAPI document, the client config, the demo sign-in);
 * - `signed-in`: any person with a valid SSO token, of any tenant;
 * - `admin-or-unclaimed`: a ChatVault admin of the token's tenant, or anyone of it while the tenant
 *   has no admin yet (the first working connect makes its author the first admin);
 * - `admin`: a ChatVault admin of the token's tenant;
 * - `link`: no Authorization header; the signed link token in `?t=` is the credential (what an
 *   `<img>` or a browser download can carry), naming the tenant, the admin and what it opens
 *   (backend/recovery/links/recovery-links.ts). A download's admin must still be one.
 */
export type RouteAccess = 'public' | 'signed-in' | 'admin-or-unclaimed' | 'admin' | 'link';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

type AnyObject = z.ZodType<Record<string, unknown>>;

/** A JSON answer, validated by (and documented from) its schema. */
export interface JsonSuccess {
  status: 200 | 201 | 202;
  description: string;
  schema: z.ZodType;
}

/** An answer of bytes streamed as they are read (an image, an export); the handler returns a `StreamReply`. */
export interface StreamSuccess {
  status: 200;
  description: string;
  stream: {
    /** The media types the body may have; the OpenAPI document lists each as binary. */
    contentTypes: readonly string[];
    /** Response headers worth documenting, with what they say. */
    headers?: Readonly<Record<string, string>>;
  };
}

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
  success: JsonSuccess | StreamSuccess;
  /** For `link` routes: which kind of signed link opens the route. */
  link?: LinkKind;
  /** Served only when the API is given that part of ChatVault; 503 `unavailable` otherwise. */
  requires?: 'recovery';
  /** Failures particular to this route; those that follow from access, parameters and body are added. */
  errors?: readonly ApiErrorCode[];
  /** Mounted only on the tenant simulator (the local demo); absent on a real tenant. */
  demoOnly?: boolean;
}

export function isStreamSuccess(success: RouteSpec['success']): success is StreamSuccess {
  return 'stream' in success;
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
    case 'link':
      // A link that is missing, forged or expired; one for something else is `not_found`.
      codes.add('unauthenticated');
      codes.add('not_found');
      codes.add('rate_limited');
      codes.add('unavailable');
      if (spec.link === 'download') codes.add('not_admin');
      break;
    default: {
      const unreachable: never = spec.access;
      throw new Error(`unknown access ${String(unreachable)}`);
    }
  }
  if (spec.requires) codes.add('unavailable');
  codes.add('internal');
  return [...codes];
}
