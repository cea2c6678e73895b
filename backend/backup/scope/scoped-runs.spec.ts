import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { FsBlobStore } from '../../blobs/fs-blob-store';
import { systemClock } from '../../connection/clock';
import type { ModifiedWindow } from '../../graph/tenant-graph-source';
import { silentLogger } from '../../observability/logger';
import type { BackupStore } from '../../store/backup-store';
import { openSqlite } from '../../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../../store/sqlite/sqlite-backup-store';
import { BackupService } from '../backup-service';
import { resolveBackupSettings } from '../backup-settings';
import type { HarvestStrategyName } from '../messages/harvest-strategy';
import { userWatermarkKey, type Watermark } from '../run/active-run';
import { FakeGraphSource } from '../testdata/fake-graph-source';
import type { ScopeMode } from './backup-scope';
import { UserScope } from './backup-scope';
import { readWholeBy, watermarkFollowsScope } from './run-scope';
import { ScopeService } from './scope-service';

const TENANT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const ADMIN = { kind: 'user', id: 'admin', name: 'Admin' } as const;
const DAY = 86_400_000;

/** The fake Graph, recording the window of every getAllMessages. */
class WindowedGraph extends FakeGraphSource {
  readonly windows: { userId: string; window: ModifiedWindow }[] = [];
  override allMessages(userId: string, window: ModifiedWindow) {
    this.windows.push({ userId, window });
    return super.allMessages(userId, window);
  }
}

