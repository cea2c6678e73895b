import type { Request, Response, Server } from 'restify';
import type { RecoveryServices } from '../recovery/create-recovery-module';
import type { DownloadLink, ImageLink, RecoveryLinks } from '../recovery/links/recovery-links';
import { systemClock, type Clock } from '../connection/clock';
import type { Logger } from '../observability/logger';
import type { HttpMount } from '../server/http-server';
import { ApiError, notAdmin, unauthenticated, type ApiErrorBody } from './api-error';
import { API_ROUTES, type OperationId } from './api-routes';
import type { DemoSignIn } from './demo-sign-in';
import { toApiError } from './error-mapping';
import type { HandlerDeps } from './handler-deps';
import { backupHandlers } from './handlers/backup-handlers';
import { connectionHandlers } from './handlers/connection-handlers';
import { peopleHandlers } from './handlers/people-handlers';
import { publicHandlers } from './handlers/public-handlers';
import { recoveryHandlers } from './handlers/recovery-handlers';
import { scopeHandlers } from './handlers/scope-handlers';
import { sessionHandlers } from './handlers/session-handlers';
import { bodyObject, validateInput } from './input-validation';
import { openApiDocument } from './openapi';
import { RequestLimits, type TabApiLimits } from './request-limits';
import type { RouteContext, RouteHandler, RouteHandlers, StreamReply } from './route-context';
import { isStreamSuccess, type RouteSpec } from './route-spec';
import type {
  TabAdmins,
  TabAuditLog,
  TabBackup,
  TabBackupReads,
  TabConnections,
  TabDirectory,
  TabNotificationTargets,
  TabScope,
} from './tab-api-ports';
import type { TabPrincipal, TokenVerifier } from './tab-principal';
import { UserTable, type UserTableOptions } from './user-table';

export const API_PREFIX = '/api/v1';

export interface TabApiDeps {
  logger: Logger;
  /** Checks the SSO tokens (`SsoTokenVerifier` over the configured authority and audiences). */
  verifier: TokenVerifier;
  /** Microsoft's authority host: picks the Entra portal links of the setup page. */
  authorityHost: string;
  connections: TabConnections;
  backup: TabBackup;
  backupReads: TabBackupReads;
  admins: TabAdmins;
  notifications: TabNotificationTargets;
  audit: TabAuditLog;
  scope: TabScope;
  /** Searches the tenant's people for the scope picker: governance's `directory`. */
  directory: TabDirectory;
  /**
   * Browse, search, export, retention and erasure (the `recovery` routes). Its `BrowseService` should
   * address images through `signedImageUrls(recoveryLinks)`. Without both, the recovery routes are
   * mounted and documented all the same, and answer 503 `unavailable`.
   */
  recovery?: RecoveryServices;
  /** Signs the recovery routes' image and download links (key: `deriveKey(sealing, 'recovery-links')`). */
  recoveryLinks?: RecoveryLinks;
  /** Only on the tenant simulator: mounts POST /api/v1/demo/token and lists the demo users. */
  demoSignIn?: DemoSignIn;
  clock?: Clock;
  limits?: Partial<TabApiLimits>;
  userTable?: UserTableOptions;
}

/**
 * The tab's REST API (docs/tab-api.md; the routes in api-routes.ts): every request is
 * authenticated by its SSO token, authorized against the token tenant's admins, validated, and
 * answered as JSON, failures included.
 */
export function createTabApiMount(deps: TabApiDeps): HttpMount {
  return (server) => mountTabApi(server, deps);
}

