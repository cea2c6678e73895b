import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { SimulatorDb } from '../state/schema';
import { randomClientSecret, secretHint } from './client-secret';

/**
 * App registrations of the simulated tenants: what an admin sets up in Entra before ChatVault can
 * connect. One row per application and tenant (single-tenant apps), with the application
 * permissions configured on the registration, the ones admin consent granted to its service
 * principal, and its client secrets. Stored in the tenant database beside the tenant's data.
 */
export const APP_REGISTRY_SQL = `
CREATE TABLE IF NOT EXISTS sim_apps (
  tenant_id             TEXT NOT NULL,
  app_id                TEXT NOT NULL COLLATE NOCASE,
  display_name          TEXT NOT NULL,
  required_roles        TEXT NOT NULL,   -- JSON array: application permissions configured on the registration
  granted_roles         TEXT,            -- JSON array granted by admin consent; NULL while not consented
  enabled               INTEGER NOT NULL,
  service_principal_id  TEXT,            -- NULL: the app has no service principal in the tenant
  scenario              TEXT,            -- the demo scenario a seeded app stands for
  created_ms            INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, app_id)
);

CREATE TABLE IF NOT EXISTS sim_app_secrets (
  tenant_id     TEXT NOT NULL,
  app_id        TEXT NOT NULL COLLATE NOCASE,
  secret_id     TEXT NOT NULL,           -- the "Secret ID" GUID the portal lists beside the value
  display_name  TEXT NOT NULL,
  value         TEXT NOT NULL,
  start_ms      INTEGER NOT NULL,
  end_ms        INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, app_id, secret_id)
);
`;

export interface SecretInfo {
  secretId: string;
  displayName: string;
  /** The first three characters of the value, all the portal shows after creation. */
  hint: string;
  startDateTime: string;
  endDateTime: string;
  expired: boolean;
}

/** A secret as created: the only time its value is handed out, as in the portal. */
export interface NewSecret extends SecretInfo {
  value: string;
}

export interface AppRecord {
  tenantId: string;
  appId: string;
  displayName: string;
  requiredRoles: string[];
  /** Roles admin consent granted; null while consent is missing (tokens then carry no `roles`). */
  grantedRoles: string[] | null;
  enabled: boolean;
  servicePrincipalId: string | null;
  scenario: string | null;
  createdDateTime: string;
  secrets: SecretInfo[];
}

export interface NewApp {
  displayName: string;
  appId?: string;
  /** Application permissions configured on the registration. */
  requiredRoles?: readonly string[];
  /** Grant admin consent for `requiredRoles` right away (default true). */
  consented?: boolean;
  /** Create the service principal (default true, as the portal does for its own tenant). */
  servicePrincipal?: boolean;
  enabled?: boolean;
  scenario?: string;
}

export interface NewSecretOptions {
  displayName?: string;
  /** Default: two years after `startMs`, like the portal's longest recommended lifetime. */
  endMs?: number;
  startMs?: number;
  /** Given for seeded apps so that they are reproducible; random otherwise. */
  secretId?: string;
  value?: string;
}

export type AppRegistryErrorReason = 'appNotFound' | 'secretNotFound' | 'conflict' | 'invalid';

export class AppRegistryError extends Error {
  constructor(
    readonly reason: AppRegistryErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'AppRegistryError';
  }
}

interface AppRow {
  tenant_id: string;
  app_id: string;
  display_name: string;
  required_roles: string;
  granted_roles: string | null;
  enabled: number;
  service_principal_id: string | null;
  scenario: string | null;
  created_ms: number;
}

/** A stored secret with its value: only the token endpoint reads these. */
export interface SecretRow {
  secret_id: string;
  display_name: string;
  value: string;
  start_ms: number;
  end_ms: number;
}

const TWO_YEARS_MS = 730 * 86_400_000;

export class AppRegistry {
  private readonly stmt: Record<
    | 'insertApp'
    | 'app'
    | 'apps'
    | 'secrets'
    | 'insertSecret'
    | 'deleteSecret'
    | 'deleteSecrets'
    | 'setSecretEnd'
    | 'setGranted'
    | 'setRequired'
    | 'setEnabled'
    | 'setServicePrincipal',
    Statement
  >;

