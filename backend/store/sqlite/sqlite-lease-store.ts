import type Database from 'better-sqlite3';
import type { Clock } from '../../connection/clock';
import type { Lease, WorkItemClaim, WorkItemCounts, WorkItemState } from '../backup-records';
import type { LeaseStore, WorkItemStore } from '../backup-store';
import { positiveTtl } from '../paging';

interface LeaseRow {
  holder_id: string;
  acquired_at: string;
  expires_at: string;
  revision: number;
}

interface WorkItemRow {
  key: string;
  attempts: number;
  revision: number;
}

/**
 * Leases and work items in SQLite. Every change is a compare-and-swap on `revision` (an UPDATE
 * that names the revision it read), the same protocol the Cosmos DB adapter runs on ETags, so
 * processes sharing the database file contend exactly as they would on Cosmos DB.
 */
export class SqliteLeaseStore implements LeaseStore, WorkItemStore {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.statements = {
      getLease: db.prepare(
        'SELECT holder_id, acquired_at, expires_at, revision FROM leases WHERE tenant_id = ? AND name = ?',
      ),
      createLease:
        db.prepare(`INSERT INTO leases (tenant_id, name, holder_id, acquired_at, expires_at, revision)
          VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING`),
      swapLease:
        db.prepare(`UPDATE leases SET holder_id = ?, acquired_at = ?, expires_at = ?, revision = revision + 1
          WHERE tenant_id = ? AND name = ? AND revision = ?`),
      renewLease: db.prepare(`UPDATE leases SET expires_at = ?, revision = revision + 1
          WHERE tenant_id = ? AND name = ? AND holder_id = ? AND revision = ?`),
      // Released leases stay as expired rows, so revisions only ever grow and a token is never reused.
      releaseLease: db.prepare(`UPDATE leases SET expires_at = ?, revision = revision + 1
          WHERE tenant_id = ? AND name = ? AND holder_id = ? AND revision = ?`),

