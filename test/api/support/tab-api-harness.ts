import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { API_ROUTES } from '../../../backend/api/api-routes';
import { backupControl } from '../../../backend/api/backup-control';
import { createTabApiMount, type TabApiDeps } from '../../../backend/api/create-tab-api-mount';
import type { DemoSignIn } from '../../../backend/api/demo-sign-in';
import type { TabApiLimits } from '../../../backend/api/request-limits';
import { errorSchema } from '../../../backend/api/response-schemas';
import { isStreamSuccess, type RouteSpec } from '../../../backend/api/route-spec';
import { SsoTokenVerifier } from '../../../backend/api/sso-token-verifier';
import type { TabDirectory } from '../../../backend/api/tab-api-ports';
import type { TokenVerifier } from '../../../backend/api/tab-principal';
import { BackupService } from '../../../backend/backup/backup-service';
import { resolveBackupSettings } from '../../../backend/backup/backup-settings';
import { graphSources } from '../../../backend/backup/create-backup-module';
import type { BackupHookPoint } from '../../../backend/backup/run/backup-hooks';
import { FsBlobStore } from '../../../backend/blobs/fs-blob-store';
import { LOCAL_TAB_AUDIENCE } from '../../../backend/config/config';
import { systemClock } from '../../../backend/connection/clock';
import { ConnectionService } from '../../../backend/connection/connection-service';
import { GraphConnectionTester } from '../../../backend/connection/connection-tester';
import { connectedUserLookups } from '../../../backend/directory/connected-user-lookups';
import { TenantUserDirectory } from '../../../backend/directory/tenant-user-directory';
import { AdminService } from '../../../backend/governance/admin-service';
import { AuditLog } from '../../../backend/governance/audit-log';
import { NotificationService } from '../../../backend/notifications/notification-service';
import { silentLogger } from '../../../backend/observability/logger';
import {
  createRecoveryServices,
  type RecoveryServices,
} from '../../../backend/recovery/create-recovery-module';
import { RecoveryLinks, signedImageUrls } from '../../../backend/recovery/links/recovery-links';
import { EnvelopeSealer } from '../../../backend/secrets/envelope-sealer';
import { LocalKeyWrapper } from '../../../backend/secrets/local-key-wrapper';
import type { HttpMount, RunningHttpServer } from '../../../backend/server/http-server';
import type { BackupStore } from '../../../backend/store/backup-store';
import { openSqlite } from '../../../backend/store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../../../backend/store/sqlite/sqlite-backup-store';
import { createSqliteRecoveryStore } from '../../../backend/store/sqlite/sqlite-recovery-store';
import type { RecoveryStore } from '../../../backend/store/recovery-store';
import { connectedScopeGroups } from '../../../backend/backup/scope/scope-group-source';
import { ScopeService } from '../../../backend/backup/scope/scope-service';
import { SqliteConnectionStore } from '../../../backend/store/sqlite/sqlite-connection-store';
import { SqliteNotificationTargetStore } from '../../../backend/store/sqlite/sqlite-notification-target-store';
import { SqliteTenantAdminStore } from '../../../backend/store/sqlite/sqlite-tenant-admin-store';
import type { RunRecord } from '../../../backend/store/backup-records';
import type { SimulatorHandle } from '../../support/simulator';
import { eventually } from '../../support/eventually';

/** The audience the harness's tokens are for (the API's local mode). */
export const AUDIENCE = LOCAL_TAB_AUDIENCE;

