import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKnobs, GraphRoute, ThrottleLimits } from './contracts';
import { registerControlRoutes } from './control/control-routes';
import type { DemoScenario } from './entra/demo-apps';
import { registerEntraControlRoutes } from './entra/entra-control-routes';
import { registerEntraRoutes } from './entra/entra-routes';
import { EntraService, type TokenCounters } from './entra/entra-service';
import { graphErrorBody } from './graph-error';
import { createGraphRoutes } from './graph/routes';
import { defaultSimulatorTenants, type SeedTenantOptions } from './seed/seed-options';
import { seedTenant } from './seed/seed-tenant';
import { GraphPipeline, GRAPH_VERSION_PATH } from './shell/graph-pipeline';
import { sendJson } from './shell/http-io';
import { RequestLog, type RequestLogEntry } from './shell/request-log';
import { createRouter, type SimulatorRouter } from './shell/router';
import { simulatorInfo, writeSimulatorInfo, type SimulatorTenant } from './shell/simulator-info';
import type { Clock } from './state/clock';
import { TenantState } from './state/tenant-state';
import { FaultInjector } from './throttle/fault-injector';
import { GraphThrottle, type ThrottleCounters } from './throttle/graph-throttle';
import { registerThrottleControlRoutes } from './throttle/throttle-control-routes';
import type { ThrottleLimitsChange } from './throttle/throttle-limits';
import { ensureSimulatorCertificate } from './tls';

export type { SimulatorTenant } from './shell/simulator-info';

export interface SimulatorOptions {
  /** Where the certificate lives (made on first use); clients trust its `simulator-ca.pem`. */
  tlsDir: string;
  /** Loopback unless told otherwise: the control API must never be reachable from elsewhere. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** SQLite file; in memory when absent. Tenants already in the file are served as they are. */
  dbFile?: string;
  /** Tenants to seed; `defaultSimulatorTenants()` when absent. */
  tenants?: SeedTenantOptions[];
  /** Seed of what the shell and Entra generate: demo app secrets and the injected-fault draws. */
  seed?: string | number;
  throttle?: ThrottleLimitsChange;
  faults?: Partial<FaultKnobs>;
  /** When given, `<dataDir>/simulator.json` describes the running simulator. */
  dataDir?: string;
  /** The tenant data's clock (messages' times, deleted-message retention); the system clock by default. */
  clock?: Clock;
  /** Routes served below /v1.0 beside Graph's: for tests and benchmarks of the shell itself. */
  extraGraphRoutes?: readonly GraphRoute[];
}

export interface SimulatorCounters {
  graph: ThrottleCounters & { total: number; byStatus: Record<number, number> };
  tokens: TokenCounters;
}

export interface SimulatorHandle {
  /** `https://127.0.0.1:<port>/v1.0` */
  graphBaseUrl: string;
  /** `https://127.0.0.1:<port>` */
  authorityHost: string;
  port: number;
  caFile: string;
  tenants: SimulatorTenant[];
  state: TenantState;
  entra: EntraService;
  /** The file written when `dataDir` was given. */
  infoFile?: string;
  /** A seeded demo app of a tenant (the first tenant by default). */
  demoApp(
    scenario: DemoScenario,
    tenantIdOrDomain?: string,
  ): { tenantId: string; appId: string; secret: string };
  setThrottle(change: ThrottleLimitsChange): ThrottleLimits;
  setFaults(change: Partial<FaultKnobs>): FaultKnobs;
  counters(): SimulatorCounters;
  /** The most recent Graph requests, oldest first. */
  requestLog(): RequestLogEntry[];
  resetCounters(): void;
  /** Stops serving, drops every open connection, releases the port and closes the database. */
  close(): Promise<void>;
}

const DEFAULT_SEED = 'chatvault';

/**
 * Starts the tenant simulator: one HTTPS port serving Entra (`/{tenant}/…`), Graph (`/v1.0/…`)
 * and the control API (`/_sim/…`), over a tenant database seeded on first use.
 */
