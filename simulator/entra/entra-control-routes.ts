import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BodyTooLargeError, readBody, sendJson } from '../shell/http-io';
import type { SimulatorRouter } from '../shell/router';
import { AppRegistryError } from './app-registry';
import { EntraError } from './entra-error';
import { UnknownUserError, type EntraService } from './entra-service';

/**
 * The live-tenant control API for Entra, under `/_sim/tenants/{tenant}/`: what an admin does in
 * the portal (register an app, add, rotate, expire or delete secrets, grant or revoke admin
 * consent, disable the app, delete its service principal) and user tokens for tab SSO tests.
 * Token changes follow Entra: a token already issued keeps its roles until it expires.
 *
 * Answers are JSON; failures are `{"error":{"code","message"}}` with 400, 404 or 409.
 */

const CONTROL_BODY_LIMIT = 256 * 1024;

const roles = z.array(z.string().min(1));

const newAppSchema = z.object({
  displayName: z.string().min(1).default('ChatVault backup'),
  appId: z.uuid().optional(),
  roles: roles.default(['Chat.Read.All', 'Chat.ReadWrite.All']),
  consent: z.boolean().default(true),
  servicePrincipal: z.boolean().default(true),
  enabled: z.boolean().default(true),
  /** Create a first secret and hand out its value (default true). */
  secret: z.boolean().default(true),
});

const newSecretSchema = z.object({
  displayName: z.string().min(1).optional(),
  /** Lifetime in days from now; negative creates an already expired secret. */
  expiresInDays: z.number().optional(),
});

const consentSchema = z.object({ roles: roles.optional() });

const userTokenSchema = z
  .object({
    userId: z.string().min(1).optional(),
    upn: z.string().min(1).optional(),
    audience: z.string().min(1),
    scopes: z.array(z.string().min(1)).optional(),
    expired: z.boolean().optional(),
    signedBy: z.enum(['simulator', 'foreign']).optional(),
  })
  .refine((body) => body.userId !== undefined || body.upn !== undefined, { message: 'give userId or upn' });

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, string | undefined>;
type ControlHandler = (params: Params, body: unknown) => unknown;

export function registerEntraControlRoutes(router: SimulatorRouter, entra: EntraService): void {
  const registry = entra.registry;
  const tenantOf = (params: Params): string => entra.requireTenant(params.tenantId!).id;
  const route = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    handler: ControlHandler,
    status = 200,
  ): void => {
    router.on(method, `/_sim/tenants/:tenantId${path}`, (req, res, params) =>
      serve(req, res, params, handler, status),
    );
  };
  const DAY_MS = 86_400_000;

  route('GET', '/apps', (params) => registry.listApps(tenantOf(params)));

  route(
    'POST',
    '/apps',
    (params, body) => {
      const tenantId = tenantOf(params);
      const input = parse(newAppSchema, body);
      const app = registry.createApp(tenantId, {
        displayName: input.displayName,
        appId: input.appId,
        requiredRoles: input.roles,
        consented: input.consent,
        servicePrincipal: input.servicePrincipal,
        enabled: input.enabled,
      });
      const secret = input.secret ? registry.addSecret(tenantId, app.appId) : undefined;
      return { ...registry.requireApp(tenantId, app.appId), ...(secret ? { secret } : {}) };
    },
    201,
  );

  route('GET', '/apps/:appId', (params) => registry.requireApp(tenantOf(params), params.appId!));

  const secretOptions = (body: unknown) => {
    const input = parse(newSecretSchema, body);
    return {
      displayName: input.displayName,
      ...(input.expiresInDays === undefined
        ? {}
        : input.expiresInDays > 0
          ? { endMs: Date.now() + input.expiresInDays * DAY_MS }
          : { startMs: Date.now() - 30 * DAY_MS, endMs: Date.now() + input.expiresInDays * DAY_MS - 1 }),
    };
  };
  route(
    'POST',
    '/apps/:appId/secrets',
    (params, body) => registry.addSecret(tenantOf(params), params.appId!, secretOptions(body)),
    201,
  );
  route(
    'POST',
    '/apps/:appId/secrets/rotate',
    (params, body) => registry.rotateSecret(tenantOf(params), params.appId!, secretOptions(body)),
    201,
  );
  route('POST', '/apps/:appId/secrets/:secretId/expire', (params) =>
    registry.expireSecret(tenantOf(params), params.appId!, params.secretId!),
  );
  route('DELETE', '/apps/:appId/secrets/:secretId', (params) => {
    registry.removeSecret(tenantOf(params), params.appId!, params.secretId!);
    return registry.requireApp(tenantOf(params), params.appId!);
  });

  route('POST', '/apps/:appId/consent', (params, body) =>
    registry.grantConsent(tenantOf(params), params.appId!, parse(consentSchema, body).roles),
  );
  route('DELETE', '/apps/:appId/consent', (params) =>
    registry.revokeConsent(tenantOf(params), params.appId!),
  );
  route('POST', '/apps/:appId/disable', (params) =>
    registry.setEnabled(tenantOf(params), params.appId!, false),
  );
  route('POST', '/apps/:appId/enable', (params) =>
    registry.setEnabled(tenantOf(params), params.appId!, true),
  );
  route('POST', '/apps/:appId/service-principal', (params) =>
    registry.createServicePrincipal(tenantOf(params), params.appId!),
  );
  route('DELETE', '/apps/:appId/service-principal', (params) =>
    registry.removeServicePrincipal(tenantOf(params), params.appId!),
  );

  router.on('POST', '/_sim/tenants/:tenantId/user-token', (req, res, params) =>
    serve(req, res, params, async (p, body) => {
      const input = parse(userTokenSchema, body);
      const token = await entra.issueUserToken(p.tenantId!, {
        user: (input.userId ?? input.upn)!,
        audience: input.audience,
        scopes: input.scopes,
        expired: input.expired,
        signedBy: input.signedBy,
      });
      return { token_type: 'Bearer', access_token: token };
    }),
  );
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  params: Params,
  handler: ControlHandler | ((params: Params, body: unknown) => Promise<unknown>),
  status = 200,
): Promise<void> {
  try {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    sendJson(res, status, await handler(params, body));
  } catch (error) {
    const failure = controlFailure(error);
    if (!failure) throw error;
    sendJson(res, failure.status, { error: { code: failure.code, message: failure.message } });
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req, CONTROL_BODY_LIMIT)).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'invalidJson', 'the request body is not JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ControlError(400, 'invalidRequest', z.prettifyError(parsed.error));
  return parsed.data;
}

function controlFailure(error: unknown): ControlError | undefined {
  if (error instanceof ControlError) return error;
  if (error instanceof BodyTooLargeError) return new ControlError(413, 'tooLarge', error.message);
  if (error instanceof EntraError) return new ControlError(404, 'tenantNotFound', error.description);
  if (error instanceof UnknownUserError) return new ControlError(404, 'userNotFound', error.message);
  if (error instanceof AppRegistryError) {
    switch (error.reason) {
      case 'appNotFound':
      case 'secretNotFound':
        return new ControlError(404, error.reason, error.message);
      case 'conflict':
        return new ControlError(409, error.reason, error.message);
      case 'invalid':
        return new ControlError(400, error.reason, error.message);
    }
  }
  return undefined;
}