function mountTabApi(server: Server, deps: TabApiDeps): void {
  const logger = deps.logger.child({ component: 'tab-api' });
  const includeDemo = deps.demoSignIn !== undefined;
  let document: Record<string, unknown> | undefined;
  const shared: HandlerDeps = {
    logger,
    connections: deps.connections,
    backup: deps.backup,
    backupReads: deps.backupReads,
    admins: deps.admins,
    notifications: deps.notifications,
    audit: deps.audit,
    scope: deps.scope,
    directory: deps.directory,
    recovery: deps.recovery,
    recoveryLinks: deps.recoveryLinks,
    authorityHost: deps.authorityHost,
    demoSignIn: deps.demoSignIn,
    userTable: new UserTable(deps.backupReads, deps.scope, deps.clock ?? systemClock, deps.userTable),
    limits: new RequestLimits(deps.limits),
    openApi: () => (document ??= openApiDocument({ includeDemo })),
  };
  const handlers: RouteHandlers = {
    ...publicHandlers(shared),
    ...sessionHandlers(shared),
    ...connectionHandlers(shared),
    ...backupHandlers(shared),
    ...peopleHandlers(shared),
    ...scopeHandlers(shared),
    ...recoveryHandlers(shared),
  };
  const pipeline = new RequestPipeline(deps, shared, logger);

  for (const [operationId, spec] of Object.entries(API_ROUTES) as [OperationId, RouteSpec][]) {
    if (spec.demoOnly && !includeDemo) continue;
    const handler = handlers[operationId] as unknown as RouteHandler<RouteSpec>;
    const path = spec.path.replace(/\{(\w+)\}/g, ':$1');
    // restify tells async handlers from callback ones by their kind: this one must be async.
    const serve = async (req: Request, res: Response): Promise<void> => {
      await pipeline.serve(spec, handler, req, res);
    };
    switch (spec.method) {
      case 'GET':
        server.get(path, serve);
        break;
      case 'POST':
        server.post(path, serve);
        break;
      case 'PUT':
        server.put(path, serve);
        break;
      case 'DELETE':
        server.del(path, serve);
        break;
      default: {
        const unreachable: never = spec.method;
        throw new Error(`unknown method ${String(unreachable)}`);
      }
    }
  }

  // Failures restify answers before a handler runs (unknown path, wrong method, malformed or
  // oversized JSON) get the API's error shape on the API's paths. Each is heard by its own event:
  // restify hands every listener of one error event the same callback, so the catch-all
  // `restifyError` can have one listener only, and the server's logger is it.
  for (const event of RESTIFY_ERROR_EVENTS) {
    server.on(event, (req: Request, _res: Response, err: RestifyHttpError, callback: () => void) => {
      if (isApiPath(req)) {
        const body = restifyErrorBody(err);
        err.toJSON = () => body;
      }
      return callback();
    });
  }
}

/** restify's event names (the error's name without `Error`) for what it refuses before a handler. */
const RESTIFY_ERROR_EVENTS = [
  'NotFound',
  'MethodNotAllowed',
  'InvalidContent',
  'PayloadTooLarge',
  'RequestEntityTooLarge',
  'UnsupportedMediaType',
  'BadDigest',
] as const;

interface RestifyHttpError extends Error {
  statusCode?: number;
  toJSON?: () => unknown;
}

class RequestPipeline {
  constructor(
    private readonly deps: TabApiDeps,
    private readonly shared: HandlerDeps,
    private readonly logger: Logger,
  ) {}

