import type { Actor } from '../../store/connection-records';
import type { RetentionKeep, RetentionPolicy } from '../../store/recovery-records';
import type { RecoveryAudit } from '../recovery-audit';
import { auditOf, type RecoveryDeps } from '../recovery-deps';
import { invalidInput } from '../recovery-error';
import { sweepBlobs } from './blob-sweep';
import { withBackupsPaused } from './quiet-tenant';
import { removeMessages } from './remove-messages';

export interface RetentionView {
  keep: RetentionKeep;
  /** Absent while the tenant keeps the default (forever, never changed). */
  updatedAt?: string;
  updatedBy?: Actor;
}

export interface RetentionRun {
  keep: RetentionKeep;
  /** Messages created before this were removed; absent when everything is kept. */
  cutoff?: string;
  messages: number;
  versions: number;
  blobsDeleted: number;
}

export const MAX_RETENTION_YEARS = 100;

/**
 * How long a tenant's backed-up messages are kept: forever (the default) or a whole number of years
 * after a message was created. `apply` removes what the policy no longer keeps: whole messages,
 * every version with them, and the blobs no remaining message uses. Changing the policy removes
 * nothing by itself; the next `apply` (the lead's scheduler runs it daily, or the tab right after a
 * change) does. Both are audited: `retention_changed` and `erased` (reason `retention`).
 */
export class RetentionService {
  private readonly audit: RecoveryAudit;

  constructor(private readonly deps: RecoveryDeps) {
    this.audit = auditOf(deps);
  }

  async getPolicy(tenantId: string): Promise<RetentionView> {
    const policy = await this.deps.recovery.getRetentionPolicy(tenantId);
    return policy
      ? { keep: policy.keep, updatedAt: policy.updatedAt, updatedBy: policy.updatedBy }
      : { keep: { kind: 'forever' } };
  }

  async setPolicy(actor: Actor, tenantId: string, keep: RetentionKeep): Promise<RetentionPolicy> {
    const checked = checkKeep(keep);
    const before = await this.getPolicy(tenantId);
    const policy: RetentionPolicy = {
      tenantId,
      keep: checked,
      updatedAt: this.deps.clock.now().toISOString(),
      updatedBy: actor,
    };
    await this.deps.recovery.putRetentionPolicy(policy);
    await this.audit.record(tenantId, actor, 'retention_changed', undefined, {
      from: keepText(before.keep),
      to: keepText(checked),
    });
    return policy;
  }

  /** Removes what the policy no longer keeps; with backups paused (`backup_running` while one runs). */
  async apply(tenantId: string, actor: Actor = { kind: 'system', name: 'retention' }): Promise<RetentionRun> {
    const { keep } = await this.getPolicy(tenantId);
    if (keep.kind === 'forever') return { keep, messages: 0, versions: 0, blobsDeleted: 0 };
    const cutoff = yearsBefore(this.deps.clock.now(), keep.years).toISOString();
    const { recovery, backup } = this.deps;
    const run = await withBackupsPaused(backup, tenantId, async (held) => {
      await recovery.updateSearchIndex(tenantId);
      const removed = await removeMessages(
        recovery,
        tenantId,
        (limit) => recovery.findMessagesCreatedBefore(tenantId, cutoff, limit),
        held,
      );
      const swept = await sweepBlobs(this.deps, tenantId);
      return { keep, cutoff, ...removed, blobsDeleted: swept.deleted };
    });
    await this.audit.record(tenantId, actor, 'erased', 'retention', {
      reason: 'retention',
      cutoff,
      messages: run.messages,
      versions: run.versions,
      blobsDeleted: run.blobsDeleted,
    });
    return run;
  }
}

function checkKeep(keep: RetentionKeep): RetentionKeep {
  if (keep?.kind === 'forever') return { kind: 'forever' };
  if (keep?.kind === 'years') {
    if (Number.isInteger(keep.years) && keep.years >= 1 && keep.years <= MAX_RETENTION_YEARS) {
      return { kind: 'years', years: keep.years };
    }
    throw invalidInput(
      'years',
      `Keep messages for a whole number of years from 1 to ${MAX_RETENTION_YEARS}.`,
    );
  }
  throw invalidInput('keep', 'Keep messages forever, or for a number of years.');
}

function keepText(keep: RetentionKeep): string {
  return keep.kind === 'forever' ? 'forever' : `${keep.years} years`;
}

/** The same calendar moment `years` earlier (29 February falls back to 28 February). */
export function yearsBefore(now: Date, years: number): Date {
  const result = new Date(now.getTime());
  result.setUTCFullYear(result.getUTCFullYear() - years);
  if (result.getUTCMonth() !== now.getUTCMonth()) result.setUTCDate(0);
  return result;
}
