import type {
  AuditEvent,
  ConnectionAttempt,
  ConnectionCheckUpdate,
  ConnectionRecord,
} from './connection-records';

/**
 * Persistence of tenants' app connections, their last Test & Save attempt and the audit trail.
 *
 * Every method but `listConnectedTenantIds` takes a tenantId and touches only that tenant. The
 * port maps onto one Cosmos DB container partitioned by `/tenantId` (adapter still to be written),
 * with one document per record:
 *   connection      id "connection"                 (one per tenant; `revision` doubles as the ETag check)
 *   last attempt    id "connection-attempt"         (one per tenant, replaced on every attempt)
 *   audit event     id "audit:<epoch-ms 13 digits>:<random>" (append-only; newest first by id)
 * so each call is a point read/upsert within one partition, except `listConnectedTenantIds`, a
 * cross-partition query on `type = "connection"` run only by the periodic re-check.
 */
export interface ConnectionStore {
  getConnection(tenantId: string): Promise<ConnectionRecord | undefined>;
  /** Creates or replaces the tenant's connection; the store assigns `revision` (previous + 1). */
  putConnection(record: Omit<ConnectionRecord, 'revision'>): Promise<ConnectionRecord>;
  /**
   * Records a check of the saved credentials, only if the connection is still at `revision`.
   * Resolves false (and changes nothing) when it was replaced or removed meanwhile.
   */
  updateConnectionCheck(tenantId: string, revision: number, update: ConnectionCheckUpdate): Promise<boolean>;
  /** Resolves false when there was nothing to remove. */
  deleteConnection(tenantId: string): Promise<boolean>;

  putLastAttempt(attempt: ConnectionAttempt): Promise<void>;
  getLastAttempt(tenantId: string): Promise<ConnectionAttempt | undefined>;

  /** Appends an audit event; the store assigns its id. */
  appendAudit(event: Omit<AuditEvent, 'id'>): Promise<AuditEvent>;
  /** Newest first. */
  listAudit(tenantId: string, options?: { limit?: number }): Promise<AuditEvent[]>;

  /** The tenants that have a saved connection: the periodic re-check's work list. */
  listConnectedTenantIds(): Promise<string[]>;
}
