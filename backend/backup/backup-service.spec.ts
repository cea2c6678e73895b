import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { FsBlobStore } from '../blobs/fs-blob-store';
import { systemClock } from '../connection/clock';
import { silentLogger } from '../observability/logger';
import type { BackupStore } from '../store/backup-store';
import { openSqlite } from '../store/sqlite/open-sqlite';
import { createSqliteBackupStore } from '../store/sqlite/sqlite-backup-store';
import { BackupService } from './backup-service';
import { resolveBackupSettings } from './backup-settings';
import type { BackupEvent } from './run/progress-events';
import { GraphReadError } from '../graph/tenant-graph-source';
import { FakeGraphSource } from './testdata/fake-graph-source';

const TENANT = '8e5f4c1a-2b3d-4e6f-8a9b-0c1d2e3f4a5b';

describe('BackupService (fake Graph, SQLite store)', () => {
  let db: Database.Database;
  let store: BackupStore;
  let dir: string;
  let graph: FakeGraphSource;
  let service: BackupService;

  const make = (settings = {}) =>
    new BackupService({
      store,
      blobs: new FsBlobStore({ dir }),
      graphFor: async () => graph,
      clock: systemClock,
      settings: resolveBackupSettings({
        concurrency: 4,
        idlePollMs: 10,
        progressEveryMs: 50,
        watermarkOverlapMs: 0,
        ...settings,
      }),
      logger: silentLogger(),
    });
  const backup = async (options: { mode?: 'full' | 'incremental' } = {}) =>
    (await service.startRun(TENANT, { trigger: { kind: 'cli' }, ...options })).done;

  beforeEach(() => {
    db = openSqlite(':memory:');
    store = createSqliteBackupStore(db);
    dir = mkdtempSync(join(tmpdir(), 'chatvault-backup-'));
    graph = new FakeGraphSource();
    for (const user of ['ann', 'bob', 'cy']) graph.addUser(user);
    graph.addUser('dee', { licensed: false });
    graph.addUser('eve', { enabled: false });
    graph.addChat('chat-ab', ['ann', 'bob'], 'oneOnOne');
    graph.addChat('chat-abcd', ['ann', 'bob', 'cy', 'dee']);
    const history = Date.now() - 86_400_000;
    for (let i = 0; i < 120; i++) {
      graph.post(
        i % 2 ? 'chat-ab' : 'chat-abcd',
        { id: `m${i}` },
        new Date(history + i * 1000).toISOString(),
      );
    }
    service = make();
  });
  afterEach(async () => {
    await service.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs every message up once in the first (full) run and skips users Graph refuses', async () => {
    const result = await backup();
    assert.equal(result.mode, 'full');
    assert.equal(result.run.outcome, 'succeeded', JSON.stringify(result.run.errors));
    assert.deepEqual(await store.countMessages(TENANT), { messages: 120, versions: 120, deleted: 0 });
    assert.equal(result.run.counters.messagesNew, 120);
    assert.deepEqual(
      result.run.errors.map((e) => [e.kind, e.count]),
      [['user_unlicensed', 1]],
    );
    assert.equal((await store.getUser(TENANT, 'dee'))?.state, 'unlicensed');
    assert.equal((await store.getUser(TENANT, 'eve'))?.state, 'disabled');
    assert.ok(!graph.calls.some((c) => c.endsWith(' eve')), 'a disabled user is not read');
  });

  it('fails the run, and says why, when Graph refuses the app itself', async () => {
    graph.beforeCall = (call) => {
      if (call === 'users') throw new GraphReadError('unauthorized', 'No access token was accepted.', 401);
    };
    const result = await backup();
    assert.equal(result.run.outcome, 'failed');
    assert.deepEqual(
      result.run.errors.map((e) => e.kind),
      ['graph_unauthorized'],
    );
    assert.equal((await service.status(TENANT)).active, undefined, 'the tenant is free for its next run');
  });

  it('fails a run in which Graph refuses every user (consent revoked)', async () => {
    for (const user of graph.users_) user.licensed = false;
    const result = await backup();
    assert.equal(result.run.outcome, 'failed');
  });

  it('reads one page per user in an incremental run of an unchanged tenant', async () => {
    await backup();
    graph.calls.length = 0;
    const result = await backup();
    assert.equal(result.mode, 'incremental');
    assert.equal(result.run.outcome, 'succeeded');
    // The unlicensed user is asked again (a license may have been assigned since), and refused.
    assert.deepEqual(graph.calls.sort(), [
      'allMessages ann',
      'allMessages bob',
      'allMessages cy',
      'userChats dee',
      'users',
    ]);
    assert.equal(result.run.counters.versions, 0);
  });

  it('stores a new version for an edit, a reaction and a deletion, keeping the earlier ones', async () => {
    await backup();
    graph.post('chat-ab', { id: 'm1', body: { contentType: 'text', content: 'edited' } });
    graph.post('chat-ab', { id: 'm3', reactions: [{ reactionType: 'like' }] });
    graph.post('chat-abcd', {
      id: 'm2',
      deletedDateTime: new Date().toISOString(),
      body: { contentType: 'html', content: '' },
    });
    graph.post('chat-abcd', { id: 'm200' });
    const result = await backup();
    assert.deepEqual(
      [
        result.run.counters.messagesNew,
        result.run.counters.messagesChanged,
        result.run.counters.messagesDeleted,
      ],
      [1, 2, 1],
    );
    const heads = await store.getMessageHeads(TENANT, 'chat-abcd', ['m2']);
    assert.equal(heads.get('m2')?.deleted, true);
    assert.equal(heads.get('m2')?.versionCount, 2);
    assert.deepEqual(await store.countMessages(TENANT), { messages: 121, versions: 124, deleted: 1 });
  });

  it('re-reads members and pins when their system events arrive, and lists a new chat', async () => {
    await backup();
    graph.calls.length = 0;
    graph.chats.get('chat-ab')!.members.push('cy');
    graph.post('chat-ab', {
      id: 'added',
      messageType: 'systemEventMessage',
      from: null,
      eventDetail: { '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail' },
    });
    graph.pins.set('chat-abcd', ['m0']);
    graph.post('chat-abcd', {
      id: 'pinned',
      messageType: 'systemEventMessage',
      from: null,
      eventDetail: { '@odata.type': '#microsoft.graph.messagePinnedEventMessageDetail' },
    });
    graph.addChat('chat-new', ['cy', 'bob']);
    graph.post('chat-new', { id: 'hello', from: { user: { id: 'cy' } } });
    const result = await backup();
    assert.equal(result.run.outcome, 'succeeded');
    assert.ok(graph.calls.includes('chatMembers chat-ab'));
    assert.ok(graph.calls.includes('pinnedMessages chat-abcd'));
    assert.ok((await store.getMembers(TENANT, 'chat-ab')).some((m) => m.userId === 'cy' && m.present));
    assert.deepEqual(
      (await store.getPinnedMessages(TENANT, 'chat-abcd'))?.pinned.map((p) => p.messageId),
      ['m0'],
    );
    assert.ok(await store.getChat(TENANT, 'chat-new'));
  });

  it('stores each hosted content once, by its hash, and reports one Graph no longer serves', async () => {
    graph.hosted.set('img1', { bytes: Buffer.from('picture one'), contentType: 'image/png' });
    const html = (ids: string[]) =>
      ids
        .map(
          (id) =>
            `<img src="https://graph.example/v1.0/chats/chat-ab/messages/x/hostedContents/${id}/$value">`,
        )
        .join('');
    graph.post('chat-ab', { id: 'x', body: { contentType: 'html', content: html(['img1', 'gone']) } });
    const result = await backup();
    assert.equal(result.run.outcome, 'partial');
    assert.deepEqual(result.run.errors.find((e) => e.kind === 'hosted_content_missing')?.count, 1);
    assert.equal(result.run.counters.blobs, 1);
    const heads = await store.getMessageHeads(TENANT, 'chat-ab', ['x']);
    assert.ok(heads.get('x'));
    let stored: string[] = [];
    for await (const v of store.iterateVersions(TENANT, { chatId: 'chat-ab' })) {
      if (v.messageId === 'x') stored = v.hostedContents.map((h) => h.sha256);
    }
    assert.equal(stored.length, 1);
    assert.equal((await new FsBlobStore({ dir }).getBuffer(TENANT, stored[0]!)).toString(), 'picture one');
  });

  /** Makes every getAllMessages wait until `open` is called; a cancelled read fails as Graph's do. */
  function holdMessages(): () => void {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const read = graph.allMessages.bind(graph);
    graph.allMessages = (userId, window, options) =>
      (async function* () {
        await new Promise<void>((resolve, reject) => {
          void gate.then(resolve);
          options?.signal?.addEventListener('abort', () =>
            reject(new GraphReadError('cancelled', 'cancelled')),
          );
        });
        yield* read(userId, window, options);
      })();
    return open;
  }

  async function until(events: BackupEvent[], test: (event: BackupEvent) => boolean): Promise<void> {
    while (!events.some(test)) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('reports progress events and finishes a cancelled run as cancelled', async () => {
    const events: BackupEvent[] = [];
    service.onProgress((event) => events.push(event));
    holdMessages();
    const handle = await service.startRun(TENANT, { trigger: { kind: 'cli' } });
    await until(events, (e) => e.type === 'progress' && e.run.phase === 'reading messages');
    assert.equal(await service.cancel(TENANT), true);
    const result = await handle.done;
    assert.equal(result.run.outcome, 'cancelled');
    assert.equal(events[0]?.type, 'run-started');
    assert.equal(events[events.length - 1]?.type, 'run-finished');
    assert.equal(await service.cancel(TENANT), false, 'no run is under way any more');
    // The next run starts afresh: nothing of the cancelled one is left to resume.
    graph.allMessages = FakeGraphSource.prototype.allMessages.bind(graph);
    const next = await backup();
    assert.notEqual(next.run.runId, result.run.runId);
    assert.equal(next.run.outcome, 'succeeded');
  });

  it('joins the run under way instead of starting a second one', async () => {
    const other = make();
    const events: BackupEvent[] = [];
    other.onProgress((event) => events.push(event));
    const open = holdMessages();
    try {
      const first = await service.startRun(TENANT, { trigger: { kind: 'cli' } });
      const second = await other.startRun(TENANT, { trigger: { kind: 'schedule' } });
      await until(events, (e) => e.type === 'run-started');
      open();
      const [a, b] = await Promise.all([first.done, second.done]);
      assert.equal(a.run.runId, b.run.runId);
      assert.deepEqual([a.role, b.role], ['coordinator', 'helper']);
      assert.equal((await store.listRuns(TENANT)).items.length, 1);
      assert.equal(graph.calls.filter((c) => c === 'users').length, 1);
      assert.equal(a.run.outcome, 'succeeded');
    } finally {
      await other.close();
    }
  });
});
