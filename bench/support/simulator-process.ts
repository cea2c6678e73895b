/**
 * The tenant simulator in a process of its own, for benchmarks: the backup under measurement then
 * has the other core to itself, and each side's CPU time is measured apart. Driven over IPC:
 *
 *   { kind: 'cpu' }                 → process.cpuUsage() since start
 *   { kind: 'counters' } / 'reset'  → the simulator's request counters
 *   { kind: 'change', share }       → edits that share of the tenant's regular messages
 *   { kind: 'profile-start' }       → starts a V8 CPU profile of this process
 *   { kind: 'profile-stop', file }  → stops it and writes it to `file` (.cpuprofile)
 *   { kind: 'close' }
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { startSimulator } from '../../simulator/server';

export interface SimulatorProcessPlan {
  tlsDir: string;
  dbFile: string;
  tenant: { seed: string; domain: string; messages: number; chats: number; users: number; spanDays: number };
}

export interface SimulatorProcessReady {
  graphBaseUrl: string;
  authorityHost: string;
  caFile: string;
  tenantId: string;
  app: { appId: string; secret: string };
  seedMs: number;
}

type Request =
  | { id: number; kind: 'cpu' | 'counters' | 'reset' | 'close' | 'profile-start' }
  | { id: number; kind: 'change'; share: number }
  | { id: number; kind: 'profile-stop'; file: string };

async function main(plan: SimulatorProcessPlan): Promise<void> {
  const started = Date.now();
  const sim = await startSimulator({
    tlsDir: plan.tlsDir,
    dbFile: plan.dbFile,
    tenants: [{ ...plan.tenant, displayName: plan.tenant.domain }],
    seed: 'bench',
  });
  const tenantId = sim.tenants[0]!.id;
  const app = sim.demoApp('ok', tenantId);
  const ready: SimulatorProcessReady = {
    graphBaseUrl: sim.graphBaseUrl,
    authorityHost: sim.authorityHost,
    caFile: sim.caFile,
    tenantId,
    app: { appId: app.appId, secret: app.secret },
    seedMs: Date.now() - started,
  };
  process.send!({ ready });
  process.on('message', (request: Request) => {
    void (async () => {
      switch (request.kind) {
        case 'cpu':
          return process.cpuUsage();
        case 'counters':
          return sim.counters();
        case 'reset':
          sim.resetCounters();
          return true;
        case 'change':
          return change(sim.state, tenantId, request.share);
        case 'profile-start':
          return profiler.start();
        case 'profile-stop':
          return profiler.stop(request.file);
        case 'close':
          await sim.close();
          setImmediate(() => process.exit(0));
          return true;
        default: {
          const unreachable: never = request;
          throw new Error(`unknown request ${JSON.stringify(unreachable)}`);
        }
      }
    })().then(
      (answer) => process.send!({ id: request.id, answer }),
      (error: unknown) => process.send!({ id: request.id, error: String(error) }),
    );
  });
}

/** A CPU profile of this very process, started and stopped around one measured backup. */
const profiler = {
  session: undefined as Session | undefined,
  post(method: string): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.session!.post(method, (error, result) => (error ? reject(error) : resolve(result))),
    );
  },
  async start(): Promise<boolean> {
    this.session = new Session();
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.start');
    return true;
  },
  async stop(file: string): Promise<boolean> {
    if (!this.session) return false;
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    this.session.disconnect();
    this.session = undefined;
    return true;
  },
};

/** Edits every n-th regular message still readable, as people editing their messages would. */
function change(
  state: import('../../simulator/state/tenant-state').TenantState,
  tenantId: string,
  share: number,
): number {
  const rows = state.db
    .prepare(
      `SELECT chat_id, id FROM messages WHERE tenant_id = ? AND deleted = 0 AND message_type = 'message'
       AND from_user_id IS NOT NULL ORDER BY seq`,
    )
    .all(tenantId) as { chat_id: string; id: string }[];
  const every = Math.max(1, Math.round(1 / share));
  let changed = 0;
  const total = (
    state.db.prepare('SELECT COUNT(*) AS n FROM messages WHERE tenant_id = ?').get(tenantId) as { n: number }
  ).n;
  const wanted = Math.round(total * share);
  for (let i = 0; i < rows.length && changed < wanted; i += every) {
    const row = rows[i]!;
    try {
      state.editMessage(tenantId, row.chat_id, row.id, {
        body: { contentType: 'html', content: `<p>edited for the benchmark ${i}</p>` },
      });
      changed++;
    } catch {
      // A message of a sender who can no longer post: leave it.
    }
  }
  return changed;
}

process.once('message', (plan: SimulatorProcessPlan) => {
  main(plan).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