  constructor(
    db: SimulatorDb,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(APP_REGISTRY_SQL);
    this.stmt = {
      insertApp: db.prepare(
        `INSERT INTO sim_apps (tenant_id, app_id, display_name, required_roles, granted_roles, enabled, service_principal_id, scenario, created_ms)
         VALUES (@tenant_id, @app_id, @display_name, @required_roles, @granted_roles, @enabled, @service_principal_id, @scenario, @created_ms)`,
      ),
      app: db.prepare('SELECT * FROM sim_apps WHERE tenant_id = ? AND app_id = ?'),
      apps: db.prepare('SELECT * FROM sim_apps WHERE tenant_id = ? ORDER BY created_ms, app_id'),
      secrets: db.prepare(
        'SELECT secret_id, display_name, value, start_ms, end_ms FROM sim_app_secrets WHERE tenant_id = ? AND app_id = ? ORDER BY start_ms, secret_id',
      ),
      insertSecret: db.prepare(
        `INSERT INTO sim_app_secrets (tenant_id, app_id, secret_id, display_name, value, start_ms, end_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteSecret: db.prepare(
        'DELETE FROM sim_app_secrets WHERE tenant_id = ? AND app_id = ? AND secret_id = ?',
      ),
      deleteSecrets: db.prepare('DELETE FROM sim_app_secrets WHERE tenant_id = ? AND app_id = ?'),
      setSecretEnd: db.prepare(
        'UPDATE sim_app_secrets SET end_ms = ? WHERE tenant_id = ? AND app_id = ? AND secret_id = ?',
      ),
      setGranted: db.prepare('UPDATE sim_apps SET granted_roles = ? WHERE tenant_id = ? AND app_id = ?'),
      setRequired: db.prepare('UPDATE sim_apps SET required_roles = ? WHERE tenant_id = ? AND app_id = ?'),
      setEnabled: db.prepare('UPDATE sim_apps SET enabled = ? WHERE tenant_id = ? AND app_id = ?'),
      setServicePrincipal: db.prepare(
        'UPDATE sim_apps SET service_principal_id = ?, granted_roles = NULL WHERE tenant_id = ? AND app_id = ?',
      ),
    };
  }

  createApp(tenantId: string, app: NewApp): AppRecord {
    const appId = (app.appId ?? randomUUID()).toLowerCase();
    if (this.stmt.app.get(tenantId, appId)) {
      throw new AppRegistryError('conflict', `an application ${appId} already exists in tenant ${tenantId}`);
    }
    const required = uniqueRoles(app.requiredRoles ?? []);
    const withPrincipal = app.servicePrincipal ?? true;
    this.stmt.insertApp.run({
      tenant_id: tenantId,
      app_id: appId,
      display_name: app.displayName,
      required_roles: JSON.stringify(required),
      granted_roles: withPrincipal && (app.consented ?? true) ? JSON.stringify(required) : null,
      enabled: app.enabled === false ? 0 : 1,
      service_principal_id: withPrincipal ? randomUUID() : null,
      scenario: app.scenario ?? null,
      created_ms: this.now(),
    });
    return this.requireApp(tenantId, appId);
  }

  findApp(tenantId: string, appId: string): AppRecord | undefined {
    const row = this.stmt.app.get(tenantId, appId) as AppRow | undefined;
    return row && this.toRecord(row);
  }

  requireApp(tenantId: string, appId: string): AppRecord {
    const app = this.findApp(tenantId, appId);
    if (!app) throw new AppRegistryError('appNotFound', `no application ${appId} in tenant ${tenantId}`);
    return app;
  }

  listApps(tenantId: string): AppRecord[] {
    return (this.stmt.apps.all(tenantId) as AppRow[]).map((row) => this.toRecord(row));
  }

  /** Secrets with their values, for the token endpoint's check. */
  secretValues(tenantId: string, appId: string): SecretRow[] {
    return this.stmt.secrets.all(tenantId, appId) as SecretRow[];
  }

  addSecret(tenantId: string, appId: string, options: NewSecretOptions = {}): NewSecret {
    this.requireApp(tenantId, appId);
    const startMs = options.startMs ?? this.now();
    const endMs = options.endMs ?? startMs + TWO_YEARS_MS;
    if (!(endMs > startMs)) throw new AppRegistryError('invalid', 'a secret must end after it starts');
    const secretId = (options.secretId ?? randomUUID()).toLowerCase();
    const value = options.value ?? randomClientSecret();
    const displayName = options.displayName ?? 'ChatVault';
    this.stmt.insertSecret.run(tenantId, appId, secretId, displayName, value, startMs, endMs);
    return {
      ...this.secretInfo({
        secret_id: secretId,
        display_name: displayName,
        value,
        start_ms: startMs,
        end_ms: endMs,
      }),
      value,
    };
  }

  /** Adds a new secret and deletes every older one, as an admin rotating credentials does. */
  rotateSecret(tenantId: string, appId: string, options: NewSecretOptions = {}): NewSecret {
    this.requireApp(tenantId, appId);
    this.stmt.deleteSecrets.run(tenantId, appId);
    return this.addSecret(tenantId, appId, options);
  }

  /** Moves the secret's end date into the past: it stays listed, and the token endpoint answers 7000222. */
  expireSecret(tenantId: string, appId: string, secretId: string): SecretInfo {
    const secret = this.requireSecret(tenantId, appId, secretId);
    const endMs = Math.min(secret.end_ms, this.now() - 1);
    this.stmt.setSecretEnd.run(Math.max(endMs, secret.start_ms - 1), tenantId, appId, secret.secret_id);
    return this.secretInfo(this.requireSecret(tenantId, appId, secretId));
  }

  removeSecret(tenantId: string, appId: string, secretId: string): void {
    const secret = this.requireSecret(tenantId, appId, secretId);
    this.stmt.deleteSecret.run(tenantId, appId, secret.secret_id);
  }

  /**
   * Admin consent: grants `roles` (the configured permissions when absent) to the service
   * principal; roles not yet configured are added to the registration too. Tokens issued before
   * keep the roles they were issued with.
   */
  grantConsent(tenantId: string, appId: string, roles?: readonly string[]): AppRecord {
    const app = this.requireApp(tenantId, appId);
    if (!app.servicePrincipalId) {
      throw new AppRegistryError(
        'invalid',
        `application ${appId} has no service principal to grant consent to`,
      );
    }
    const granted = uniqueRoles(roles ?? app.requiredRoles);
    this.stmt.setRequired.run(
      JSON.stringify(uniqueRoles([...app.requiredRoles, ...granted])),
      tenantId,
      app.appId,
    );
    this.stmt.setGranted.run(JSON.stringify(granted), tenantId, app.appId);
    return this.requireApp(tenantId, appId);
  }

  revokeConsent(tenantId: string, appId: string): AppRecord {
    const app = this.requireApp(tenantId, appId);
    this.stmt.setGranted.run(null, tenantId, app.appId);
    return this.requireApp(tenantId, appId);
  }

  setEnabled(tenantId: string, appId: string, enabled: boolean): AppRecord {
    const app = this.requireApp(tenantId, appId);
    this.stmt.setEnabled.run(enabled ? 1 : 0, tenantId, app.appId);
    return this.requireApp(tenantId, appId);
  }

  /** Deleting the service principal also deletes what consent granted to it. */
  removeServicePrincipal(tenantId: string, appId: string): AppRecord {
    const app = this.requireApp(tenantId, appId);
    this.stmt.setServicePrincipal.run(null, tenantId, app.appId);
    return this.requireApp(tenantId, appId);
  }

  /** A new service principal starts without consent, as one created from the registration does. */
  createServicePrincipal(tenantId: string, appId: string): AppRecord {
    const app = this.requireApp(tenantId, appId);
    if (app.servicePrincipalId)
      throw new AppRegistryError('conflict', `application ${appId} already has a service principal`);
    this.stmt.setServicePrincipal.run(randomUUID(), tenantId, app.appId);
    return this.requireApp(tenantId, appId);
  }

  private requireSecret(tenantId: string, appId: string, secretId: string): SecretRow {
    const app = this.requireApp(tenantId, appId);
    const secret = this.secretValues(tenantId, app.appId).find((s) => s.secret_id === secretId.toLowerCase());
    if (!secret)
      throw new AppRegistryError('secretNotFound', `application ${appId} has no secret ${secretId}`);
    return secret;
  }

  private toRecord(row: AppRow): AppRecord {
    return {
      tenantId: row.tenant_id,
      appId: row.app_id,
      displayName: row.display_name,
      requiredRoles: JSON.parse(row.required_roles) as string[],
      grantedRoles: row.granted_roles === null ? null : (JSON.parse(row.granted_roles) as string[]),
      enabled: row.enabled === 1,
      servicePrincipalId: row.service_principal_id,
      scenario: row.scenario,
      createdDateTime: new Date(row.created_ms).toISOString(),
      secrets: this.secretValues(row.tenant_id, row.app_id).map((secret) => this.secretInfo(secret)),
    };
  }

  private secretInfo(row: SecretRow): SecretInfo {
    return {
      secretId: row.secret_id,
      displayName: row.display_name,
      hint: secretHint(row.value),
      startDateTime: new Date(row.start_ms).toISOString(),
      endDateTime: new Date(row.end_ms).toISOString(),
      expired: row.end_ms <= this.now(),
    };
  }
}

function uniqueRoles(roles: readonly string[]): string[] {
  return [...new Set(roles.map((role) => role.trim()).filter((role) => role.length > 0))];
}
