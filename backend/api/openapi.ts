import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { API_ERROR_STATUS, type ApiErrorCode } from './api-error';
import { API_ROUTES, type OperationId } from './api-routes';
import { errorSchema } from './response-schemas';
import { impliedErrors, isStreamSuccess, type RouteSpec } from './route-spec';

/**
 * The OpenAPI 3.1 document of the tab API, made from the route table and its zod schemas (the ones
 * that validate requests), so it cannot describe a route or a field the server does not have.
 * Served at GET /api/v1/openapi.json; print it with
 * `npx tsx -e "console.log(JSON.stringify(require('./backend/api/openapi').openApiDocument(), null, 2))"`.
 */

type JsonSchema = Record<string, unknown>;

export interface OpenApiOptions {
  /** Include the local-demo routes (mounted only on the tenant simulator). Default true. */
  includeDemo?: boolean;
}

export const API_VERSION = '1.0.0';

const ERROR_DESCRIPTIONS: Record<ApiErrorCode, string> = {
  invalid_input: 'A parameter or body field is malformed, missing or unknown; `field` names it.',
  unauthenticated:
    'No token, or a token that is forged, expired, or not issued for this app (`reason`: missing_token, invalid_token, expired_token).',
  not_admin: 'The signed-in person is not a ChatVault admin of their tenant.',
  not_found: 'No such thing in your tenant (also the answer for anything of another tenant).',
  method_not_allowed: 'The path exists, not with this method.',
  conflict: 'The tenant is not in a state that allows this now; `reason` says which.',
  payload_too_large: 'The body is larger than the server accepts.',
  unsupported_media_type: 'The body is not JSON.',
  rate_limited: 'Too many requests; retry after the `Retry-After` seconds.',
  internal: 'The server failed; the details are in its log.',
  unavailable:
    'A service ChatVault depends on (e.g. Microsoft sign-in keys) cannot be reached; retry after `Retry-After` seconds.',
};

export function openApiDocument(options: OpenApiOptions = {}): Record<string, unknown> {
  const components = new ComponentCollector();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, spec] of Object.entries(API_ROUTES) as [OperationId, RouteSpec][]) {
    if (spec.demoOnly && options.includeDemo === false) continue;
    const method = spec.method.toLowerCase();
    paths[spec.path] = { ...paths[spec.path], [method]: operation(operationId, spec, components) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ChatVault tab API',
      version: API_VERSION,
      description:
        'The REST API behind the ChatVault personal tab. Every route except the public ones needs ' +
        "`Authorization: Bearer <Teams SSO token>`; the tenant is the token's `tid`, the person its `oid`. " +
        'The two LINK routes (`x-access: link`: a transcript image, an export download) take no header: the signed ' +
        'link token in `?t=` is their credential. ' +
        'Errors are `{"error": {"code", "message", "field"?, "reason"?}}`. See docs/tab-api.md.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    tags: [
      'meta',
      'session',
      'connection',
      'backup',
      'scope',
      'users',
      'admins',
      'notifications',
      'audit',
      'recovery',
    ].map((name) => ({
      name,
    })),
    paths,
    components: {
      schemas: components.schemas,
      securitySchemes: {
        teamsSso: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A Teams SSO token (microsoftTeams.authentication.getAuthToken) for the tab's app ID URI, or the demo token.",
        },
        recoveryLink: {
          type: 'apiKey',
          in: 'query',
          name: 't',
          description:
            'A short-lived signed link token (images: 1 hour, downloads: 15 minutes) that a transcript page or ' +
            'POST /recovery/exports put in the address: what an `<img>` or a browser download can carry.',
        },
      },
    },
  };
}

function operation(
  operationId: string,
  spec: RouteSpec,
  components: ComponentCollector,
): Record<string, unknown> {
  const parameters = [
    ...parametersOf(spec.params, 'path', components),
    ...parametersOf(spec.query, 'query', components),
  ];
  const errors = impliedErrors(spec);
  const responses: Record<string, unknown> = { [String(spec.success.status)]: success(spec, components) };
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of errors) {
    const status = API_ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const errorRef = components.add(errorSchema, 'output');
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const retry = codes.includes('rate_limited') || codes.includes('unavailable');
    responses[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${ERROR_DESCRIPTIONS[c]}`).join(' '),
      ...(retry
        ? { headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
        : {}),
      content: { 'application/json': { schema: errorRef } },
    };
  }
  return {
    operationId,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    security: securityOf(spec),
    'x-access': spec.access,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: false,
            content: { 'application/json': { schema: components.add(spec.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function success(spec: RouteSpec, components: ComponentCollector): Record<string, unknown> {
  const answer = spec.success;
  if (!isStreamSuccess(answer)) {
    return {
      description: answer.description,
      content: { 'application/json': { schema: components.add(answer.schema, 'output') } },
    };
  }
  // Raw bytes: OpenAPI 3.1 describes them as a string of binary format, per media type.
  const headers = Object.entries(answer.stream.headers ?? {});
  return {
    description: answer.description,
    ...(headers.length > 0
      ? {
          headers: Object.fromEntries(
            headers.map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
          ),
        }
      : {}),
    content: Object.fromEntries(
      answer.stream.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
    ),
  };
}

function securityOf(spec: RouteSpec): Record<string, string[]>[] {
  switch (spec.access) {
    case 'public':
      return [];
    case 'link':
      return [{ recoveryLink: [] }];
    case 'signed-in':
    case 'admin-or-unclaimed':
    case 'admin':
      return [{ teamsSso: [] }];
    default: {
      const unreachable: never = spec.access;
      throw new Error(`unknown access ${String(unreachable)}`);
    }
  }
}

function parametersOf(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  components: ComponentCollector,
): Record<string, unknown>[] {
  if (!schema) return [];
  const json = components.inline(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * Turns zod schemas into JSON Schema 2020-12 (the dialect of OpenAPI 3.1), moving every schema that
 * has an `id` into components/schemas and pointing at it there.
 */
class ComponentCollector {
  readonly schemas: Record<string, JsonSchema> = {};

  /** A `$ref` to the schema when it has an id, else the schema itself. */
  add(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    return this.inline(schema, io);
  }

  inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'throw',
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = json;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.put(id, rewriteRefs(def) as JsonSchema);
    }
    const id = z.globalRegistry.get(schema)?.id;
    const body = rewriteRefs(rest) as JsonSchema;
    if (id && !('$ref' in body && Object.keys(body).length === 1)) {
      this.put(id, body);
      return { $ref: `#/components/schemas/${id}` };
    }
    return body;
  }

  private put(id: string, schema: JsonSchema): void {
    const existing = this.schemas[id];
    if (existing && !isDeepStrictEqual(existing, schema)) {
      throw new Error(`two different schemas carry the id ${id}: give one of them another id`);
    }
    this.schemas[id] = schema;
  }
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === '$ref' && typeof inner === 'string'
          ? inner.replace(/^#\/\$defs\//, '#/components/schemas/')
          : rewriteRefs(inner),
      ]),
    );
  }
  return value;
}