/** A gate a test closes to hold every backup worker at a hook point, and opens to let them go. */
export class HookGate {
  private open = true;
  private waiters: (() => void)[] = [];
  constructor(readonly point: BackupHookPoint) {}
  close(): void {
    this.open = false;
  }
  release(): void {
    this.open = true;
    for (const wake of this.waiters.splice(0)) wake();
  }
  async at(point: BackupHookPoint): Promise<void> {
    if (point !== this.point || this.open) return;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** The JSON answer; for a route that answers bytes (an image, a download), a Buffer of them. */
  body: unknown;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed bodies). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Real services over one in-memory SQLite database, the real API mounted on a real server. */
export interface TabApiHarness {
  url: string;
  db: Database.Database;
  backupStore: BackupStore;
  connections: ConnectionService;
  backup: BackupService;
  admins: AdminService;
  notifications: NotificationService;
  /** Recovery over the same database and blob store, as the API is given it (absent: `withoutRecovery`). */
  recovery: RecoveryServices;
  recoveryStore: RecoveryStore;
  /** The key the API's recovery links are signed with (random per harness). */
  linkKey: Buffer;
  gate: HookGate;
  /** The API's routes as restify holds them: `METHOD /path/{param}`. */
  routes(): string[];
  call(method: string, path: string, options?: CallOptions): Promise<ApiAnswer>;
  close(): Promise<void>;
}

export async function startTabApi(
  sim: SimulatorHandle,
  options: {
    verifier?: TokenVerifier;
    demoSignIn?: DemoSignIn;
    limits?: Partial<TabApiLimits>;
    /** Where the gate holds backup workers (`item-done` unless told otherwise). */
    gateAt?: BackupHookPoint;
    /** How often a run writes its progress (200 ms unless told otherwise). */
    progressEveryMs?: number;
    /** Served beside the API on the same server (the tab's static files). */
    extraMounts?: HttpMount[];
    /** Mount the API without the recovery services (their routes then answer 503). */
    withoutRecovery?: boolean;
    /** Replaces some of the real recovery services the API is given (a fake export, say). */
    recoveryOverride?: Partial<RecoveryServices>;
    /** Replaces the directory the people search reads (one that fails, say); the real one otherwise. */
    directoryOverride?: TabDirectory;
  } = {},
): Promise<TabApiHarness> {
  const logger = silentLogger();
  const db = openSqlite(':memory:');
  const blobDir = mkdtempSync(join(tmpdir(), 'chatvault-api-'));
  const endpoints = { graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost };
  const connectionStore = new SqliteConnectionStore(db);
  const tester = new GraphConnectionTester(endpoints);
  const connections = new ConnectionService({
    store: connectionStore,
    sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
    tester,
    clock: systemClock,
    logger,
  });
  const backupStore = createSqliteBackupStore(db);
  const blobs = new FsBlobStore({ dir: blobDir });
  const gate = new HookGate(options.gateAt ?? 'item-done');
  const backup = new BackupService({
    store: backupStore,
    blobs,
    graphFor: graphSources({ endpoints, connection: connections, logger }),
    clock: systemClock,
    settings: resolveBackupSettings({
      concurrency: 4,
      leaseTtlMs: 3_000,
      claimTtlMs: 6_000,
      idlePollMs: 50,
      progressEveryMs: options.progressEveryMs ?? 200,
    }),
    logger,
    hooks: gate,
  });
  const audit = new AuditLog({ store: connectionStore, clock: systemClock });
  const directory = new TenantUserDirectory({
    store: backupStore,
    live: connectedUserLookups({ endpoints, connection: connections, clock: systemClock, logger }),
    logger,
  });
  const admins = new AdminService({
    store: new SqliteTenantAdminStore(db),
    directory,
    audit,
    clock: systemClock,
    logger,
  });
  const scope = new ScopeService({
    store: backupStore,
    directory,
    audit: connectionStore,
    clock: systemClock,
    groups: connectedScopeGroups({ endpoints, connection: connections, tester, logger }),
  });
  const notifications = new NotificationService({
    store: new SqliteNotificationTargetStore(db),
    admins,
    audit,
    clock: systemClock,
    logger,
  });
  const linkKey = randomBytes(32);
  const recoveryLinks = new RecoveryLinks(linkKey);
  const recoveryStore = createSqliteRecoveryStore(db);
  const recovery: RecoveryServices = {
    ...createRecoveryServices(
      {
        backup: backupStore,
        recovery: recoveryStore,
        blobs,
        auditStore: connectionStore,
        clock: systemClock,
        logger,
      },
      { imageUrl: signedImageUrls(recoveryLinks) },
    ),
    ...options.recoveryOverride,
  };
  const deps: TabApiDeps = {
    logger,
    verifier:
      options.verifier ?? new SsoTokenVerifier({ authorityHost: sim.authorityHost, audiences: [AUDIENCE] }),
    authorityHost: sim.authorityHost,
    connections,
    backup: backupControl(backup, { pollMs: 50 }),
    backupReads: backupStore,
    admins,
    notifications,
    audit,
    scope,
    directory: options.directoryOverride ?? directory,
    ...(options.withoutRecovery ? {} : { recovery, recoveryLinks }),
    ...(options.demoSignIn ? { demoSignIn: options.demoSignIn } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    userTable: { cacheMs: 0 },
  };
  // restify patches Node's http prototypes when loaded: only once a test actually starts a server.
  const { createHttpServer, listen } =
    require('../../../backend/server/http-server') as typeof import('../../../backend/server/http-server');
  let http: RunningHttpServer;
  try {
    http = await listen(
      createHttpServer({ logger, mounts: [createTabApiMount(deps), ...(options.extraMounts ?? [])] }),
      '127.0.0.1',
      0,
    );
  } catch (error) {
    db.close();
    rmSync(blobDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: http.url,
    db,
    backupStore,
    connections,
    backup,
    admins,
    notifications,
    recovery,
    recoveryStore,
    linkKey,
    gate,
    routes: () =>
      (Object.values(http.server.router.getRoutes()) as unknown as { method: string; path: string }[])
        .filter((r) => r.path.startsWith('/api/'))
        .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
        .sort(),
    call: (method, path, callOptions) => call(http.url, method, path, callOptions),
    async close() {
      gate.release();
      await backup.close();
      await http.close();
      db.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/**
 * One request; every answer is checked against the API's own schemas (the route's success schema,
 * or the error schema), field for field: an answer with a field the schema lacks fails the test.
 */
async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const spec = routeOf(method, path);
  if (response.status < 300 && spec && isStreamSuccess(spec.success)) {
    return {
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    };
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (response.status < 300 && spec && !isStreamSuccess(spec.success)) {
    conforms(spec.success.schema, parsed, `${method} ${path}`);
  }
  if (response.status >= 400) conforms(errorSchema, parsed, `${method} ${path} (${response.status})`);
  return { status: response.status, headers: response.headers, body: parsed };
}

function conforms(schema: z.ZodType, body: unknown, what: string): void {
  const result = schema.safeParse(body);
  assert.ok(result.success, `${what}: the answer does not match its schema: ${result.error?.message}`);
  assert.deepEqual(result.data, body, `${what}: the answer has fields its schema lacks`);
}

function routeOf(method: string, path: string): RouteSpec | undefined {
  const bare = path.split('?')[0]!;
  return (Object.values(API_ROUTES) as RouteSpec[]).find(
    (spec) =>
      spec.method === method &&
      new RegExp(`^${spec.path.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(bare),
  );
}

/** The control API of the simulator: JSON in, JSON out, or the test fails. */
export async function simControl(
  sim: SimulatorHandle,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${sim.authorityHost}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  assert.ok(response.ok, `simulator ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}

export interface SimPerson {
  id: string;
  upn: string;
  displayName: string;
  tenantId: string;
}

/** Adds a person to a simulated tenant (a member with a Teams license). */
export async function addPerson(
  sim: SimulatorHandle,
  tenantId: string,
  displayName: string,
  upnLocal: string,
): Promise<SimPerson> {
  const domain = sim.tenants.find((t) => t.id === tenantId)!.domain;
  const user = (await simControl(sim, 'POST', `/tenants/${tenantId}/users`, {
    displayName,
    userPrincipalName: `${upnLocal}@${domain}`,
  })) as { id: string; userPrincipalName: string };
  return { id: user.id, upn: user.userPrincipalName, displayName, tenantId };
}

/**
 * Test & Save Connection with the tenant's working demo app, as `token`'s person (the first
 * connect of a tenant makes them its first admin).
 */
export async function connectDemoApp(
  api: TabApiHarness,
  sim: SimulatorHandle,
  tenantId: string,
  token: string,
): Promise<{ becameAdmin: boolean }> {
  const ok = sim.demoApp('ok', tenantId);
  const answer = await api.call('POST', '/api/v1/connection', {
    token,
    body: { appId: ok.appId, secret: ok.secret },
  });
  const report = answer.body as { ok: boolean; becameAdmin: boolean };
  assert.equal(report.ok, true, JSON.stringify(answer.body));
  return report;
}

/** Backs the token's tenant up through the API and waits for the run to finish well (or partial). */
export async function backUpNow(
  api: TabApiHarness,
  token: string,
  mode: 'auto' | 'full' = 'full',
): Promise<RunRecord> {
  const started = await api.call('POST', '/api/v1/backup/runs', { token, body: { mode } });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  const { runId } = started.body as { runId: string };
  const run = await eventually(
    `backup run ${runId}`,
    async () => (await api.call('GET', `/api/v1/backup/runs/${runId}`, { token })).body as RunRecord,
    (r) => r.status === 'finished',
  );
  assert.ok(['succeeded', 'partial'].includes(run.outcome ?? ''), JSON.stringify(run.errors));
  return run;
}

/** A Teams-like SSO token from the simulator's Entra (`foreign`: signed with a key it never publishes). */
export async function userToken(
  sim: SimulatorHandle,
  person: SimPerson,
  options: {
    audience?: string;
    expired?: boolean;
    signedBy?: 'simulator' | 'foreign';
    scopes?: string[];
  } = {},
): Promise<string> {
  const answer = (await simControl(sim, 'POST', `/tenants/${person.tenantId}/user-token`, {
    upn: person.upn,
    audience: options.audience ?? AUDIENCE,
    ...(options.expired ? { expired: true } : {}),
    ...(options.signedBy ? { signedBy: options.signedBy } : {}),
    ...(options.scopes ? { scopes: options.scopes } : {}),
  })) as { access_token: string };
  return answer.access_token;
}

export { eventually };