describe('backup runs within a scope (fake Graph, SQLite store)', () => {
  let db: Database.Database;
  let store: BackupStore;
  let dir: string;
  let graph: WindowedGraph;
  let service: BackupService;
  let scopes: ScopeService;
  const history = Date.now() - 30 * DAY;

  beforeEach(() => {
    db = openSqlite(':memory:');
    store = createSqliteBackupStore(db);
    dir = mkdtempSync(join(tmpdir(), 'chatvault-scope-'));
    graph = new WindowedGraph();
    for (const user of ['ann', 'bob', 'cy', 'dee']) graph.addUser(user);
    graph.addChat('ann-bob', ['ann', 'bob'], 'oneOnOne');
    graph.addChat('bob-cy', ['bob', 'cy'], 'oneOnOne');
    graph.addChat('cy-dee', ['cy', 'dee'], 'oneOnOne');
    graph.addChat('everyone', ['ann', 'bob', 'cy', 'dee']);
    let i = 0;
    for (const chatId of ['ann-bob', 'bob-cy', 'cy-dee', 'everyone']) {
      const members = graph.chats.get(chatId)!.members;
      for (const from of members) {
        graph.post(
          chatId,
          { id: `${chatId}-${from}`, from: { user: { id: from } } },
          iso(history + i++ * 1000),
        );
      }
    }
    service = new BackupService({
      store,
      blobs: new FsBlobStore({ dir }),
      graphFor: async () => graph,
      clock: systemClock,
      settings: resolveBackupSettings({
        concurrency: 4,
        idlePollMs: 10,
        progressEveryMs: 50,
        watermarkOverlapMs: 0,
      }),
      logger: silentLogger(),
    });
    scopes = new ScopeService({
      store,
      directory: {
        find: async (_tenantId, key) => {
          const user = graph.users_.find((u) => u.id === key);
          return (
            user && {
              id: user.id,
              userPrincipalName: user.userPrincipalName,
              displayName: user.displayName ?? user.id,
            }
          );
        },
      },
      audit: { appendAudit: async (event) => ({ ...event, id: '1' }) },
      clock: systemClock,
      // Groups of the fake tenant, through a token that may read them.
      groups: {
        open: async () => ({
          kind: 'token',
          roles: ['GroupMember.Read.All'],
          reader: {
            group: async (id) => (graph.groups.has(id) ? { id, displayName: id } : undefined),
            groupsNamed: async (name) => (graph.groups.has(name) ? [{ id: name, displayName: name }] : []),
            userMembers: (id) => graph.groupUserMembers(id),
          },
        }),
      },
    });
  });
  afterEach(async () => {
    await service.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const backup = async (options: { mode?: 'full' | 'incremental'; strategy?: HarvestStrategyName } = {}) => {
    const result = await (await service.startRun(TENANT, { trigger: { kind: 'cli' }, ...options })).done;
    assert.equal(result.run.outcome, 'succeeded', JSON.stringify(result.run.errors));
    return result;
  };
  const scopeTo = (mode: ScopeMode, users: string[] = []) => scopes.set(TENANT, ADMIN, { mode, users });
  const storedChats = async () => {
    const chats = new Set<string>();
    for await (const v of store.iterateVersions(TENANT)) chats.add(v.chatId);
    return [...chats].sort();
  };
  const knownChats = async () =>
    (await store.listChats(TENANT, { limit: 100 })).items.map((c) => c.chatId).sort();

  it('reads only the chats of the people `only` lists, and records every directory user', async () => {
    await scopeTo('only', ['ann']);
    const first = await backup();
    assert.equal(first.run.counters.users, 1);
    assert.deepEqual(await knownChats(), ['ann-bob', 'everyone']);
    assert.deepEqual(await storedChats(), ['ann-bob', 'everyone']);
    // Group chats are kept whole: every member's messages, in scope or not.
    assert.equal((await store.countMessages(TENANT, { chatId: 'everyone' })).messages, 4);
    assert.equal((await store.listUsers(TENANT)).items.length, 4);
    assert.ok(!graph.calls.some((c) => / (bob|cy|dee)$/.test(c)), graph.calls.join('\n'));
  });

  it('leaves out the 1:1 chats among excluded people under `allExcept`, and keeps mixed ones', async () => {
    await scopeTo('allExcept', ['cy', 'dee']);
    await backup();
    assert.deepEqual(await storedChats(), ['ann-bob', 'bob-cy', 'everyone']);
    assert.equal((await store.countMessages(TENANT, { chatId: 'bob-cy' })).messages, 2);
  });

  it('stops reading people taken out of scope, keeps what was backed up, and plans no chat left out', async () => {
    await backup();
    const before = await store.countMessages(TENANT);
    const bobMark = await store.getCheckpoint<Watermark>(TENANT, userWatermarkKey('bob'));
    await scopeTo('only', ['ann']);
    graph.post('cy-dee', { id: 'later-cy-dee' });
    graph.post('ann-bob', { id: 'later-ann-bob' });
    await backup({ mode: 'incremental' });
    assert.deepEqual(await store.countMessages(TENANT), {
      ...before,
      messages: before.messages + 1,
      versions: before.versions + 1,
    });
    assert.ok((await store.getMessageHeads(TENANT, 'ann-bob', ['later-ann-bob'])).has('later-ann-bob'));

    // A full run under every strategy reads no chat without anyone in scope, and moves no watermark
    // of a user it did not read.
    for (const strategy of ['per-chat', 'hybrid', 'per-user'] as const) {
      graph.calls.length = 0;
      await backup({ mode: 'full', strategy });
      const read = graph.calls.filter((c) => /^(chatMessages|allMessages|userChats)/.test(c));
      assert.ok(
        read.every((c) => /ann/.test(c) || /everyone/.test(c)),
        `${strategy}: ${read.join(', ')}`,
      );
    }
    assert.equal((await store.getMessageHeads(TENANT, 'cy-dee', ['later-cy-dee'])).size, 0);
    assert.deepEqual(await store.getCheckpoint<Watermark>(TENANT, userWatermarkKey('bob')), bobMark);
  });

  it('reads the whole history of people coming into scope, even with a watermark from before', async () => {
    await backup();
    await scopeTo('only', ['ann']);
    // While Bob is out of scope he joins a chat whose history no one in scope could see.
    graph.addUser('fay', { licensed: false });
    graph.addChat('bob-fay', ['fay', 'bob']);
    graph.post('bob-fay', { id: 'old-news', from: { user: { id: 'fay' } } }, iso(history - DAY));
    await backup({ mode: 'incremental' });
    assert.deepEqual(await storedChats(), ['ann-bob', 'bob-cy', 'cy-dee', 'everyone']);

    await scopeTo('all');
    graph.windows.length = 0;
    await backup({ mode: 'incremental' });
    const windows = Object.fromEntries(graph.windows.map((w) => [w.userId, w.window]));
    assert.deepEqual(windows['bob'], {}, 'Bob is read whole: his watermark predates his return');
    assert.ok(windows['ann']?.after, 'Ann, in scope all along, is read from her watermark');
    assert.ok((await store.getMessageHeads(TENANT, 'bob-fay', ['old-news'])).has('old-news'));

    // Once read whole, he is read from his new watermark, even by a run right after.
    graph.windows.length = 0;
    await backup({ mode: 'incremental' });
    assert.ok(graph.windows.find((w) => w.userId === 'bob')?.window.after);
  });

  it('reads the whole of a chat it never had when someone in scope turns up in it', async () => {
    await scopeTo('only', ['ann']);
    await backup();
    // Cy and Dee's group chat, with its history, then Ann added to it.
    graph.addChat('cy-dee-group', ['cy', 'dee']);
    graph.post('cy-dee-group', { id: 'before-ann', from: { user: { id: 'cy' } } }, iso(history));
    graph.chats.get('cy-dee-group')!.members.push('ann');
    graph.post('cy-dee-group', { id: 'welcome', from: { user: { id: 'dee' } } });
    await backup({ mode: 'incremental' });
    const heads = await store.getMessageHeads(TENANT, 'cy-dee-group', ['before-ann', 'welcome']);
    assert.deepEqual([...heads.keys()].sort(), ['before-ann', 'welcome']);
  });

  it('follows a group’s members run by run, and reads a member who comes back whole', async () => {
    graph.groups.set('team', ['ann', 'bob']);
    await scopeTo('only', ['group:team']);
    await backup();
    assert.deepEqual(await storedChats(), ['ann-bob', 'bob-cy', 'everyone']);

    // Bob leaves the group: the next run does not read him.
    graph.groups.set('team', ['ann']);
    graph.windows.length = 0;
    await backup({ mode: 'incremental' });
    assert.deepEqual(
      graph.windows.map((w) => w.userId),
      ['ann'],
    );
    // While out, he joins a chat whose history no one in scope could see; then he is back.
    graph.addUser('fay', { licensed: false });
    graph.addChat('bob-fay', ['fay', 'bob']);
    graph.post('bob-fay', { id: 'old-news', from: { user: { id: 'fay' } } }, iso(history - DAY));
    graph.groups.set('team', ['ann', 'bob']);
    graph.windows.length = 0;
    await backup({ mode: 'incremental' });
    const windows = Object.fromEntries(graph.windows.map((w) => [w.userId, w.window]));
    assert.deepEqual(windows['bob'], {}, 'read whole: his watermark predates his return to the group');
    assert.ok(windows['ann']?.after, 'Ann, in the group all along, is read from her watermark');
    assert.ok((await store.getMessageHeads(TENANT, 'bob-fay', ['old-news'])).has('old-news'));
    assert.equal((await scopes.get(TENANT)).version, 1, 'membership changes are not saves');
  });

  it('picks up a new user under `all` and not under `only`', async () => {
    await scopeTo('only', ['ann']);
    await backup();
    graph.addUser('gus');
    graph.addChat('gus-cy', ['gus', 'cy'], 'oneOnOne');
    graph.post('gus-cy', { id: 'hi-cy' });
    await backup({ mode: 'incremental' });
    assert.equal((await store.getUser(TENANT, 'gus'))?.state, 'active');
    assert.ok(!(await storedChats()).includes('gus-cy'));

    await scopeTo('all');
    await backup({ mode: 'incremental' });
    assert.ok((await storedChats()).includes('gus-cy'));
    assert.ok((await storedChats()).includes('cy-dee'), 'and the rest, in full');
    assert.equal((await store.countMessages(TENANT)).messages, 11);
  });

  it('lets a full run move the watermarks only of people in scope since before it began', () => {
    const scope = new UserScope({
      mode: 'allExcept',
      users: [{ id: 'out', userPrincipalName: 'out@example.test', displayName: 'Out' }],
      version: 2,
      othersSince: null,
      since: { early: '2025-05-01T00:00:00.000Z', late: '2025-05-01T11:55:00.000Z' },
    });
    const start = '2025-05-01T12:00:00.000Z';
    assert.equal(readWholeBy(scope, 'always', start, 600_000), true);
    assert.equal(readWholeBy(scope, 'early', start, 600_000), true);
    assert.equal(readWholeBy(scope, 'late', start, 600_000), false, 'came in within the margin');
    assert.equal(readWholeBy(scope, 'out', start, 600_000), false);
  });

  it('trusts a watermark only from a read that saw the user in scope since the same time', () => {
    const since = '2025-05-01T12:00:00.000Z';
    assert.equal(watermarkFollowsScope({ after: since }, null), true, 'written before scopes existed');
    assert.equal(watermarkFollowsScope({ after: since, scopeSince: null }, null), true);
    assert.equal(watermarkFollowsScope({ after: since }, since), false);
    assert.equal(
      watermarkFollowsScope({ after: since, scopeSince: '2025-04-01T00:00:00.000Z' }, since),
      false,
    );
    assert.equal(watermarkFollowsScope({ after: since, scopeSince: since }, since), true);
  });
});

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
