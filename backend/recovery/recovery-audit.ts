import type { Clock } from '../connection/clock';
import type { Actor, AuditEvent } from '../store/connection-records';
import type { ConnectionStore } from '../store/connection-store';

export type RecoveryAuditAction = Extract<
  AuditEvent['action'],
  'browsed' | 'searched' | 'exported' | 'erased' | 'retention_changed'
>;

/**
 * Records who looked at, took or removed what of a tenant's backup, and when: one audit event per
 * call (a transcript page, a search, an export, an erasure), in the tenant's audit trail. Details
 * carry ids, filters and counts, never message text.
 */
export class RecoveryAudit {
  constructor(
    private readonly store: Pick<ConnectionStore, 'appendAudit'>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  async record(
    tenantId: string,
    actor: Actor,
    action: RecoveryAuditAction,
    subject: string | undefined,
    details: Record<string, string | number | boolean | undefined> = {},
  ): Promise<void> {
    const kept = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)) as Record<
      string,
      string | number | boolean
    >;
    await this.store.appendAudit({
      tenantId,
      at: this.clock.now().toISOString(),
      actor,
      action,
      ...(subject === undefined ? {} : { subject }),
      ...(Object.keys(kept).length === 0 ? {} : { details: kept }),
    });
  }
}
