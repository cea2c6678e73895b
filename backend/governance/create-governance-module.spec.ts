import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useCosmosServer } from '../../test/support/cosmos-server';
import { ManualClock } from '../../test/support/manual-clock';
import { loadConfig, type AppConfig } from '../config/config';
import type { ConnectionStatusView } from '../connection/connection-service';
import type { Notice } from '../notifications/notice';
import type { NoticeSender } from '../notifications/notice-sender';
import type { NotificationTarget } from '../notifications/notification-targets';
import { silentLogger } from '../observability/logger';
import { openCosmosContainers } from '../store/cosmos/cosmos-containers';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { SqliteConnectionStore } from '../store/sqlite/sqlite-connection-store';
import { SqliteTenantAdminStore } from '../store/sqlite/sqlite-tenant-admin-store';
import { createGovernanceModule, type GovernanceModuleOptions } from './create-governance-module';
import { isGovernanceError } from './governance-error';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const ADA_ID = '5f6a1d0e-0000-4000-8000-00000000ad01';
const GRACE_ID = '5f6a1d0e-0000-4000-8000-00000000ad02';
const LIN_ID = '5f6a1d0e-0000-4000-8000-00000000ad03';

/** The configuration `loadConfig` makes of these variables alone (no env files under `dir`). */
function config(dir: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({ root: dir, env: { DATA_DIR: dir, LOG_LEVEL: 'silent', ...env } });
}

/** No tenant is connected: live look-ups and expiry notices have nothing to read. */
const noConnection: GovernanceModuleOptions['connection'] = {
  openCredentials: async () => undefined,
  status: async (tenantId): Promise<ConnectionStatusView> => ({ tenantId, status: 'inactive' }),
  connectedTenantIds: async () => [],
};

class RecordingSender implements NoticeSender {
  sent: { target: NotificationTarget; notice: Notice }[] = [];
  gone = new Set<string>();

  async send(target: NotificationTarget, notice: Notice): Promise<'sent' | 'gone'> {
    if (this.gone.has(target.targetId)) return 'gone';
    this.sent.push({ target, notice });
    return 'sent';
  }
}

