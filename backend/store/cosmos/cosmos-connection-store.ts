import { randomBytes } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type {
  AuditEvent,
  ConnectionAttempt,
  ConnectionCheckUpdate,
  ConnectionRecord,
} from '../connection-records';
import type { ConnectionStore } from '../connection-store';
import {
  createDoc,
  deleteDoc,
  queryAll,
  readDoc,
  updateDoc,
  withoutFields,
  type Doc,
} from './cosmos-documents';

type ConnectionDoc = Doc & ConnectionRecord & { type: 'connection' };
type AttemptDoc = Doc & ConnectionAttempt & { type: 'connection-attempt' };
type AuditDoc = Doc & AuditEvent & { type: 'audit' };

const CONNECTION_ID = 'connection';
const ATTEMPT_ID = 'connection-attempt';

/**
 * Connections, last attempts and audit events as documents of the tenant's partition in the
 * `tenant` container (layout in connection-store.ts and docs/storage.md). Replacing a connection
 * goes through its ETag, so `revision` grows by exactly one per save even when saves race.
 */
export class CosmosConnectionStore implements ConnectionStore {
  constructor(private readonly container: Container) {}

  async getConnection(tenantId: string): Promise<ConnectionRecord | undefined> {
    const doc = await readDoc<ConnectionDoc>(this.container, CONNECTION_ID, tenantId);
    return doc && withoutFields<ConnectionRecord>(doc, 'id', 'type');
  }

  async putConnection(record: Omit<ConnectionRecord, 'revision'>): Promise<ConnectionRecord> {
    let saved: ConnectionRecord | undefined;
    await updateDoc<ConnectionDoc>(this.container, CONNECTION_ID, record.tenantId, (current) => {
      saved = { ...record, revision: (current?.revision ?? 0) + 1 };
      return { id: CONNECTION_ID, type: 'connection', ...saved };
    });
    return saved!;
  }

  async updateConnectionCheck(
    tenantId: string,
    revision: number,
    update: ConnectionCheckUpdate,
  ): Promise<boolean> {
    const { written } = await updateDoc<ConnectionDoc>(this.container, CONNECTION_ID, tenantId, (current) => {
      if (!current || current.revision !== revision) return undefined;
      const next: ConnectionDoc = {
        ...withoutFields<ConnectionRecord>(current, 'id', 'type'),
        id: CONNECTION_ID,
        type: 'connection',
        lastTest: update.lastTest,
        status: update.status,
        permissions: update.permissions ?? current.permissions,
      };
      if (update.failing) next.failing = update.failing;
      else delete next.failing;
      return next;
    });
    return written;
  }

  async deleteConnection(tenantId: string): Promise<boolean> {
    return deleteDoc(this.container, CONNECTION_ID, tenantId);
  }

  async putLastAttempt(attempt: ConnectionAttempt): Promise<void> {
    await this.container.items.upsert<AttemptDoc>({ id: ATTEMPT_ID, type: 'connection-attempt', ...attempt });
  }

  async getLastAttempt(tenantId: string): Promise<ConnectionAttempt | undefined> {
    const doc = await readDoc<AttemptDoc>(this.container, ATTEMPT_ID, tenantId);
    return doc && withoutFields<ConnectionAttempt>(doc, 'id', 'type');
  }

  async appendAudit(event: Omit<AuditEvent, 'id'>): Promise<AuditEvent> {
    const stored: AuditEvent = { ...event, id: auditEventId(event.at) };
    await createDoc(this.container, { ...stored, type: 'audit' } satisfies AuditDoc);
    return stored;
  }

  async listAudit(tenantId: string, options: { limit?: number } = {}): Promise<AuditEvent[]> {
    // An integer the code checked, written into the query: TOP takes no parameter everywhere.
    const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 100)));
    const docs = await queryAll<AuditDoc>(
      this.container,
      {
        query: `SELECT TOP ${limit} * FROM c WHERE c.tenantId = @t AND c.type = 'audit' ORDER BY c.id DESC`,
        parameters: [{ name: '@t', value: tenantId }],
      },
      tenantId,
    );
    return docs.map((doc) => withoutFields<AuditEvent>(doc, 'type'));
  }

  async listConnectedTenantIds(): Promise<string[]> {
    // The one cross-partition query of the store, run by the periodic re-check only.
    return queryAll<string>(this.container, {
      query: "SELECT VALUE c.tenantId FROM c WHERE c.type = 'connection'",
    });
  }
}

let auditSequence = 0;

/**
 * `audit:<epoch ms, 13 digits>:<sequence>:<random>`, the id format of the port: sorts by time,
 * then by order of appending within this process; the random tail keeps ids unique across processes.
 */
function auditEventId(at: string): string {
  auditSequence = (auditSequence + 1) % 1_000_000;
  const ms = String(Date.parse(at)).padStart(13, '0');
  return `audit:${ms}:${String(auditSequence).padStart(6, '0')}:${randomBytes(4).toString('hex')}`;
}
