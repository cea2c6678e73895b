import type { Container } from '@azure/cosmos';
import type { Clock } from '../../connection/clock';
import type { Lease, WorkItemClaim, WorkItemCounts, WorkItemState } from '../backup-records';
import { BackupStoreError } from '../backup-store-error';
import type { LeaseStore, WorkItemStore } from '../backup-store';
import { positiveTtl } from '../paging';
import {
  createDoc,
  deleteDoc,
  docId,
  forEachLimited,
  queryAll,
  queryCount,
  readDoc,
  replaceDoc,
  type Doc,
} from './cosmos-documents';

type LeaseDoc = Doc & Omit<Lease, 'token'> & { type: 'lease' };

interface WorkItemDoc extends Doc {
  type: 'work';
  tenantId: string;
  runId: string;
  key: string;
  state: WorkItemState;
  holderId: string | null;
  expiresAt: string | null;
  attempts: number;
}

const leaseDocId = (name: string) => docId('lease', name);
const workDocId = (runId: string, key: string) => docId('work', runId, key);

/** Candidates read per claim attempt; holders start at random places among them so that they rarely collide. */
const CLAIM_CANDIDATES = 20;
const CLAIM_ROUNDS = 10;

/**
 * Leases and work items as documents of the tenant's partition, changed only by replaces that carry
 * the ETag the writer read (`IfMatch`): of two processes racing, the service lets one win and
 * answers 412 to the other. A lease's or claim's token is that ETag.
 */
