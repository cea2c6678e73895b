import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type {
  Actor,
  AuditEvent,
  ConnectionAttempt,
  ConnectionCheckUpdate,
  ConnectionRecord,
  FailingSince,
} from '../connection-records';
import type { ConnectionStore } from '../connection-store';
import { migrate } from './migrate';

const MIGRATIONS = [
  `CREATE TABLE connections (
     tenant_id       TEXT PRIMARY KEY,
     app_id          TEXT NOT NULL,
     sealed_secret   TEXT NOT NULL,
     secret_hint     TEXT NOT NULL,
     saved_at        TEXT NOT NULL,
     saved_by        TEXT NOT NULL,          -- JSON Actor
     expires_at      TEXT NOT NULL,
     permissions     TEXT NOT NULL,          -- JSON string[]
     last_test       TEXT NOT NULL,          -- JSON CheckResult
     status          TEXT NOT NULL,
     failing         TEXT,                   -- JSON FailingSince, NULL while checks pass
     revision        INTEGER NOT NULL
   );
   CREATE TABLE connection_attempts (
     tenant_id       TEXT PRIMARY KEY,
     doc             TEXT NOT NULL           -- JSON ConnectionAttempt
   );
   CREATE TABLE audit_events (
     tenant_id       TEXT NOT NULL,
     id              TEXT NOT NULL,
     doc             TEXT NOT NULL,          -- JSON AuditEvent
     PRIMARY KEY (tenant_id, id)
   );`,
];

interface ConnectionRow {
  tenant_id: string;
  app_id: string;
  sealed_secret: string;
  secret_hint: string;
  saved_at: string;
  saved_by: string;
  expires_at: string;
  permissions: string;
  last_test: string;
  status: string;
  failing: string | null;
  revision: number;
}

