import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { defaultSimulatorTenants } from '../../../simulator/seed/seed-options';
import {
  backupRig,
  fsBlobs,
  simulatorGraph,
  sqliteStore,
  tempDir,
  type BackupRig,
} from '../../../test/backup/support/backup-harness';
import { graphUserDirectory } from '../../../test/backup/support/graph-user-directory';
import { chatPath, control } from '../../../test/backup/support/sim-control';
import { storedMessages, truthSnapshot } from '../../../test/backup/support/truth-compare';
import { startTestSimulator, type SimulatorHandle } from '../../../test/support/simulator';
import { systemClock } from '../../connection/clock';
import { ConnectionService } from '../../connection/connection-service';
import { GraphConnectionTester } from '../../connection/connection-tester';
import { bindTenant } from '../../connection/tenant-binding';
import { silentLogger } from '../../observability/logger';
import { EnvelopeSealer } from '../../secrets/envelope-sealer';
import { LocalKeyWrapper } from '../../secrets/local-key-wrapper';
import type { RunRecord } from '../../store/backup-records';
import type { BackupStore } from '../../store/backup-store';
import { SqliteConnectionStore } from '../../store/sqlite/sqlite-connection-store';
import { SCOPE_GROUP_UNREADABLE } from './group-refresh';
import { ScopeError, type ScopeErrorReason } from './scope-error';
import { connectedScopeGroups } from './scope-group-source';
import { ScopeService } from './scope-service';
import { SCOPE_CHECKPOINT } from './scope-store';

/** Small, with enough people and chats for chats in and out of a group's scope. */
const GROUP_TENANT = { users: 8, chats: 14, messages: 220, spanDays: 30 };
const ADMIN = { kind: 'user', id: 'scope-admin', name: 'Scope Admin' } as const;
const OK_ROLES = ['Chat.Read.All', 'Chat.ReadWrite.All', 'User.Read.All'];

interface SimGroup {
  id: string;
  displayName: string;
  transitiveUserIds: string[];
}

