import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupControl } from '../../../backend/api/backup-control';
import { createTabApiMount } from '../../../backend/api/create-tab-api-mount';
import { simulatorDemoSignIn } from '../../../backend/api/demo-sign-in';
import { SsoTokenVerifier } from '../../../backend/api/sso-token-verifier';
import { BackupService } from '../../../backend/backup/backup-service';
import { resolveBackupSettings } from '../../../backend/backup/backup-settings';
import { graphSources } from '../../../backend/backup/create-backup-module';
import { FsBlobStore } from '../../../backend/blobs/fs-blob-store';
import { LOCAL_TAB_AUDIENCE } from '../../../backend/config/config';
import { systemClock } from '../../../backend/connection/clock';
import { ConnectionService } from '../../../backend/connection/connection-service';
import { GraphConnectionTester } from '../../../backend/connection/connection-tester';
import { connectedUserLookups } from '../../../backend/directory/connected-user-lookups';
import { TenantUserDirectory } from '../../../backend/directory/tenant-user-directory';
import { AdminService } from '../../../backend/governance/admin-service';
import { AuditLog } from '../../../backend/governance/audit-log';
import { NotificationService } from '../../../backend/notifications/notification-service';
import { silentLogger } from '../../../backend/observability/logger';
import { EnvelopeSealer } from '../../../backend/secrets/envelope-sealer';
import { LocalKeyWrapper } from '../../../backend/secrets/local-key-wrapper';
import type { RunningHttpServer } from '../../../backend/server/http-server';
import { createTabStaticMount } from '../../../backend/server/tab-static-mount';
import { openSqlite } from '../../../backend/store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../../../backend/store/sqlite/sqlite-backup-store';
import { ScopeService } from '../../../backend/backup/scope/scope-service';
import { SqliteConnectionStore } from '../../../backend/store/sqlite/sqlite-connection-store';
import { SqliteNotificationTargetStore } from '../../../backend/store/sqlite/sqlite-notification-target-store';
import { SqliteTenantAdminStore } from '../../../backend/store/sqlite/sqlite-tenant-admin-store';
import { addPerson, HookGate } from '../../api/support/tab-api-harness';
import { startTestSimulator, type SimulatorHandle } from '../../support/simulator';
import { builtTab } from './browser';
import type { TabTestServer } from './tab-servers';

export interface RealTabServer extends TabTestServer {
  sim: SimulatorHandle;
  /**
   * Closed (`holdRuns`), it holds every backup worker as it reads its first page of messages, before
   * storing it: the run stays in progress, with its people already found, until `releaseRuns`.
   */
  gate: HookGate;
}

/**
 * The product's own services (connection, backup, governance, notifications) on one in-memory
 * SQLite database, against the tenant simulator's small test tenants; the real tab API and the tab's
 * static mount on one loopback server, with the local demo's sign-in, so that the browser signs in
 * with simulator-issued SSO tokens checked by the real verifier.
 */
export async function startRealTabServer(): Promise<RealTabServer> {
  const root = await builtTab();
  const sim = await startTestSimulator();
  const closers: (() => unknown)[] = [() => sim.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const contoso = sim.tenants[0]!.id;
    const admin = await addPerson(sim, contoso, 'Ada Admin', 'ada.admin');
    const member = await addPerson(sim, contoso, 'Bob Member', 'bob.member');
    const logger = silentLogger();
    const db = openSqlite(':memory:');
    closers.push(() => db.close());
    const blobDir = mkdtempSync(join(tmpdir(), 'chatvault-tab-blobs-'));
    closers.push(() => rmSync(blobDir, { recursive: true, force: true }));

    const endpoints = { graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost };
    const connectionStore = new SqliteConnectionStore(db);
    const connections = new ConnectionService({
      store: connectionStore,
      sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
      tester: new GraphConnectionTester(endpoints),
      clock: systemClock,
      logger,
    });
    const backupStore = createSqliteBackupStore(db);
    const gate = new HookGate('page-read');
    const backup = new BackupService({
      store: backupStore,
      blobs: new FsBlobStore({ dir: blobDir }),
      graphFor: graphSources({ endpoints, connection: connections, logger }),
      clock: systemClock,
      // Small numbers for a small tenant; progress is written often enough for the page's polls.
      settings: resolveBackupSettings({
        concurrency: 4,
        leaseTtlMs: 3_000,
        claimTtlMs: 6_000,
        idlePollMs: 50,
        progressEveryMs: 500,
      }),
      logger,
      hooks: gate,
    });
    closers.push(async () => {
      gate.release();
      await backup.close();
    });
    // The coordinator reads the run's record on each progress tick and, when it carries a cancel
    // request, stops the run's workers right after announcing that record.
    const cancelNoticed = new Set<string>();
    closers.push(
      backup.onProgress((event) => {
        if (event.type === 'progress' && event.run.cancelRequestedAt) cancelNoticed.add(event.run.runId);
      }),
    );
    const audit = new AuditLog({ store: connectionStore, clock: systemClock });
    const directory = new TenantUserDirectory({
      store: backupStore,
      live: connectedUserLookups({ endpoints, connection: connections, clock: systemClock, logger }),
      logger,
    });
    const admins = new AdminService({
      store: new SqliteTenantAdminStore(db),
      directory,
      audit,
      clock: systemClock,
      logger,
    });
    const scope = new ScopeService({
      store: backupStore,
      directory,
      audit: connectionStore,
      clock: systemClock,
    });
    const notifications = new NotificationService({
      store: new SqliteNotificationTargetStore(db),
      admins,
      audit,
      clock: systemClock,
      logger,
    });
    const demoSignIn = simulatorDemoSignIn({
      authorityHost: sim.authorityHost,
      audience: LOCAL_TAB_AUDIENCE,
      users: [admin, member].map((p) => ({ upn: p.upn, displayName: p.displayName, tenantId: p.tenantId })),
    });
    const apiMount = createTabApiMount({
      logger,
      verifier: new SsoTokenVerifier({ authorityHost: sim.authorityHost, audiences: [LOCAL_TAB_AUDIENCE] }),
      authorityHost: sim.authorityHost,
      connections,
      backup: backupControl(backup, { pollMs: 50 }),
      backupReads: backupStore,
      admins,
      notifications,
      audit,
      scope,
      demoSignIn,
      userTable: { cacheMs: 0 },
    });

    const { createHttpServer, listen } =
      require('../../../backend/server/http-server') as typeof import('../../../backend/server/http-server');
    const http: RunningHttpServer = await listen(
      createHttpServer({ logger, mounts: [apiMount, createTabStaticMount({ root })] }),
      '127.0.0.1',
      0,
    );
    closers.push(() => http.close());

    const ok = sim.demoApp('ok', contoso);
    const consentMissing = sim.demoApp('consent_missing', contoso);
    return {
      url: http.url,
      adminName: admin.displayName,
      adminUpn: admin.upn,
      memberName: member.displayName,
      memberUpn: member.upn,
      apps: {
        ok: { appId: ok.appId, secret: ok.secret },
        consentMissing: { appId: consentMissing.appId, secret: consentMissing.secret },
      },
      sim,
      gate,
      holdRuns: () => gate.close(),
      releaseRuns: () => gate.release(),
      async cancelNoticed() {
        while (cancelNoticed.size === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