describe('createGovernanceModule', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatvault-governance-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shares the connection module’s SQLite database, and its audit trail, leaving it open at close', async () => {
    const db = openSqlite(':memory:');
    try {
      const module = await createGovernanceModule(config(dir), {
        logger: silentLogger(),
        connection: noConnection,
        db,
        clock: new ManualClock('2026-05-01T10:00:00Z'),
      });
      await module.admins.claimFirstAdmin(A, { userId: ADA_ID, displayName: 'Ada' });
      assert.equal((await new SqliteTenantAdminStore(db).listAdmins(A)).length, 1);
      // One trail: what ConnectionService writes and lists is what governance writes.
      assert.deepEqual(
        (await new SqliteConnectionStore(db).listAudit(A)).map((e) => e.action),
        ['admin_added'],
      );
      await module.close();
      assert.equal(db.open, true);
      assert.equal(await module.admins.isAdmin(A, ADA_ID), true);
    } finally {
      db.close();
    }
  });

  it('opens (and closes) the configured SQLite file when given no database', async () => {
    const module = await createGovernanceModule(config(dir), {
      logger: silentLogger(),
      connection: noConnection,
    });
    await module.admins.claimFirstAdmin(A, { userId: ADA_ID });
    await module.close();
    assert.ok(existsSync(join(dir, 'chatvault.sqlite')));
    const reopened = openSqlite(join(dir, 'chatvault.sqlite'));
    try {
      assert.equal((await new SqliteTenantAdminStore(reopened).listAdmins(A))[0]?.userId, ADA_ID);
    } finally {
      reopened.close();
    }
  });

  it('resolves admins from the users backups discovered, without Microsoft endpoints', async () => {
    const module = await createGovernanceModule(config(dir), {
      logger: silentLogger(),
      connection: noConnection,
      directoryStore: {
        getUser: async (tenantId, userId) =>
          tenantId === A && userId === GRACE_ID
            ? {
                tenantId,
                userId,
                upn: 'grace@contoso.example',
                displayName: 'Grace',
                state: 'active',
                updatedAt: '',
              }
            : undefined,
        listUsers: async () => ({ items: [] }),
      },
    });
    try {
      await module.admins.claimFirstAdmin(A, { userId: ADA_ID });
      const { admin } = await module.admins.addAdmin(A, { kind: 'user', id: ADA_ID }, GRACE_ID);
      assert.equal(admin.userPrincipalName, 'grace@contoso.example');
      await assert.rejects(module.admins.addAdmin(A, { kind: 'user', id: ADA_ID }, LIN_ID), (e) =>
        isGovernanceError(e, 'unknown_user'),
      );
    } finally {
      await module.close();
    }
  });

  it('hands out notifiers that deliver to subscribed targets and drop gone ones, closed with the module', async () => {
    const module = await createGovernanceModule(config(dir), {
      logger: silentLogger(),
      connection: noConnection,
      clock: new ManualClock('2026-05-01T10:00:00Z'),
    });
    await module.admins.claimFirstAdmin(A, { userId: ADA_ID });
    const ada = { kind: 'user' as const, id: ADA_ID };
    for (const targetId of ['channel-1', 'chat-2']) {
      await module.targets.subscribe(A, ada, {
        targetId,
        kind: 'channel',
        label: targetId,
        conversation: { id: targetId },
      });
    }
    const sender = new RecordingSender();
    sender.gone.add('chat-2');
    const listeners: ((e: never) => void)[] = [];
    const notifier = module.createNotifier({
      sender,
      backup: { onProgress: (l) => (listeners.push(l as (e: never) => void), () => undefined) },
      expirySweep: false,
    });
    assert.equal(listeners.length, 1);
    const report = await notifier.notify({
      kind: 'connection-failing',
      tenantId: A,
      code: 'consent_missing',
      message: 'Consent was revoked.',
      step: null,
      since: '2026-05-01T09:00:00.000Z',
    });
    assert.deepEqual([report.sent, report.gone], [1, 1]);
    assert.deepEqual(
      (await module.targets.list(A)).map((t) => t.targetId),
      ['channel-1'],
    );
    assert.deepEqual(
      (await module.audit.list(A)).slice(0, 1).map((e) => [e.action, e.actor.kind, e.subject]),
      [['unsubscribed', 'system', 'chat-2']],
    );
    await module.close();
    const late = await notifier.notify({
      kind: 'connection-failing',
      tenantId: A,
      code: 'consent_missing',
      message: 'x',
      step: null,
      since: 'y',
    });
    assert.equal(late.targets, 0, 'the module closed its notifier');
  });

  describe('with STORE=cosmos', () => {
    const cosmos = useCosmosServer();

    it('keeps admins, targets and the audit trail in the tenant container: one first admin of racing connects, tenants apart', async () => {
      const containers = await openCosmosContainers(cosmos.client, 'governance-module');
      const cosmosConfig = config(dir, {
        STORE: 'cosmos',
        COSMOS_ENDPOINT: cosmos.server.endpoint,
        SECRET_COSMOS_KEY: cosmos.server.key,
        COSMOS_DATABASE: 'governance-module',
      });
      assert.equal(cosmosConfig.store.kind, 'cosmos');
      const module = await createGovernanceModule(cosmosConfig, {
        logger: silentLogger(),
        connection: noConnection,
        cosmos: containers,
      });
      try {
        const claims = await Promise.all(
          [ADA_ID, GRACE_ID, LIN_ID].map((userId) => module.admins.claimFirstAdmin(A, { userId })),
        );
        assert.equal(claims.filter(Boolean).length, 1);
        const winner = [ADA_ID, GRACE_ID, LIN_ID][claims.indexOf(true)]!;
        assert.deepEqual(
          (await module.admins.list(A)).map((a) => a.userId),
          [winner],
        );
        assert.deepEqual(
          (await module.audit.list(A)).map((e) => [e.action, e.subject]),
          [['admin_added', winner]],
        );
        assert.equal(await module.admins.tenantHasAdmins(B), false);
        assert.equal(await module.admins.isAdmin(B, winner), false);
        await module.targets.subscribe(
          A,
          { kind: 'user', id: winner },
          {
            targetId: 'c1',
            kind: 'personal',
            label: 'Me',
            conversation: { id: 'c1' },
          },
        );
        assert.deepEqual(await module.targets.list(B), []);
        assert.deepEqual(await module.audit.list(B), []);
      } finally {
        await module.close();
        await cosmos.client.database('governance-module').delete();
      }
    });
  });
});