describe('backup scope by Entra group, against the tenant simulator', function () {
  this.timeout(180_000);
  let sim: SimulatorHandle;
  let tenantId: string;
  let db: Database.Database;
  let store: BackupStore;
  let rig: BackupRig;
  let audit: SqliteConnectionStore;
  let connections: ConnectionService;
  let scopes: ScopeService;
  let removeDir: () => void;

  beforeEach(async () => {
    sim = await startTestSimulator({
      tenants: defaultSimulatorTenants({
        contoso: GROUP_TENANT,
        fabrikam: { users: 6, chats: 5, messages: 40 },
      }),
    });
    tenantId = sim.tenants[0]!.id;
    ({ store, db } = sqliteStore());
    const tmp = tempDir('chatvault-scope-groups-');
    removeDir = tmp.remove;
    const graph = simulatorGraph(sim, tenantId);
    rig = backupRig({ graph, store, blobs: fsBlobs(tmp.dir) });
    audit = new SqliteConnectionStore(db);
    const endpoints = { graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost };
    connections = new ConnectionService({
      store: audit,
      sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
      tester: new GraphConnectionTester(endpoints),
      clock: systemClock,
      logger: silentLogger(),
    });
    const saved = await connections.testAndSave(
      bindTenant(tenantId, 'operator'),
      { appId: graph.appId, secret: graph.secret },
      { kind: 'operator', name: 'test' },
    );
    assert.equal(saved.ok, true, saved.message);
    scopes = new ScopeService({
      store,
      directory: graphUserDirectory(graph, store),
      audit,
      clock: systemClock,
      groups: connectedScopeGroups({
        endpoints,
        connection: connections,
        tester: new GraphConnectionTester(endpoints),
      }),
    });
  });
  afterEach(async () => {
    await rig?.close();
    db?.close();
    removeDir?.();
    await sim?.close();
  });

  /** Admin consent for the ok app, as an admin grants it in Entra: tokens issued from now on carry it. */
  const consent = async (roles: string[]) => {
    const app = sim.demoApp('ok');
    await control(sim, 'POST', `/tenants/${tenantId}/apps/${app.appId}/consent`, { roles });
  };
  const grantGroupRead = () => consent([...OK_ROLES, 'GroupMember.Read.All']);

  const group = async (name: string): Promise<SimGroup> => {
    const groups = await control<SimGroup[]>(sim, 'GET', `/tenants/${tenantId}/groups`);
    return groups.find((g) => g.displayName === name)!;
  };

  const run = async (): Promise<RunRecord> =>
    (await (await rig.service.startRun(tenantId, { trigger: { kind: 'cli' } })).done).run;

  /** Users whose chats Graph serves: enabled, licensed, not deleted. */
  const readable = (): Set<string> =>
    new Set(
      (
        sim.state.db
          .prepare(
            'SELECT id FROM users WHERE tenant_id = ? AND deleted = 0 AND account_enabled = 1 AND teams_licensed = 1',
          )
          .all(tenantId) as { id: string }[]
      ).map((u) => u.id),
    );
  const allChats = (): string[] =>
    (
      sim.state.db.prepare('SELECT id FROM chats WHERE tenant_id = ? ORDER BY id').all(tenantId) as {
        id: string;
      }[]
    ).map((c) => c.id);
  const membersOf = (chatId: string): string[] =>
    sim.state.listMembers(tenantId, chatId).map((m) => m.userId);
  /** The chats a scope keeps: those with a member whose chats are read and who is in scope. */
  const chatsInScope = (covers: (userId: string) => boolean): string[] => {
    const canRead = readable();
    return allChats().filter((chatId) => membersOf(chatId).some((id) => canRead.has(id) && covers(id)));
  };
  const storedChats = async (): Promise<string[]> =>
    (await store.listChats(tenantId, { limit: 1000 })).items.map((c) => c.chatId).sort();
  const storedKeys = async (): Promise<Set<string>> =>
    new Set((await storedMessages(store, tenantId)).versions.keys());
  const truthKeys = (chats: string[]): Set<string> => {
    const wanted = new Set(chats);
    return new Set(
      [...truthSnapshot(sim, tenantId).messages.keys()].filter((key) => wanted.has(key.split('|')[0]!)),
    );
  };
  const post = (chatId: string, from: string, text: string) =>
    control<{ id: string }>(sim, 'POST', `${chatPath(tenantId, chatId)}/messages`, {
      from: { userId: from },
      body: { contentType: 'text', content: text },
    });

  async function refused(users: string[], reason: ScopeErrorReason, message: RegExp): Promise<ScopeError> {
    const before = await store.getCheckpoint(tenantId, SCOPE_CHECKPOINT);
    const audited = (await audit.listAudit(tenantId)).filter((e) => e.action === 'scope_changed').length;
    let caught: ScopeError | undefined;
    await assert.rejects(scopes.set(tenantId, ADMIN, { mode: 'only', users }), (error: unknown) => {
      assert.ok(error instanceof ScopeError, String(error));
      assert.equal(error.reason, reason, error.message);
      assert.equal(error.field, 'users');
      assert.match(error.message, message);
      caught = error;
      return true;
    });
    assert.deepEqual(await store.getCheckpoint(tenantId, SCOPE_CHECKPOINT), before, 'nothing saved');
    assert.equal(
      (await audit.listAudit(tenantId)).filter((e) => e.action === 'scope_changed').length,
      audited,
      'nothing audited',
    );
    return caught!;
  }

  it('refuses a group until the app’s token carries a role that reads members, then saves it', async () => {
    const lastTest = (await connections.status(tenantId)).connection?.lastTest;
    const noRole = await refused(['group:Sales'], 'group_permission_missing', /GroupMember\.Read\.All/);
    assert.match(noRole.message, /admin consent/);
    assert.match(noRole.message, /steps 8-11/);
    assert.match(noRole.message, /it has Chat\.Read\.All, Chat\.ReadWrite\.All, User\.Read\.All/);
    assert.deepEqual(noRole.entries, ['group:Sales']);

    await grantGroupRead();
    // Saved right after the grant: the roles come from a token issued now, not from the last test.
    const sales = await group('Sales');
    const saved = await scopes.set(tenantId, ADMIN, { mode: 'only', users: ['group:sales'] });
    assert.equal(saved.changed, true);
    assert.deepEqual(saved.scope.groups, [
      { id: sales.id, displayName: 'Sales', members: sales.transitiveUserIds.length },
    ]);
    assert.deepEqual((await scopes.get(tenantId)).groups, saved.scope.groups);
    const [changed] = (await audit.listAudit(tenantId)).filter((e) => e.action === 'scope_changed');
    assert.equal(changed?.details?.['groups'], 1);
    assert.equal(changed?.details?.['groupIds'], sales.id);

    assert.deepEqual(
      (await connections.status(tenantId)).connection?.lastTest,
      lastTest,
      'reading the roles saves no connection test',
    );

    // By object id, in any case, it is the same group: nothing to change.
    const again = await scopes.set(tenantId, ADMIN, {
      mode: 'only',
      users: [`group:${sales.id.toUpperCase()}`],
    });
    assert.equal(again.changed, false);
  });

  it('refuses groups this tenant does not have, another tenant’s included, and names shared by two', async () => {
    await grantGroupRead();
    await scopes.set(tenantId, ADMIN, { mode: 'only', users: ['group:Engineering'] });
    await refused(['group:No Such Team'], 'unknown_groups', /No such group in this tenant/);
    const foreign = sim.state.listGroups(sim.tenants[1]!.id)[0]!;
    const other = await refused(
      [`group:${foreign.id}`],
      'unknown_groups',
      /groups of other tenants cannot be named/,
    );
    assert.deepEqual(other.entries, [`group:${foreign.id}`]);
    await control(sim, 'POST', `/tenants/${tenantId}/groups`, { displayName: 'Sales' });
    await refused(['group:Sales'], 'ambiguous_groups', /by its object id/);
    const sales = await group('Engineering');
    await refused([`group:${sales.id}`, 'group:Engineering'], 'duplicate_users', /same group is named twice/);
  });

  it('under `only` a group, backs up exactly its transitive members’ chats, and picks up a member added between runs', async () => {
    await grantGroupRead();
    const sales = await group('Sales');
    const direct = (
      await control<{ members: { id: string; type: string }[] }>(
        sim,
        'GET',
        `/tenants/${tenantId}/groups/${sales.id}`,
      )
    ).members;
    assert.ok(
      direct.some((m) => m.type === 'group'),
      'the seed nests a group in Sales',
    );
    await scopes.set(tenantId, ADMIN, { mode: 'only', users: ['group:Sales'] });

    // Someone outside the group, with a chat of their own that only a read of them finds.
    const canRead = readable();
    const outside = [...canRead].filter((id) => !sales.transitiveUserIds.includes(id));
    assert.ok(outside.length >= 2, 'the seed leaves people out of Sales');
    const [newcomer, bystander] = outside;
    const theirs = await control<{ id: string }>(sim, 'POST', `/tenants/${tenantId}/chats`, {
      chatType: 'group',
      topic: 'Outside Sales',
      members: [{ userId: newcomer }, { userId: bystander }],
      createdBy: newcomer,
    });
    await post(theirs.id, newcomer!, 'Before joining Sales');
    await post(theirs.id, bystander!, 'Still outside');

    const first = await run();
    assert.equal(first.outcome, 'succeeded', JSON.stringify(first.errors));
    const inSales = new Set(sales.transitiveUserIds);
    const expected = chatsInScope((id) => inSales.has(id));
    assert.ok(expected.length > 0 && expected.length < allChats().length, 'chats on both sides');
    assert.ok(!expected.includes(theirs.id));
    assert.deepEqual(await storedChats(), expected);
    assert.deepEqual(await storedKeys(), truthKeys(expected));
    const enabled = new Set(
      (
        sim.state.db
          .prepare('SELECT id FROM users WHERE tenant_id = ? AND deleted = 0 AND account_enabled = 1')
          .all(tenantId) as { id: string }[]
      ).map((u) => u.id),
    );
    assert.equal(first.counters.users, sales.transitiveUserIds.filter((id) => enabled.has(id)).length);

    // The newcomer joins the nested group: picked up by the next run, whole history included.
    const leadership = direct.find((m) => m.type === 'group')!;
    await control(sim, 'POST', `/tenants/${tenantId}/groups/${leadership.id}/members`, { userId: newcomer });
    const second = await run();
    assert.equal(second.outcome, 'succeeded', JSON.stringify(second.errors));
    inSales.add(newcomer!);
    const widened = chatsInScope((id) => inSales.has(id));
    assert.ok(widened.includes(theirs.id));
    assert.deepEqual(await storedChats(), widened);
    assert.deepEqual(await storedKeys(), truthKeys(widened));
    assert.equal((await scopes.user(tenantId, newcomer!))?.inScope, true);
    assert.equal((await scopes.get(tenantId)).groups[0]?.members, sales.transitiveUserIds.length + 1);
  });

  it('keeps a deleted group’s last known members under `only`, with a warning; under `allExcept` backs up no one', async () => {
    await grantGroupRead();
    const sales = await group('Sales');
    await scopes.set(tenantId, ADMIN, { mode: 'only', users: ['group:Sales'] });
    assert.equal((await run()).outcome, 'succeeded');
    await control(sim, 'DELETE', `/tenants/${tenantId}/groups/${sales.id}`);
    const member = sales.transitiveUserIds.find((id) => readable().has(id))!;
    const chat = allChats().find((id) => membersOf(id).includes(member))!;
    const late = await post(chat, member, 'After the group went');
    const partial = await run();
    assert.equal(partial.outcome, 'partial');
    const warning = partial.errors.find((e) => e.kind === SCOPE_GROUP_UNREADABLE);
    assert.ok(warning, JSON.stringify(partial.errors));
    assert.match(warning.examples[0]!.message, /no longer exists in Entra ID: change the backup scope/);
    assert.match(warning.examples[0]!.message, /as last read stay in scope/);
    assert.ok((await storedKeys()).has(`${chat}|${late.id}`), 'its members as last read are still backed up');

    // Leaving a group's people out: when the group cannot be read, the run reads no one.
    const optOut = await group('Backup Opt-Out');
    await scopes.set(tenantId, ADMIN, { mode: 'allExcept', users: ['group:Backup Opt-Out'] });
    await control(sim, 'DELETE', `/tenants/${tenantId}/groups/${optOut.id}`);
    const outsider = [...readable()].find((id) => !optOut.transitiveUserIds.includes(id))!;
    const outsiderChat = allChats().find((id) => membersOf(id).includes(outsider))!;
    const unseen = await post(outsiderChat, outsider, 'Nobody reads this run');
    const failed = await run();
    assert.equal(failed.outcome, 'failed');
    assert.equal(failed.errors[0]?.kind, SCOPE_GROUP_UNREADABLE);
    assert.match(failed.errors[0]!.examples[0]!.message, /nothing was backed up this run/);
    assert.equal(failed.counters.users, 0);
    assert.ok(!(await storedKeys()).has(`${outsiderChat}|${unseen.id}`));
  });
});
