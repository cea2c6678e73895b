import type { Container } from '@azure/cosmos';
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
import { pageLimit } from '../paging';
import { applyRunFinish, applyRunProgress, newRun } from '../run-progress';
import {
  createDoc,
  docId,
  queryAll,
  queryPage,
  readDoc,
  updateDoc,
  withoutFields,
  type Doc,
} from './cosmos-documents';

type RunDoc = Doc & RunRecord & { type: 'run' };

const runDocId = (runId: string) => docId('run', runId);

/** Runs in the tenant's partition; every change is a read and an ETag-checked replace, so concurrent workers never lose an update. */
export class CosmosRunStore implements RunStore {
  constructor(
    private readonly container: Container,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async createRun(
    tenantId: string,
    init: { trigger: RunTrigger; runId?: string; phase?: string },
  ): Promise<RunRecord> {
    const run = newRun(tenantId, init, this.clock.now());
    if ((await createDoc(this.container, { id: runDocId(run.runId), type: 'run', ...run })) !== undefined)
      return run;
    // Creating a run under an id that exists (a retried create) returns the run as stored.
    return (await this.getRun(tenantId, run.runId))!;
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
    const { doc } = await updateDoc<RunDoc>(this.container, runDocId(runId), tenantId, (current) =>
      !current || current.status === 'finished' || current.cancelRequestedAt
        ? undefined
        : { ...current, cancelRequestedAt: this.clock.now().toISOString() },
    );
    return doc !== undefined && doc.status === 'running';
  }

  async isRunCancelRequested(tenantId: string, runId: string): Promise<boolean> {
    return (await this.getRun(tenantId, runId))?.cancelRequestedAt !== undefined;
  }

  async getRun(tenantId: string, runId: string): Promise<RunRecord | undefined> {
    const doc = await readDoc<RunDoc>(this.container, runDocId(runId), tenantId);
    return doc && toRun(doc);
  }

  async listRuns(tenantId: string, options: PageOptions = {}): Promise<Page<RunRecord>> {
    const page = await queryPage<RunDoc>(
      this.container,
      {
        query:
          "SELECT * FROM c WHERE c.tenantId = @t AND c.type = 'run' ORDER BY c.startedAt DESC, c.runId DESC",
        parameters: [{ name: '@t', value: tenantId }],
      },
      { partitionKey: tenantId, limit: pageLimit(options.limit), cursor: options.cursor },
    );
    return { ...page, items: page.items.map(toRun) };
  }

  async getLatestFinishedRun(tenantId: string): Promise<RunRecord | undefined> {
    const [doc] = await queryAll<RunDoc>(
      this.container,
      {
        query:
          "SELECT TOP 1 * FROM c WHERE c.tenantId = @t AND c.type = 'run' AND c.status = 'finished' ORDER BY c.finishedAt DESC",
        parameters: [{ name: '@t', value: tenantId }],
      },
      tenantId,
    );
    return doc && toRun(doc);
  }

  private async change(
    tenantId: string,
    runId: string,
    apply: (run: RunRecord) => RunRecord,
  ): Promise<RunRecord> {
    let missing = false;
    const { doc } = await updateDoc<RunDoc>(this.container, runDocId(runId), tenantId, (current) => {
      missing = !current;
      if (!current) return undefined;
      const run = toRun(current);
      const next = apply(run);
      return next === run ? undefined : { id: current.id, type: 'run', ...next };
    });
    if (missing || !doc) throw new BackupStoreError('not_found', `No run ${runId} in the tenant.`);
    return toRun(doc);
  }
}

function toRun(doc: RunDoc): RunRecord {
  return withoutFields<RunRecord>(doc, 'id', 'type');
}
