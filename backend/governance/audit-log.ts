import type { Clock } from '../connection/clock';
import type { Actor, AuditAction, AuditEvent } from '../store/connection-records';
import type { ConnectionStore } from '../store/connection-store';
import { GovernanceError } from './governance-error';
import { checkTenantId } from './governance-input';

export interface AuditRecordOptions {
  /** What the action was about (the admin added, the target unsubscribed, the run started). */
  subject?: string;
  /** Facts an audit reader needs; never a secret, never message content. */
  details?: Record<string, string | number | boolean>;
}

export const DEFAULT_AUDIT_LIMIT = 50;
export const MAX_AUDIT_LIMIT = 1000;

/**
 * The tenant's audit trail, over the connection store's append-only events: every admin action of
 * every capability (connection, admins, backups, notifications, recovery) lands in one trail,
 * newest first, so "who did what" has one answer.
 */
export class AuditLog {
  constructor(
    private readonly deps: {
      store: Pick<ConnectionStore, 'appendAudit' | 'listAudit'>;
      clock: Pick<Clock, 'now'>;
    },
  ) {}

  async record(
    tenantId: string,
    actor: Actor,
    action: AuditAction,
    options: AuditRecordOptions = {},
  ): Promise<AuditEvent> {
    const event: Omit<AuditEvent, 'id'> = {
      tenantId: checkTenantId(tenantId),
      at: this.deps.clock.now().toISOString(),
      actor,
      action,
    };
    if (options.subject !== undefined) event.subject = options.subject;
    if (options.details && Object.keys(options.details).length > 0) event.details = { ...options.details };
    return this.deps.store.appendAudit(event);
  }

  /** Newest first; `limit` 1 to 1000 (50 when absent). */
  async list(tenantId: string, options: { limit?: number } = {}): Promise<AuditEvent[]> {
    const limit = options.limit ?? DEFAULT_AUDIT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
      throw new GovernanceError(
        'invalid_input',
        `limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}.`,
        'limit',
      );
    }
    return this.deps.store.listAudit(checkTenantId(tenantId), { limit });
  }
}
