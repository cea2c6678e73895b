import assert from 'node:assert/strict';
import type Database from 'better-sqlite3';
import type { BackupResult } from '../../backend/backup/backup-service';
import { ScopeError, type ScopeErrorReason } from '../../backend/backup/scope/scope-error';
import { ScopeService } from '../../backend/backup/scope/scope-service';
import type { BackupStore } from '../../backend/store/backup-store';
import { SqliteConnectionStore } from '../../backend/store/sqlite/sqlite-connection-store';
import { defaultSimulatorTenants } from '../../simulator/seed/seed-options';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';
import {
  backupRig,
  fsBlobs,
  simulatorGraph,
  sqliteStore,
  tempDir,
  type BackupRig,
} from './support/backup-harness';
import { graphUserDirectory } from './support/graph-user-directory';
import { chatPath, control } from './support/sim-control';
import { differences, storedMessages, truthSnapshot } from './support/truth-compare';

/** Small, with enough people and chats for chats in and out of a scope. */
const SCOPE_TENANT = { users: 8, chats: 14, messages: 260, spanDays: 30 };
const ADMIN = { kind: 'user', id: 'scope-admin', name: 'Scope Admin' } as const;

interface SimUser {
  id: string;
  userPrincipalName: string;
}

describe('backup scope against the tenant simulator', function () {
  this.timeout(180_000);
  let sim: SimulatorHandle;
  let tenantId: string;
  let db: Database.Database;
  let store: BackupStore;
  let rig: BackupRig;
  let audit: SqliteConnectionStore;
  let scopes: ScopeService;
  let removeDir: () => void;

  beforeEach(async () => {
    sim = await startTestSimulator({
      tenants: defaultSimulatorTenants({
        contoso: SCOPE_TENANT,
        fabrikam: { users: 6, chats: 5, messages: 40 },
      }),
    });
    tenantId = sim.tenants[0]!.id;
    ({ store, db } = sqliteStore());
    const tmp = tempDir('chatvault-scope-');
    removeDir = tmp.remove;
    const graph = simulatorGraph(sim, tenantId);
    rig = backupRig({ graph, store, blobs: fsBlobs(tmp.dir) });
    audit = new SqliteConnectionStore(db);
    scopes = new ScopeService({
      store,
      directory: graphUserDirectory(graph, store),
      audit,
      clock: { now: () => new Date() },
    });
  });
  afterEach(async () => {
    await rig?.close();
    db?.close();
    removeDir?.();
    await sim?.close();
  });

  const backup = async (): Promise<BackupResult> => {
    const result = await (await rig.service.startRun(tenantId, { trigger: { kind: 'cli' } })).done;
    assert.notEqual(result.run.outcome, 'failed', JSON.stringify(result.run.errors));
    assert.equal(
      result.run.errors.filter((e) => !e.kind.startsWith('user_')).length,
      0,
      JSON.stringify(result.run.errors),
    );
    return result;
  };

  /** Users whose chats Graph serves: enabled, licensed, not deleted. */
  const readableUsers = (): SimUser[] =>
    (
      sim.state.db
        .prepare(
          `SELECT id, upn FROM users WHERE tenant_id = ? AND deleted = 0 AND account_enabled = 1
           AND teams_licensed = 1 ORDER BY ordinal`,
        )
        .all(tenantId) as { id: string; upn: string }[]
    ).map((u) => ({ id: u.id, userPrincipalName: u.upn }));

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
    const readable = new Set(readableUsers().map((u) => u.id));
    return allChats().filter((chatId) => membersOf(chatId).some((id) => readable.has(id) && covers(id)));
  };

  /** The chats the store knows, and those it holds messages of. */
  const stored = async (): Promise<{ known: string[]; withMessages: string[]; keys: Set<string> }> => {
    const known = (await store.listChats(tenantId, { limit: 1000 })).items.map((c) => c.chatId).sort();
    const { versions } = await storedMessages(store, tenantId);
    const keys = new Set(versions.keys());
    const withMessages = [...new Set([...keys].map((key) => key.split('|')[0]!))].sort();
    return { known, withMessages, keys };
  };

  /** Every message Graph serves of these chats, by `chatId|messageId`. */
  const truthKeys = (chats: string[]): Set<string> => {
    const wanted = new Set(chats);
    return new Set(
      [...truthSnapshot(sim, tenantId).messages.keys()].filter((key) => wanted.has(key.split('|')[0]!)),
    );
  };

  const addUser = (name: string) =>
    control<SimUser>(sim, 'POST', `/tenants/${tenantId}/users`, { displayName: name, teamsLicensed: true });

  /** A chat of these members (a 1:1 chat the seed already made is reused), with a message from each. */
  const chatOf = async (chatType: 'oneOnOne' | 'group', members: string[], text: string): Promise<string> => {
    const existing =
      chatType === 'oneOnOne'
        ? allChats().find((chatId) => {
            const ids = membersOf(chatId);
            return ids.length === 2 && members.every((id) => ids.includes(id));
          })
        : undefined;
    const chat = existing
      ? { id: existing }
      : await control<{ id: string }>(sim, 'POST', `/tenants/${tenantId}/chats`, {
          chatType,
          ...(chatType === 'group' ? { topic: text } : {}),
          members: members.map((userId) => ({ userId })),
          createdBy: members[0],
        });
    for (const from of members) {
      await control(sim, 'POST', `${chatPath(tenantId, chat.id)}/messages`, {
        from: { userId: from },
        body: { contentType: 'text', content: `${text}, says ${from}` },
      });
    }
    return chat.id;
  };

  it('backs up exactly the chats of the two users `only` lists, then everything once widened to `all`', async () => {
    const [ann, bob] = readableUsers();
    await scopes.set(tenantId, ADMIN, {
      mode: 'only',
      users: [ann!.userPrincipalName.toUpperCase(), bob!.id],
    });
    const listed = new Set([ann!.id, bob!.id]);
    const expected = chatsInScope((id) => listed.has(id));
    assert.ok(
      expected.length > 0 && expected.length < allChats().length,
      'the seed gives chats on both sides',
    );

    const first = await backup();
    assert.equal(first.mode, 'full');
    assert.equal(first.run.counters.users, 2);
    const afterFirst = await stored();
    assert.deepEqual(afterFirst.known, expected);
    // Every message of those chats, whoever sent it, and none of any other chat.
    assert.deepEqual(afterFirst.keys, truthKeys(expected));
    for (const chatId of afterFirst.withMessages) {
      assert.ok(
        membersOf(chatId).some((id) => listed.has(id)),
        `a message of ${chatId}, where neither is a member`,
      );
    }

    // New people between runs: under `only`, a chat among them alone is not backed up; one with a
    // listed user is.
    const newcomer = await addUser('Nina Newcomer');
    const other = await addUser('Oscar Other');
    const theirs = await chatOf('oneOnOne', [newcomer.id, other.id], 'Just us');
    const withAnn = await chatOf('group', [newcomer.id, ann!.id, other.id], 'Meet Ann');
    const second = await backup();
    assert.equal(second.mode, 'incremental');
    const afterSecond = await stored();
    assert.ok(!afterSecond.known.includes(theirs));
    assert.ok(afterSecond.withMessages.includes(withAnn));
    assert.equal((await store.getUser(tenantId, newcomer.id))?.state, 'active', 'recorded all the same');

    const widened = await scopes.set(tenantId, ADMIN, { mode: 'all' });
    assert.equal(widened.change?.others, 'entered');
    const third = await backup();
    assert.equal(third.mode, 'incremental', 'no full run is needed to widen');
    // The rest, in full: the store now equals the tenant.
    assert.deepEqual(
      await differences({
        sim,
        tenantId,
        store,
        blobs: rig.blobs,
        seenAtBackups: [truthSnapshot(sim, tenantId)],
      }),
      [],
    );
    assert.ok((await stored()).withMessages.includes(theirs));

    // Under `all`, people added later are picked up by the next run.
    const late = await addUser('Lena Late');
    const lateChat = await chatOf('oneOnOne', [late.id, other.id], 'Late hello');
    await backup();
    assert.ok((await stored()).withMessages.includes(lateChat));
    const summary = await scopes.summary(tenantId);
    assert.equal(summary.inScope, summary.total);

    const trail = await audit.listAudit(tenantId);
    assert.deepEqual(
      trail.map((event) => event.action),
      ['scope_changed', 'scope_changed'],
    );
  });

  it('under `allExcept`, keeps mixed group chats whole and leaves out the 1:1 chats among the excluded', async () => {
    const [ann, xavier, yara] = readableUsers();
    const excludedPair = await chatOf('oneOnOne', [xavier!.id, yara!.id], 'Between X and Y');
    const mixed = await chatOf('group', [xavier!.id, yara!.id, ann!.id], 'X, Y and Ann');
    const withAnn = await chatOf('oneOnOne', [xavier!.id, ann!.id], 'X and Ann');
    await scopes.set(tenantId, ADMIN, {
      mode: 'allExcept',
      users: [xavier!.userPrincipalName, yara!.userPrincipalName],
    });
    const excluded = new Set([xavier!.id, yara!.id]);

    await backup();
    const after = await stored();
    const expected = chatsInScope((id) => !excluded.has(id));
    assert.deepEqual(after.known, expected);
    assert.deepEqual(after.keys, truthKeys(expected));
    assert.ok(!after.known.includes(excludedPair));
    assert.ok(after.withMessages.includes(mixed) && after.withMessages.includes(withAnn));
    // The excluded people's own messages in the mixed chat are kept: the chat is kept whole.
    const senders = new Set<string>();
    for await (const version of store.iterateVersions(tenantId, { chatId: mixed })) {
      if (version.fromUserId) senders.add(version.fromUserId);
    }
    assert.deepEqual(senders, new Set([xavier!.id, yara!.id, ann!.id]));
    assert.equal((await scopes.user(tenantId, xavier!.id))?.inScope, false);
    assert.equal((await scopes.user(tenantId, ann!.id))?.backedUp, true);
  });

  it('refuses bad lists with clear errors and changes nothing', async () => {
    const [ann, bob] = readableUsers();
    const saved = await scopes.set(tenantId, ADMIN, { mode: 'only', users: [ann!.id] });
    const fabrikamUser = sim.state.db
      .prepare('SELECT id, upn FROM users WHERE tenant_id = ? AND deleted = 0 LIMIT 1')
      .get(sim.tenants[1]!.id) as { id: string; upn: string };

    const cases: [string, string[], ScopeErrorReason, RegExp][] = [
      ['an unknown UPN', [ann!.id, 'nobody.here@contoso.onmicrosoft.com'], 'unknown_users', /nobody\.here@/],
      [
        'a 10,000-entry paste',
        Array.from({ length: 10_000 }, (_, i) => `person${i}@contoso.onmicrosoft.com`),
        'too_many_users',
        /at most 5,000 users; this list has 10,000/,
      ],
      [
        'a duplicate entry',
        [bob!.userPrincipalName, bob!.userPrincipalName.toUpperCase()],
        'duplicate_users',
        /more than once/,
      ],
      ['one person twice', [bob!.userPrincipalName, bob!.id], 'duplicate_users', /same person/],
      ['another tenant’s user by id', [fabrikamUser.id], 'unknown_users', /this tenant's directory/],
      ['another tenant’s user by UPN', [fabrikamUser.upn], 'unknown_users', /other tenants cannot be listed/],
    ];
    for (const [what, users, reason, message] of cases) {
      await assert.rejects(scopes.set(tenantId, ADMIN, { mode: 'only', users }), (error: unknown) => {
        assert.ok(error instanceof ScopeError, `${what}: ${String(error)}`);
        assert.equal(error.reason, reason, `${what}: ${error.message}`);
        assert.equal(error.field, 'users', what);
        assert.match(error.message, message, what);
        return true;
      });
    }
    assert.deepEqual(await scopes.get(tenantId), saved.scope);
    assert.equal((await audit.listAudit(tenantId)).length, 1);
    const run = await backup();
    assert.equal(run.run.counters.users, 1, 'runs still read the saved scope');
  });
});