  async serve(spec: RouteSpec, handler: RouteHandler<RouteSpec>, req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const context = await this.context(spec, req);
      const result = await handler(context);
      if (isStreamSuccess(spec.success)) await this.stream(req, res, result as StreamReply);
      else sendJson(res, spec.success.status, result);
    } catch (error) {
      if (res.headersSent || res.destroyed) this.broken(req, res, error);
      else this.fail(req, res, error);
    }
  }

  /**
   * Sends a reply of bytes as it is produced, with the response's backpressure. A client that goes
   * away aborts the producer (an export stops reading the store) through the reply's signal.
   */
  private async stream(req: Request, res: Response, reply: StreamReply): Promise<void> {
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.once('close', onClose);
    try {
      res.statusCode = 200;
      res.setHeader('Content-Type', reply.contentType);
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      await reply.write(res, gone.signal);
    } catch (error) {
      if (gone.signal.aborted) {
        this.logger.info(
          { method: req.method, path: req.path() },
          'the client left before the answer was sent',
        );
        res.destroy();
        return;
      }
      throw error;
    } finally {
      res.removeListener('close', onClose);
    }
  }

  /** A failure once bytes are on their way: the status is sent, so the client learns by a cut answer. */
  private broken(req: Request, res: Response, error: unknown): void {
    this.logger.error(
      { method: req.method, path: req.path(), err: error instanceof Error ? error : String(error) },
      'tab API answer failed while being sent',
    );
    res.destroy();
  }

  private async context(spec: RouteSpec, req: Request): Promise<RouteContext<RouteSpec>> {
    let principal: TabPrincipal | undefined;
    let isAdmin = false;
    let link: ImageLink | DownloadLink | undefined;
    if (spec.access === 'link') {
      link = await this.openLink(spec, req);
    } else if (spec.access !== 'public') {
      principal = await this.authenticate(req);
      await this.shared.limits.spend('perPerson', `${principal.tenantId}:${principal.userId}`);
      isAdmin = await this.authorize(spec, principal);
    }
    const params = spec.params ? validateInput(spec.params, { ...req.params }, 'path') : {};
    const query = spec.query ? validateInput(spec.query, { ...(req.query as object) }, 'query') : {};
    const raw = bodyObject(req.body, req.getContentType());
    let body: unknown = {};
    if (spec.body) body = validateInput(spec.body, raw ?? {}, 'body');
    else if (raw && Object.keys(raw).length > 0) {
      throw new ApiError('invalid_input', 'This request takes no body.', { field: 'body' });
    }
    return {
      principal: principal as TabPrincipal,
      actor: (principal
        ? { kind: 'user', id: principal.userId, name: principal.displayName }
        : undefined) as RouteContext<RouteSpec>['actor'],
      isAdmin,
      link: link as RouteContext<RouteSpec>['link'],
      params: params as RouteContext<RouteSpec>['params'],
      query: query as RouteContext<RouteSpec>['query'],
      body: body as RouteContext<RouteSpec>['body'],
      clientAddress: req.socket?.remoteAddress ?? 'unknown',
    };
  }

  /**
   * Checks a signed link (`?t=`) in the order of bearer routes: the token (401; one for something
   * else than the path names is 404), the budget (429), then, for a download, that its admin still
   * is one (403). Nothing else identifies the caller of such a route.
   */
  private async openLink(spec: RouteSpec, req: Request): Promise<ImageLink | DownloadLink> {
    const links = this.deps.recoveryLinks;
    if (!links || !this.deps.recovery) {
      throw new ApiError(
        'unavailable',
        'Browsing and exporting backups is not available on this ChatVault server.',
      );
    }
    const token = (req.query as Record<string, unknown> | undefined)?.t;
    const params = req.params as Record<string, string | undefined>;
    switch (spec.link) {
      case 'image': {
        const link = await links.verifyImage(token, {
          chatId: params.chatId ?? '',
          messageId: params.messageId ?? '',
          sha256: params.sha256 ?? '',
        });
        await this.shared.limits.spend('links', `${link.tenantId}:${actorKey(link.actor)}`);
        return link;
      }
      case 'download': {
        const link = await links.verifyDownload(token);
        await this.shared.limits.spend('links', `${link.tenantId}:${actorKey(link.actor)}`);
        if (!(await this.deps.admins.isAdmin(link.tenantId, link.actor.id))) throw notAdmin();
        return link;
      }
      case undefined:
        throw new Error('a link route must name its kind of link');
      default: {
        const unreachable: never = spec.link;
        throw new Error(`unknown link kind ${String(unreachable)}`);
      }
    }
  }

  private async authenticate(req: Request): Promise<TabPrincipal> {
    const header = req.header('authorization');
    if (!header) {
      throw unauthenticated('missing_token', 'Sign in first: this request carries no sign-in token.');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw unauthenticated('invalid_token', 'The Authorization header must be "Bearer <token>".');
    }
    return this.deps.verifier.verify(match[1]!);
  }

  /** Resolves whether the person is an admin; rejects with 403 when the route needs one and they are not. */
  private async authorize(spec: RouteSpec, principal: TabPrincipal): Promise<boolean> {
    const admins = this.deps.admins;
    switch (spec.access) {
      case 'public':
      case 'signed-in':
      case 'link':
        return false;
      case 'admin':
        if (!(await admins.isAdmin(principal.tenantId, principal.userId))) throw notAdmin();
        return true;
      case 'admin-or-unclaimed': {
        if (await admins.isAdmin(principal.tenantId, principal.userId)) return true;
        if (await admins.tenantHasAdmins(principal.tenantId)) throw notAdmin();
        return false;
      }
      default: {
        const unreachable: never = spec.access;
        throw new Error(`unknown access ${String(unreachable)}`);
      }
    }
  }

  private fail(req: Request, res: Response, error: unknown): void {
    let apiError = toApiError(error);
    if (!apiError) {
      this.logger.error(
        { method: req.method, path: req.path(), err: error instanceof Error ? error : String(error) },
        'tab API request failed',
      );
      apiError = new ApiError(
        'internal',
        'ChatVault failed to answer this request. Try again; if it persists, tell the operator.',
      );
    }
    const seconds = apiError.extra.retryAfterSeconds;
    if (seconds !== undefined) res.setHeader('Retry-After', String(seconds));
    if (apiError.code === 'unauthenticated') {
      // RFC 6750 §3: a request without credentials gets the scheme only.
      res.setHeader(
        'WWW-Authenticate',
        apiError.extra.reason === 'missing_token' ? 'Bearer' : 'Bearer error="invalid_token"',
      );
    }
    sendJson(res, apiError.status, apiError.toBody());
  }
}

function actorKey(actor: ImageLink['actor']): string {
  return actor.kind === 'user' ? actor.id : `${actor.kind}:${actor.name}`;
}

function sendJson(res: Response, status: number, body: unknown): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.send(status, body);
}

function isApiPath(req: Request): boolean {
  const path = req.path();
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
}

function restifyErrorBody(err: RestifyHttpError): ApiErrorBody {
  const status = err.statusCode ?? 500;
  switch (status) {
    case 400:
      return { error: { code: 'invalid_input', message: 'The body is not valid JSON.', field: 'body' } };
    case 404:
      return { error: { code: 'not_found', message: 'There is no such route in the ChatVault API.' } };
    case 405:
      return { error: { code: 'method_not_allowed', message: 'This route does not accept that method.' } };
    case 413:
      return { error: { code: 'payload_too_large', message: 'The body is larger than ChatVault accepts.' } };
    case 415:
      return { error: { code: 'unsupported_media_type', message: 'Send the body as JSON.' } };
    default:
      return { error: { code: 'internal', message: 'ChatVault failed to answer this request.' } };
  }
}