/** The embedded default's connection store (better-sqlite3; synchronous calls behind the async port). */
export class SqliteConnectionStore implements ConnectionStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    migrate(db, 'connection', MIGRATIONS);
    this.statements = {
      get: db.prepare('SELECT * FROM connections WHERE tenant_id = ?'),
      revision: db.prepare('SELECT revision FROM connections WHERE tenant_id = ?').pluck(),
      upsert: db.prepare(`INSERT INTO connections
          (tenant_id, app_id, sealed_secret, secret_hint, saved_at, saved_by, expires_at, permissions, last_test, status, failing, revision)
        VALUES (@tenant_id, @app_id, @sealed_secret, @secret_hint, @saved_at, @saved_by, @expires_at, @permissions, @last_test, @status, @failing, @revision)
        ON CONFLICT (tenant_id) DO UPDATE SET
          app_id = excluded.app_id, sealed_secret = excluded.sealed_secret, secret_hint = excluded.secret_hint,
          saved_at = excluded.saved_at, saved_by = excluded.saved_by, expires_at = excluded.expires_at,
          permissions = excluded.permissions, last_test = excluded.last_test, status = excluded.status,
          failing = excluded.failing, revision = excluded.revision`),
      updateCheck: db.prepare(`UPDATE connections
          SET last_test = @last_test, status = @status, failing = @failing,
              permissions = COALESCE(@permissions, permissions)
        WHERE tenant_id = @tenant_id AND revision = @revision`),
      delete: db.prepare('DELETE FROM connections WHERE tenant_id = ?'),
      putAttempt: db.prepare(
        'INSERT INTO connection_attempts (tenant_id, doc) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET doc = excluded.doc',
      ),
      getAttempt: db.prepare('SELECT doc FROM connection_attempts WHERE tenant_id = ?').pluck(),
      appendAudit: db.prepare('INSERT INTO audit_events (tenant_id, id, doc) VALUES (?, ?, ?)'),
      listAudit: db
        .prepare('SELECT doc FROM audit_events WHERE tenant_id = ? ORDER BY id DESC LIMIT ?')
        .pluck(),
      tenants: db.prepare('SELECT tenant_id FROM connections ORDER BY tenant_id').pluck(),
    };
  }

  async getConnection(tenantId: string): Promise<ConnectionRecord | undefined> {
    const row = this.statements.get.get(tenantId) as ConnectionRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  async putConnection(record: Omit<ConnectionRecord, 'revision'>): Promise<ConnectionRecord> {
    return this.db.transaction(() => {
      const previous = this.statements.revision.get(record.tenantId) as number | undefined;
      const saved: ConnectionRecord = { ...record, revision: (previous ?? 0) + 1 };
      this.statements.upsert.run(toRow(saved));
      return saved;
    })();
  }

  async updateConnectionCheck(
    tenantId: string,
    revision: number,
    update: ConnectionCheckUpdate,
  ): Promise<boolean> {
    const result = this.statements.updateCheck.run({
      tenant_id: tenantId,
      revision,
      last_test: JSON.stringify(update.lastTest),
      status: update.status,
      failing: update.failing ? JSON.stringify(update.failing) : null,
      permissions: update.permissions ? JSON.stringify(update.permissions) : null,
    });
    return result.changes === 1;
  }

  async deleteConnection(tenantId: string): Promise<boolean> {
    return this.statements.delete.run(tenantId).changes === 1;
  }

  async putLastAttempt(attempt: ConnectionAttempt): Promise<void> {
    this.statements.putAttempt.run(attempt.tenantId, JSON.stringify(attempt));
  }

  async getLastAttempt(tenantId: string): Promise<ConnectionAttempt | undefined> {
    const doc = this.statements.getAttempt.get(tenantId) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as ConnectionAttempt);
  }

  async appendAudit(event: Omit<AuditEvent, 'id'>): Promise<AuditEvent> {
    const stored: AuditEvent = { ...event, id: auditId(event.at) };
    this.statements.appendAudit.run(stored.tenantId, stored.id, JSON.stringify(stored));
    return stored;
  }

  async listAudit(tenantId: string, options: { limit?: number } = {}): Promise<AuditEvent[]> {
    const docs = this.statements.listAudit.all(tenantId, options.limit ?? 100) as string[];
    return docs.map((doc) => JSON.parse(doc) as AuditEvent);
  }

  async listConnectedTenantIds(): Promise<string[]> {
    return this.statements.tenants.all() as string[];
  }
}

let auditSequence = 0;

/** Sorts by time, then by order of appending within this process; the random tail keeps ids unique across processes. */
function auditId(at: string): string {
  auditSequence = (auditSequence + 1) % 1_000_000;
  const ms = String(Date.parse(at)).padStart(13, '0');
  return `audit:${ms}:${String(auditSequence).padStart(6, '0')}:${randomBytes(4).toString('hex')}`;
}

function toRow(record: ConnectionRecord): ConnectionRow {
  return {
    tenant_id: record.tenantId,
    app_id: record.appId,
    sealed_secret: record.sealedSecret,
    secret_hint: record.secretHint,
    saved_at: record.savedAt,
    saved_by: JSON.stringify(record.savedBy),
    expires_at: record.expiresAt,
    permissions: JSON.stringify(record.permissions),
    last_test: JSON.stringify(record.lastTest),
    status: record.status,
    failing: record.failing ? JSON.stringify(record.failing) : null,
    revision: record.revision,
  };
}

function fromRow(row: ConnectionRow): ConnectionRecord {
  const record: ConnectionRecord = {
    tenantId: row.tenant_id,
    appId: row.app_id,
    sealedSecret: row.sealed_secret,
    secretHint: row.secret_hint,
    savedAt: row.saved_at,
    savedBy: JSON.parse(row.saved_by) as Actor,
    expiresAt: row.expires_at,
    permissions: JSON.parse(row.permissions) as string[],
    lastTest: JSON.parse(row.last_test) as ConnectionRecord['lastTest'],
    status: row.status as ConnectionRecord['status'],
    revision: row.revision,
  };
  if (row.failing !== null) record.failing = JSON.parse(row.failing) as FailingSince;
  return record;
}