      addItem: db.prepare(`INSERT INTO work_items (tenant_id, run_id, key, state, attempts, revision)
          VALUES (?, ?, ?, 'pending', 0, 1) ON CONFLICT DO NOTHING`),
      nextPending: db.prepare(`SELECT key, attempts, revision FROM work_items
          WHERE tenant_id = ? AND run_id = ? AND state = 'pending' ORDER BY expires_at, key LIMIT 1`),
      nextExpired: db.prepare(`SELECT key, attempts, revision FROM work_items
          WHERE tenant_id = ? AND run_id = ? AND state = 'claimed' AND expires_at <= ? ORDER BY expires_at, key LIMIT 1`),
      claimItem: db.prepare(`UPDATE work_items
          SET state = 'claimed', holder_id = ?, expires_at = ?, attempts = attempts + 1, revision = revision + 1
          WHERE tenant_id = ? AND run_id = ? AND key = ? AND revision = ?`),
      renewItem: db.prepare(`UPDATE work_items SET expires_at = ?, revision = revision + 1
          WHERE tenant_id = ? AND run_id = ? AND key = ? AND holder_id = ? AND state = 'claimed' AND revision = ?`),
      settleItem:
        db.prepare(`UPDATE work_items SET state = ?, holder_id = NULL, expires_at = NULL, revision = revision + 1
          WHERE tenant_id = ? AND run_id = ? AND key = ? AND holder_id = ? AND state = 'claimed' AND revision = ?`),
      countItems: db.prepare(
        'SELECT state, COUNT(*) AS n FROM work_items WHERE tenant_id = ? AND run_id = ? GROUP BY state',
      ),
      removeItems: db.prepare('DELETE FROM work_items WHERE tenant_id = ? AND run_id = ?'),
    };
  }

  async acquireLease(
    tenantId: string,
    name: string,
    holderId: string,
    ttlMs: number,
  ): Promise<Lease | undefined> {
    positiveTtl(ttlMs);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const row = this.statements.getLease.get(tenantId, name) as LeaseRow | undefined;
    if (!row) {
      const created = this.statements.createLease.run(tenantId, name, holderId, now.toISOString(), expiresAt);
      // Another process created it between our read and our insert: it holds the lease now.
      if (created.changes === 0) return undefined;
      return { tenantId, name, holderId, acquiredAt: now.toISOString(), expiresAt, token: '1' };
    }
    const mine = row.holder_id === holderId;
    if (!mine && row.expires_at > now.toISOString()) return undefined;
    const acquiredAt = mine && row.expires_at > now.toISOString() ? row.acquired_at : now.toISOString();
    const swapped = this.statements.swapLease.run(
      holderId,
      acquiredAt,
      expiresAt,
      tenantId,
      name,
      row.revision,
    );
    if (swapped.changes === 0) return undefined;
    return { tenantId, name, holderId, acquiredAt, expiresAt, token: String(row.revision + 1) };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    positiveTtl(ttlMs);
    const expiresAt = new Date(this.clock.now().getTime() + ttlMs).toISOString();
    const revision = Number(lease.token);
    const renewed = this.statements.renewLease.run(
      expiresAt,
      lease.tenantId,
      lease.name,
      lease.holderId,
      revision,
    );
    return renewed.changes === 1 ? { ...lease, expiresAt, token: String(revision + 1) } : undefined;
  }

  async releaseLease(lease: Lease): Promise<boolean> {
    const { tenantId, name, holderId, token } = lease;
    const now = this.clock.now().toISOString();
    return this.statements.releaseLease.run(now, tenantId, name, holderId, Number(token)).changes === 1;
  }

  async getLease(tenantId: string, name: string): Promise<Lease | undefined> {
    const row = this.statements.getLease.get(tenantId, name) as LeaseRow | undefined;
    if (!row || row.expires_at <= this.clock.now().toISOString()) return undefined;
    return {
      tenantId,
      name,
      holderId: row.holder_id,
      acquiredAt: row.acquired_at,
      expiresAt: row.expires_at,
      token: String(row.revision),
    };
  }

  async addWorkItems(tenantId: string, runId: string, keys: string[]): Promise<number> {
    return this.db.transaction(() => {
      let added = 0;
      for (const key of keys) added += this.statements.addItem.run(tenantId, runId, key).changes;
      return added;
    })();
  }

  async claimWorkItem(
    tenantId: string,
    runId: string,
    holderId: string,
    ttlMs: number,
  ): Promise<WorkItemClaim | undefined> {
    positiveTtl(ttlMs);
    for (;;) {
      const now = this.clock.now();
      const candidate = (this.statements.nextPending.get(tenantId, runId) ??
        this.statements.nextExpired.get(tenantId, runId, now.toISOString())) as WorkItemRow | undefined;
      if (!candidate) return undefined;
      const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
      const claimed = this.statements.claimItem.run(
        holderId,
        expiresAt,
        tenantId,
        runId,
        candidate.key,
        candidate.revision,
      );
      // Lost the race for this item to another process: look again.
      if (claimed.changes === 0) continue;
      return {
        tenantId,
        runId,
        key: candidate.key,
        holderId,
        expiresAt,
        attempts: candidate.attempts + 1,
        token: String(candidate.revision + 1),
      };
    }
  }

  async renewWorkItem(claim: WorkItemClaim, ttlMs: number): Promise<WorkItemClaim | undefined> {
    positiveTtl(ttlMs);
    const expiresAt = new Date(this.clock.now().getTime() + ttlMs).toISOString();
    const revision = Number(claim.token);
    const { tenantId, runId, key, holderId } = claim;
    const renewed = this.statements.renewItem.run(expiresAt, tenantId, runId, key, holderId, revision);
    return renewed.changes === 1 ? { ...claim, expiresAt, token: String(revision + 1) } : undefined;
  }

  async completeWorkItem(claim: WorkItemClaim, outcome: 'done' | 'failed'): Promise<boolean> {
    return this.settle(claim, outcome);
  }

  async releaseWorkItem(claim: WorkItemClaim): Promise<boolean> {
    return this.settle(claim, 'pending');
  }

  async countWorkItems(tenantId: string, runId: string): Promise<WorkItemCounts> {
    const counts: WorkItemCounts = { pending: 0, claimed: 0, done: 0, failed: 0 };
    for (const row of this.statements.countItems.all(tenantId, runId) as {
      state: WorkItemState;
      n: number;
    }[]) {
      counts[row.state] = row.n;
    }
    return counts;
  }

  async removeWorkItems(tenantId: string, runId: string): Promise<number> {
    return this.statements.removeItems.run(tenantId, runId).changes;
  }

  private settle(claim: WorkItemClaim, state: WorkItemState): boolean {
    const { tenantId, runId, key, holderId, token } = claim;
    return this.statements.settleItem.run(state, tenantId, runId, key, holderId, Number(token)).changes === 1;
  }
}