export class CosmosLeaseStore implements LeaseStore, WorkItemStore {
  constructor(
    private readonly container: Container,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async acquireLease(
    tenantId: string,
    name: string,
    holderId: string,
    ttlMs: number,
  ): Promise<Lease | undefined> {
    positiveTtl(ttlMs);
    const now = this.clock.now();
    const nowIso = now.toISOString();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const current = await readDoc<LeaseDoc>(this.container, leaseDocId(name), tenantId);
    const live = current !== undefined && current.expiresAt > nowIso;
    if (live && current.holderId !== holderId) return undefined;
    const lease: Omit<Lease, 'token'> = {
      tenantId,
      name,
      holderId,
      acquiredAt: live ? current.acquiredAt : nowIso,
      expiresAt,
    };
    const doc: LeaseDoc = { id: leaseDocId(name), type: 'lease', ...lease };
    const etag = current
      ? await replaceDoc(this.container, doc, tenantId, current._etag!)
      : await createDoc(this.container, doc);
    return etag === undefined ? undefined : { ...lease, token: etag };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    positiveTtl(ttlMs);
    const expiresAt = new Date(this.clock.now().getTime() + ttlMs).toISOString();
    const etag = await this.replaceLease(lease, expiresAt);
    return etag === undefined ? undefined : { ...lease, expiresAt, token: etag };
  }

  async releaseLease(lease: Lease): Promise<boolean> {
    // Expired rather than deleted, like the SQLite adapter: a lease document lives on.
    return (await this.replaceLease(lease, this.clock.now().toISOString())) !== undefined;
  }

  async getLease(tenantId: string, name: string): Promise<Lease | undefined> {
    const doc = await readDoc<LeaseDoc>(this.container, leaseDocId(name), tenantId);
    if (!doc || doc.expiresAt <= this.clock.now().toISOString()) return undefined;
    const { holderId, acquiredAt, expiresAt } = doc;
    return { tenantId, name, holderId, acquiredAt, expiresAt, token: doc._etag! };
  }

  async addWorkItems(tenantId: string, runId: string, keys: string[]): Promise<number> {
    const created = await forEachLimited([...new Set(keys)], 16, (key) =>
      createDoc(this.container, {
        id: workDocId(runId, key),
        type: 'work',
        tenantId,
        runId,
        key,
        state: 'pending',
        holderId: null,
        expiresAt: null,
        attempts: 0,
      } satisfies WorkItemDoc),
    );
    return created.filter((etag) => etag !== undefined).length;
  }

  async claimWorkItem(
    tenantId: string,
    runId: string,
    holderId: string,
    ttlMs: number,
  ): Promise<WorkItemClaim | undefined> {
    positiveTtl(ttlMs);
    for (let round = 0; round < CLAIM_ROUNDS; round++) {
      const now = this.clock.now();
      const candidates = await queryAll<WorkItemDoc>(
        this.container,
        {
          query: `SELECT TOP ${CLAIM_CANDIDATES} * FROM c WHERE c.tenantId = @t AND c.type = 'work' AND c.runId = @r
                  AND (c.state = 'pending' OR (c.state = 'claimed' AND c.expiresAt <= @now))`,
          parameters: [
            { name: '@t', value: tenantId },
            { name: '@r', value: runId },
            { name: '@now', value: now.toISOString() },
          ],
        },
        tenantId,
      );
      if (candidates.length === 0) return undefined;
      const start = Math.floor(Math.random() * candidates.length);
      for (let i = 0; i < candidates.length; i++) {
        const candidate = candidates[(start + i) % candidates.length]!;
        const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
        const attempts = candidate.attempts + 1;
        const etag = await this.replaceItem(
          { tenantId, runId, key: candidate.key },
          { state: 'claimed', holderId, expiresAt, attempts },
          candidate._etag!,
        );
        if (etag !== undefined)
          return { tenantId, runId, key: candidate.key, holderId, expiresAt, attempts, token: etag };
      }
    }
    throw new BackupStoreError(
      'contention',
      `Work items of run ${runId} kept being claimed by others; try again.`,
    );
  }

  async renewWorkItem(claim: WorkItemClaim, ttlMs: number): Promise<WorkItemClaim | undefined> {
    positiveTtl(ttlMs);
    const expiresAt = new Date(this.clock.now().getTime() + ttlMs).toISOString();
    const etag = await this.replaceItem(
      claim,
      { state: 'claimed', holderId: claim.holderId, expiresAt, attempts: claim.attempts },
      claim.token,
    );
    return etag === undefined ? undefined : { ...claim, expiresAt, token: etag };
  }

  async completeWorkItem(claim: WorkItemClaim, outcome: 'done' | 'failed'): Promise<boolean> {
    const fields = { state: outcome, holderId: null, expiresAt: null, attempts: claim.attempts };
    return (await this.replaceItem(claim, fields, claim.token)) !== undefined;
  }

  async releaseWorkItem(claim: WorkItemClaim): Promise<boolean> {
    const fields = { state: 'pending' as const, holderId: null, expiresAt: null, attempts: claim.attempts };
    return (await this.replaceItem(claim, fields, claim.token)) !== undefined;
  }

  async countWorkItems(tenantId: string, runId: string): Promise<WorkItemCounts> {
    const states: WorkItemState[] = ['pending', 'claimed', 'done', 'failed'];
    const counts = await Promise.all(
      states.map((state) =>
        queryCount(
          this.container,
          {
            query:
              "SELECT VALUE COUNT(1) FROM c WHERE c.tenantId = @t AND c.type = 'work' AND c.runId = @r AND c.state = @s",
            parameters: [
              { name: '@t', value: tenantId },
              { name: '@r', value: runId },
              { name: '@s', value: state },
            ],
          },
          tenantId,
        ),
      ),
    );
    return { pending: counts[0]!, claimed: counts[1]!, done: counts[2]!, failed: counts[3]! };
  }

  async removeWorkItems(tenantId: string, runId: string): Promise<number> {
    const ids = await queryAll<string>(
      this.container,
      {
        query: "SELECT VALUE c.id FROM c WHERE c.tenantId = @t AND c.type = 'work' AND c.runId = @r",
        parameters: [
          { name: '@t', value: tenantId },
          { name: '@r', value: runId },
        ],
      },
      tenantId,
    );
    const deleted = await forEachLimited(ids, 16, (id) => deleteDoc(this.container, id, tenantId));
    return deleted.filter(Boolean).length;
  }

  private replaceLease(lease: Lease, expiresAt: string): Promise<string | undefined> {
    const { tenantId, name, holderId, acquiredAt } = lease;
    const doc: LeaseDoc = {
      id: leaseDocId(name),
      type: 'lease',
      tenantId,
      name,
      holderId,
      acquiredAt,
      expiresAt,
    };
    return replaceDoc(this.container, doc, tenantId, lease.token);
  }

  private replaceItem(
    item: { tenantId: string; runId: string; key: string },
    fields: Pick<WorkItemDoc, 'state' | 'holderId' | 'expiresAt' | 'attempts'>,
    etag: string,
  ): Promise<string | undefined> {
    const { tenantId, runId, key } = item;
    const doc: WorkItemDoc = { id: workDocId(runId, key), type: 'work', tenantId, runId, key, ...fields };
    return replaceDoc(this.container, doc, tenantId, etag);
  }
}