export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const certificate = ensureSimulatorCertificate(options.tlsDir);
  const seed = String(options.seed ?? DEFAULT_SEED);
  const state = new TenantState({ file: options.dbFile, clock: options.clock });
  let server: Server | undefined;
  try {
    const tenantOptions = options.tenants ?? defaultSimulatorTenants();
    for (const tenant of tenantOptions) {
      // A database file keeps its tenants between runs: seeding a big tenant once is enough.
      if (!state.findTenant(tenant.domain) && !(tenant.tenantId && state.findTenant(tenant.tenantId)))
        seedTenant(state, tenant);
    }
    let authorityHost = '';
    const entra = await EntraService.create({
      db: state.db,
      state,
      seed,
      authorityHost: () => authorityHost,
    });
    const tenants: SimulatorTenant[] = tenantOptions.map((seeded) => {
      const tenant = state.findTenant(seeded.domain)!;
      return { ...tenant, apps: entra.seedDemoApps(tenant.id) };
    });

    const throttle = new GraphThrottle(options.throttle);
    const faults = new FaultInjector(options.faults, `${seed}:faults`);
    const log = new RequestLog();
    const graph = new GraphPipeline({
      routes: [...createGraphRoutes(state.db, { clock: state.clock }), ...(options.extraGraphRoutes ?? [])],
      bearer: entra.bearer,
      throttle,
      faults,
      log,
      canonicalBaseUrl: () => `${authorityHost}${GRAPH_VERSION_PATH}`,
    });
    const counters = (): SimulatorCounters => {
      const byClass = throttle.counters;
      const totals = log.totals;
      return {
        graph: { ...byClass, total: totals.requests, byStatus: totals.byStatus },
        tokens: entra.counters,
      };
    };
    const resetCounters = (): void => {
      throttle.resetCounters();
      log.clear();
      entra.resetCounters();
    };

    const router = createRouter();
    registerEntraRoutes(router, entra);
    registerEntraControlRoutes(router, entra);
    registerControlRoutes(router, { state });
    registerThrottleControlRoutes(router, {
      limits: () => throttle.limits,
      setThrottle: (change) => throttle.setLimits(change),
      faults: () => faults.current,
      setFaults: (change) => faults.set(change),
      counters,
      resetCounters,
    });

    server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
      void route(router, graph, req, res);
    });
    const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
    authorityHost = `https://${urlHost(options.host ?? '127.0.0.1')}:${port}`;
    const graphBaseUrl = `${authorityHost}${GRAPH_VERSION_PATH}`;
    const infoFile = options.dataDir
      ? writeSimulatorInfo(
          options.dataDir,
          simulatorInfo({ graphBaseUrl, authorityHost, caFile: certificate.certFile }, tenants),
        )
      : undefined;

    const running = server;
    let closing: Promise<void> | undefined;
    return {
      graphBaseUrl,
      authorityHost,
      port,
      caFile: certificate.certFile,
      tenants,
      state,
      entra,
      infoFile,
      demoApp(scenario, tenantIdOrDomain) {
        const tenant = tenantIdOrDomain ? state.findTenant(tenantIdOrDomain) : tenants[0];
        const app = tenants.find((t) => t.id === tenant?.id)?.apps.find((a) => a.scenario === scenario);
        if (!tenant || !app)
          throw new Error(`no demo app ${scenario} in tenant ${tenantIdOrDomain ?? tenants[0]?.domain}`);
        return { tenantId: tenant.id, appId: app.appId, secret: app.secret };
      },
      setThrottle: (change) => throttle.setLimits(change),
      setFaults: (change) => faults.set(change),
      counters,
      requestLog: () => log.recent(),
      resetCounters,
      close() {
        closing ??= stop(running).finally(() => state.close());
        return closing;
      },
    };
  } catch (error) {
    if (server?.listening) await stop(server);
    state.close();
    throw error;
  }
}

/** Sends every request to Graph or to the router; whatever a handler throws becomes a 500, never a crash. */
async function route(
  router: SimulatorRouter,
  graph: GraphPipeline,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '/';
  try {
    if (
      url === GRAPH_VERSION_PATH ||
      url.startsWith(`${GRAPH_VERSION_PATH}/`) ||
      url.startsWith(`${GRAPH_VERSION_PATH}?`)
    ) {
      await graph.serve(req, res);
      return;
    }
    if (url.startsWith('/_sim/') && !isLoopback(req.socket.remoteAddress)) {
      sendJson(res, 403, {
        error: { code: 'forbidden', message: 'the control API answers loopback clients only' },
      });
      return;
    }
    const found = router.find(req.method as Parameters<SimulatorRouter['find']>[0], url);
    if (!found) {
      sendJson(res, 404, {
        error: { code: 'notFound', message: `nothing is served at ${req.method} ${url.split('?')[0]}` },
      });
      return;
    }
    await found.handler(req, res, found.params, found.store, found.searchParams);
  } catch (error) {
    process.stderr.write(
      `simulator: ${req.method} ${url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    if (res.headersSent) res.destroy();
    else
      sendJson(
        res,
        500,
        graphErrorBody('InternalServerError', 'The simulator failed to process the request.'),
      );
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the listener and every connection, idle keep-alive ones included, so the port is free at once. */
function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

function isLoopback(address: string | undefined): boolean {
  return (
    address === '127.0.0.1' ||
    address === '::1' ||
    address === '::ffff:127.0.0.1' ||
    (address?.startsWith('127.') ?? false)
  );
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
