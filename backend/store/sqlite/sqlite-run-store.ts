import type Database from 'better-sqlite3';
import type { Clock } from '../../connection/clock';
import type {
  Page,
  PageOptions,
  RunErrorInput,
  RunOutcome,
  RunProgressUpdate,
  RunRecord,
  RunTrigger,
} from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import type { RunStore } from '../backup-store';
import { decodeKeyCursor, encodeKeyCursor, pageLimit } from '../paging';
import { applyRunFinish, applyRunProgress, newRun } from '../run-progress';

export class SqliteRunStore implements RunStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.statements = {
      insert: db.prepare(
        'INSERT INTO runs (tenant_id, run_id, started_at, finished_at, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      update: db.prepare('UPDATE runs SET finished_at = ?, doc = ? WHERE tenant_id = ? AND run_id = ?'),
      get: db.prepare('SELECT doc FROM runs WHERE tenant_id = ? AND run_id = ?').pluck(),
      list: db
        .prepare(
          `SELECT started_at, run_id, doc FROM runs WHERE tenant_id = ? AND (started_at, run_id) < (?, ?)
           ORDER BY started_at DESC, run_id DESC LIMIT ?`,
        )
        .raw(),
      latestFinished: db
        .prepare(
          'SELECT doc FROM runs WHERE tenant_id = ? AND finished_at IS NOT NULL ORDER BY finished_at DESC, run_id DESC LIMIT 1',
        )
        .pluck(),
    };
  }

  async createRun(
    tenantId: string,
    init: { trigger: RunTrigger; runId?: string; phase?: string },
  ): Promise<RunRecord> {
    const run = newRun(tenantId, init, this.clock.now());
    const inserted = this.statements.insert.run(
      tenantId,
      run.runId,
      run.startedAt,
      null,
      JSON.stringify(run),
    );
    // Creating a run under an id that exists (a retried create) returns the run as stored.
    return inserted.changes === 1 ? run : this.read(tenantId, run.runId)!;
  }

  async updateRunProgress(tenantId: string, runId: string, update: RunProgressUpdate): Promise<RunRecord> {
    return this.change(tenantId, runId, (run) => applyRunProgress(run, update, this.clock.now()));
  }

  async finishRun(
    tenantId: string,
    runId: string,
    finish: { outcome: RunOutcome; errors?: RunErrorInput[] },
  ): Promise<RunRecord> {
    return this.change(tenantId, runId, (run) => applyRunFinish(run, finish, this.clock.now()));
  }

  async requestRunCancel(tenantId: string, runId: string): Promise<boolean> {
    const run = this.read(tenantId, runId);
    if (!run || run.status === 'finished') return false;
    const after = this.change(tenantId, runId, (r) =>
      r.status === 'finished' || r.cancelRequestedAt
        ? r
        : { ...r, cancelRequestedAt: this.clock.now().toISOString() },
    );
    return after.status === 'running';
  }

  async isRunCancelRequested(tenantId: string, runId: string): Promise<boolean> {
    return this.read(tenantId, runId)?.cancelRequestedAt !== undefined;
  }

  async getRun(tenantId: string, runId: string): Promise<RunRecord | undefined> {
    return this.read(tenantId, runId);
  }

  async listRuns(tenantId: string, options: PageOptions = {}): Promise<Page<RunRecord>> {
    const limit = pageLimit(options.limit);
    // '~' sorts after every ISO time and run id, so the first page starts at the newest run.
    const [startedAt, runId] = options.cursor ? decodeKeyCursor(options.cursor, 2) : ['~', '~'];
    const rows = this.statements.list.all(tenantId, startedAt, runId, limit) as [string, string, string][];
    const items = rows.map(([, , doc]) => JSON.parse(doc) as RunRecord);
    const last = rows[rows.length - 1];
    return rows.length === limit && last ? { items, next: encodeKeyCursor([last[0], last[1]]) } : { items };
  }

  async getLatestFinishedRun(tenantId: string): Promise<RunRecord | undefined> {
    const doc = this.statements.latestFinished.get(tenantId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as RunRecord);
  }

  private read(tenantId: string, runId: string): RunRecord | undefined {
    const doc = this.statements.get.get(tenantId, runId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as RunRecord);
  }

  /** Read, change, write in one immediate transaction: workers in other processes wait their turn. */
  private change(tenantId: string, runId: string, apply: (run: RunRecord) => RunRecord): RunRecord {
    return this.db
      .transaction(() => {
        const run = this.read(tenantId, runId);
        if (!run) throw new BackupStoreError('not_found', `No run ${runId} in the tenant.`);
        const next = apply(run);
        if (next !== run)
          this.statements.update.run(next.finishedAt ?? null, JSON.stringify(next), tenantId, runId);
        return next;
      })
      .immediate();
  }
}
