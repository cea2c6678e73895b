import assert from 'node:assert/strict';
import { ManualClock } from '../../test/support/manual-clock';
import type { MessageHead, MessageVersion, RunErrorInput, StoredMessageVersion } from './backup-records';
import { isBackupStoreError } from './backup-store-error';
import type { BackupStore } from './backup-store';
import { classifyFetchedMessage, messageVersionId } from './message-heads';

/**
 * What a test harness gives the contract: a fresh, empty store on the given clock, and a way to
 * make document writes fail as if the process had crashed.
 */
export interface BackupStoreHarness {
  store: BackupStore;
  /** Every document write from the `n`-th one (0-based, counted from this call) on fails, until `heal()`. */
  failWritesFrom(n: number): void;
  heal(): void;
  /** Document writes attempted since the harness opened. */
  writes(): number;
  close(): Promise<void> | void;
}

/** A harness whose `beforeWrite` an adapter calls before each document write. */
export function writeFaults(): Pick<BackupStoreHarness, 'failWritesFrom' | 'heal' | 'writes'> & {
  beforeWrite(): void;
} {
  let count = 0;
  let failFrom = Infinity;
  return {
    beforeWrite() {
      count++;
      if (count > failFrom) throw new Error('injected crash: write refused');
    },
    failWritesFrom(n) {
      failFrom = count + n;
    },
    heal() {
      failFrom = Infinity;
    },
    writes: () => count,
  };
}

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const CHAT1 = '19:0a1b2c3d4e5f@thread.v2';
const CHAT2 = '19:9f8e7d6c5b4a@thread.v2';
const CHAT_1ON1 = '19:aaaa_bbbb@unq.gbl.spaces';
const RUN = 'run-0001';

/** A version of a message, with a raw Graph chatMessage shaped like the documented examples. */
export function version(
  chatId: string,
  messageId: string,
  options: {
    etag?: string | null;
    modified?: string | null;
    deleted?: string | null;
    text?: string;
    capturedAt?: string;
    from?: string | null;
    runId?: string;
    hosted?: MessageVersion['hostedContents'];
  } = {},
): MessageVersion {
  const created = new Date(Number(messageId)).toISOString();
  const modified = options.modified === undefined ? created : options.modified;
  const etag = options.etag === undefined ? messageId : options.etag;
  const from = options.from === undefined ? 'user-ada' : options.from;
  const deleted = options.deleted ?? null;
  const message: Record<string, unknown> = {
    '@odata.type': '#microsoft.graph.chatMessage',
    id: messageId,
    replyToId: null,
    etag,
    messageType: 'message',
    createdDateTime: created,
    lastModifiedDateTime: modified,
    lastEditedDateTime: null,
    deletedDateTime: deleted,
    subject: null,
    summary: null,
    chatId,
    importance: 'normal',
    locale: 'en-us',
    webUrl: null,
    channelIdentity: null,
    policyViolation: null,
    eventDetail: null,
    from: from
      ? {
          application: null,
          device: null,
          user: {
            '@odata.type': '#microsoft.graph.teamworkUserIdentity',
            id: from,
            displayName: 'Ada',
            userIdentityType: 'aadUser',
            tenantId: A,
          },
        }
      : null,
    body: { contentType: 'html', content: deleted ? '' : `<p>${options.text ?? `message ${messageId}`}</p>` },
    attachments: [],
    mentions: [],
    reactions: [],
    messageHistory: [],
  };
  return {
    chatId,
    messageId,
    etag,
    lastModifiedDateTime: modified,
    createdDateTime: created,
    deletedDateTime: deleted,
    fromUserId: from,
    messageType: 'message',
    capturedAt: options.capturedAt ?? '2026-06-01T00:00:00.000Z',
    runId: options.runId ?? RUN,
    message,
    hostedContents: options.hosted ?? [],
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Everything the message store holds for a tenant, in a form two stores can be compared by. */
async function messageState(
  store: BackupStore,
  tenantId: string,
): Promise<{ versions: StoredMessageVersion[]; heads: MessageHead[]; counts: unknown }> {
  const versions = await collect(store.iterateVersions(tenantId, { pageSize: 3 }));
  const ids = new Map<string, Set<string>>();
  for (const v of versions) {
    if (!ids.has(v.chatId)) ids.set(v.chatId, new Set());
    ids.get(v.chatId)!.add(v.messageId);
  }
  const heads: MessageHead[] = [];
  for (const [chatId, messageIds] of ids) {
    const found = await store.getMessageHeads(tenantId, chatId, [...messageIds]);
    heads.push(...[...found.values()].sort((a, b) => a.messageId.localeCompare(b.messageId)));
  }
  return { versions, heads, counts: await store.countMessages(tenantId) };
}

async function pageAll<T>(
  fetch: (cursor: string | undefined) => Promise<{ items: T[]; next?: string }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    cursor = page.next;
    pages++;
    assert.ok(pages < 100, 'paging ends');
  } while (cursor);
  return { items, pages };
}

/**
 * The behaviour every BackupStore adapter must show. Each test gets a fresh store on a manual
 * clock; the SQLite spec and the Cosmos DB spec (against the in-memory Cosmos server) run it.
 */
export function describeBackupStoreContract(
  name: string,
  open: (clock: ManualClock) => Promise<BackupStoreHarness>,
): void {
  describe(`BackupStore contract: ${name}`, function () {
    this.timeout(20_000);
    let clock: ManualClock;
    let harness: BackupStoreHarness;
    let store: BackupStore;
    const opened: BackupStoreHarness[] = [];

    async function openStore(): Promise<BackupStoreHarness> {
      const h = await open(clock);
      opened.push(h);
      return h;
    }

    beforeEach(async () => {
      clock = new ManualClock('2026-06-01T00:00:00.000Z');
      harness = await openStore();
      store = harness.store;
    });
    afterEach(async () => {
      for (const h of opened.splice(0)) await h.close();
    });

    describe('directory', () => {
      it('upserts users and keeps their backup status when discovery writes them again', async () => {
        await store.upsertUsers(A, [
          { userId: 'u1', upn: 'ada@contoso.com', displayName: 'Ada', state: 'active' },
        ]);
        clock.advance(1000);
        await store.setUserBackupStatus(A, 'u1', {
          lastBackedUpAt: '2026-06-01T00:00:01.000Z',
          lastError: {
            kind: 'throttled',
            message: 'Graph kept answering 429.',
            at: '2026-06-01T00:00:01.000Z',
          },
        });
        await store.upsertUsers(A, [
          { userId: 'u1', upn: 'ada@fabrikam.com', displayName: 'Ada L.', state: 'unlicensed' },
        ]);
        const user = await store.getUser(A, 'u1');
        assert.equal(user?.upn, 'ada@fabrikam.com');
        assert.equal(user?.state, 'unlicensed');
        assert.equal(user?.lastBackedUpAt, '2026-06-01T00:00:01.000Z');
        assert.equal(user?.lastError?.kind, 'throttled');
        assert.equal(user?.updatedAt, '2026-06-01T00:00:01.000Z');

        await store.setUserBackupStatus(A, 'u1', { lastError: null });
        const cleared = await store.getUser(A, 'u1');
        assert.equal(cleared?.lastError, undefined);
        assert.equal(cleared?.lastBackedUpAt, '2026-06-01T00:00:01.000Z', 'kept when not given');
      });

      it('refuses a backup status for a user never discovered', async () => {
        await assert.rejects(store.setUserBackupStatus(A, 'ghost', { lastError: null }), (e: unknown) =>
          isBackupStoreError(e, 'not_found'),
        );
      });

      it('lists users by id, page by page, each once', async () => {
        const users = Array.from({ length: 7 }, (_, i) => ({
          userId: `user-${String(i).padStart(2, '0')}`,
          upn: `u${i}@contoso.com`,
          displayName: `User ${i}`,
          state: 'active' as const,
        }));
        await store.upsertUsers(A, [...users].reverse());
        const { items, pages } = await pageAll((cursor) => store.listUsers(A, { limit: 3, cursor }));
        assert.deepEqual(
          items.map((u) => u.userId),
          users.map((u) => u.userId),
        );
        assert.ok(pages >= 3);
      });
    });

    describe('chats', () => {
      const chat = (chatId: string, topic: string | null, updated: string) => ({
        chatId,
        chatType: 'group' as const,
        topic,
        createdDateTime: '2026-01-01T00:00:00.000Z',
        lastUpdatedDateTime: updated,
        webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chatId)}/0`,
        raw: { id: chatId, topic, chatType: 'group', lastUpdatedDateTime: updated, tenantId: A },
      });

      it('keeps the chat as Graph sent it, with its topic history, never rolled back by a stale listing', async () => {
        await store.upsertChats(
          A,
          [chat(CHAT1, 'Launch', '2026-05-01T00:00:00.000Z')],
          '2026-06-01T00:00:00.000Z',
        );
        await store.upsertChats(
          A,
          [chat(CHAT1, 'Launch v2', '2026-05-02T00:00:00.000Z')],
          '2026-06-02T00:00:00.000Z',
        );
        // Listed again through another member, from before the rename.
        await store.upsertChats(
          A,
          [chat(CHAT1, 'Launch', '2026-05-01T00:00:00.000Z')],
          '2026-06-03T00:00:00.000Z',
        );
        // The same listing again changes nothing.
        await store.upsertChats(
          A,
          [chat(CHAT1, 'Launch v2', '2026-05-02T00:00:00.000Z')],
          '2026-06-02T00:00:00.000Z',
        );

        const stored = await store.getChat(A, CHAT1);
        assert.equal(stored?.topic, 'Launch v2');
        assert.deepEqual(stored?.raw, chat(CHAT1, 'Launch v2', '2026-05-02T00:00:00.000Z').raw);
        assert.deepEqual(stored?.topicHistory, [
          { topic: 'Launch', seenAt: '2026-06-01T00:00:00.000Z' },
          { topic: 'Launch v2', seenAt: '2026-06-02T00:00:00.000Z' },
        ]);
        assert.equal(stored?.firstSeenAt, '2026-06-01T00:00:00.000Z');
        assert.equal(stored?.lastSeenAt, '2026-06-03T00:00:00.000Z');
      });

      it('records who joined and left, and lists chats by member', async () => {
        const member = (userId: string) => ({
          userId,
          membershipId: `m-${userId}`,
          displayName: userId,
          email: `${userId}@contoso.com`,
          roles: ['owner'],
          memberTenantId: A,
          visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
        });
        await store.upsertChats(
          A,
          [chat(CHAT1, 'one', '2026-05-01T00:00:00.000Z'), chat(CHAT2, 'two', '2026-05-01T00:00:00.000Z')],
          '2026-06-01T00:00:00.000Z',
        );
        const t1 = '2026-06-01T00:00:00.000Z';
        const t2 = '2026-06-02T00:00:00.000Z';
        const t3 = '2026-06-03T00:00:00.000Z';
        assert.deepEqual(await store.recordMembers(A, CHAT1, [member('ada'), member('bob')], t1), {
          applied: true,
          joined: ['ada', 'bob'],
          left: [],
        });
        await store.recordMembers(A, CHAT2, [member('bob')], t1);
        assert.deepEqual(await store.recordMembers(A, CHAT1, [member('ada')], t2), {
          applied: true,
          joined: [],
          left: ['bob'],
        });
        // Repeating a snapshot, or applying an older one, changes nothing.
        assert.deepEqual(await store.recordMembers(A, CHAT1, [member('ada')], t2), {
          applied: true,
          joined: [],
          left: [],
        });
        assert.equal(
          (await store.recordMembers(A, CHAT1, [member('ada'), member('bob')], t1)).applied,
          false,
        );
        assert.deepEqual((await store.recordMembers(A, CHAT1, [member('ada'), member('bob')], t3)).joined, [
          'bob',
        ]);

        const members = await store.getMembers(A, CHAT1);
        assert.deepEqual(
          members.map((m) => m.userId),
          ['ada', 'bob'],
        );
        const bob = members.find((m) => m.userId === 'bob')!;
        assert.equal(bob.present, true);
        assert.equal(bob.firstSeenAt, t1);
        assert.equal(bob.lastSeenAt, t3);
        assert.deepEqual(bob.periods, [
          { joinedSeenAt: t1, leftSeenAt: t2 },
          { joinedSeenAt: t3, leftSeenAt: null },
        ]);

        await store.recordMembers(A, CHAT2, [], t2);
        const everBob = await store.listChats(A, { memberUserId: 'bob' });
        assert.deepEqual(
          everBob.items.map((c) => c.chatId),
          [CHAT1, CHAT2].sort(),
        );
        const nowBob = await store.listChats(A, { memberUserId: 'bob', currentOnly: true });
        assert.deepEqual(
          nowBob.items.map((c) => c.chatId),
          [CHAT1],
        );
      });

      it('lists chats page by page', async () => {
        const ids = Array.from({ length: 5 }, (_, i) => `19:chat-${i}@thread.v2`);
        await store.upsertChats(
          A,
          ids.map((id) => chat(id, id, '2026-05-01T00:00:00.000Z')),
          '2026-06-01T00:00:00.000Z',
        );
        const { items } = await pageAll((cursor) => store.listChats(A, { limit: 2, cursor }));
        assert.deepEqual(
          items.map((c) => c.chatId),
          ids,
        );
      });

      it('replaces the pinned messages snapshot unless a newer one is stored', async () => {
        const pin = (id: string) => ({
          pinnedMessageId: `p${id}`,
          messageId: id,
          raw: { id: `p${id}`, message: { id } },
        });
        assert.equal(
          await store.putPinnedMessages(A, CHAT1, [pin('1'), pin('2')], '2026-06-02T00:00:00.000Z'),
          true,
        );
        assert.equal(await store.putPinnedMessages(A, CHAT1, [pin('1')], '2026-06-01T00:00:00.000Z'), false);
        const snapshot = await store.getPinnedMessages(A, CHAT1);
        assert.equal(snapshot?.seenAt, '2026-06-02T00:00:00.000Z');
        assert.deepEqual(
          snapshot?.pinned.map((p) => p.messageId),
          ['1', '2'],
        );
        assert.equal(await store.putPinnedMessages(A, CHAT1, [], '2026-06-03T00:00:00.000Z'), true);
        assert.deepEqual((await store.getPinnedMessages(A, CHAT1))?.pinned, []);
      });
    });

    describe('message versions', () => {
      const batch = [
        version(CHAT1, '1780000000001'),
        version(CHAT1, '1780000000002', {
          hosted: [{ id: 'hc1', sha256: 'ab'.repeat(32), contentType: 'image/png', size: 1234 }],
        }),
        version(CHAT2, '1780000000003', { from: null }),
        version(CHAT_1ON1, '1780000000004'),
      ];

      it('stores the Graph message exactly as received and keeps one copy of a batch written twice', async () => {
        assert.deepEqual(await store.putMessageVersions(A, batch), {
          newMessages: 4,
          newVersions: 4,
          deletionsSeen: 0,
          unchanged: 0,
        });
        const before = await messageState(store, A);
        assert.deepEqual(await store.putMessageVersions(A, batch), {
          newMessages: 0,
          newVersions: 0,
          deletionsSeen: 0,
          unchanged: 4,
        });
        assert.deepEqual(await messageState(store, A), before);
        assert.deepEqual(before.counts, { messages: 4, versions: 4, deleted: 0 });
        const stored = before.versions.find((v) => v.messageId === '1780000000002')!;
        assert.deepEqual(stored.message, batch[1]!.message);
        assert.deepEqual(stored.hostedContents, batch[1]!.hostedContents);
        assert.equal(stored.versionId, messageVersionId(batch[1]!));
      });

      it('classifies fetched messages against their heads: new, unchanged, changed, deleted', async () => {
        await store.putMessageVersions(A, [version(CHAT1, '1780000000001'), version(CHAT1, '1780000000002')]);
        const fetched = [
          version(CHAT1, '1780000000001'),
          version(CHAT1, '1780000000002', {
            etag: '1780000009999',
            modified: '2026-06-01T10:00:00.000Z',
            text: 'edited',
          }),
          version(CHAT1, '1780000000003'),
        ];
        const deleted = version(CHAT1, '1780000000001', {
          etag: '1780000011111',
          modified: '2026-06-02T00:00:00.000Z',
          deleted: '2026-06-02T00:00:00.000Z',
        });
        const heads = await store.getMessageHeads(A, CHAT1, [
          ...fetched.map((m) => m.messageId),
          'never-seen',
        ]);
        assert.deepEqual([...heads.keys()].sort(), ['1780000000001', '1780000000002']);
        assert.deepEqual(
          fetched.map((m) => classifyFetchedMessage(heads.get(m.messageId), m)),
          ['unchanged', 'changed', 'new'],
        );
        assert.equal(classifyFetchedMessage(heads.get('1780000000001'), deleted), 'deleted');

        assert.deepEqual(await store.putMessageVersions(A, [...fetched, deleted]), {
          newMessages: 1,
          newVersions: 3,
          deletionsSeen: 1,
          unchanged: 1,
        });
        const after = await store.getMessageHeads(A, CHAT1, ['1780000000001', '1780000000002']);
        const edited = after.get('1780000000002')!;
        assert.equal(edited.etag, '1780000009999');
        assert.equal(edited.versionCount, 2);
        assert.equal(edited.deleted, false);
        const gone = after.get('1780000000001')!;
        assert.equal(gone.deleted, true);
        assert.equal(gone.deletedDateTime, '2026-06-02T00:00:00.000Z');
        assert.equal(gone.firstSeenDeletedAt, '2026-06-01T00:00:00.000Z');
        assert.equal(classifyFetchedMessage(gone, deleted), 'unchanged');
      });

      it('keeps every earlier version of a deleted message and counts deletions once', async () => {
        const original = version(CHAT1, '1780000000001', { capturedAt: '2026-06-01T00:00:00.000Z' });
        const edit = version(CHAT1, '1780000000001', {
          etag: 'e2',
          modified: '2026-06-01T12:00:00.000Z',
          text: 'second thoughts',
          capturedAt: '2026-06-02T00:00:00.000Z',
        });
        const deletion = version(CHAT1, '1780000000001', {
          etag: 'e3',
          modified: '2026-06-03T00:00:00.000Z',
          deleted: '2026-06-03T00:00:00.000Z',
          capturedAt: '2026-06-03T01:00:00.000Z',
        });
        await store.putMessageVersions(A, [original]);
        await store.putMessageVersions(A, [edit]);
        assert.equal((await store.putMessageVersions(A, [deletion])).deletionsSeen, 1);
        // Deleted messages stay readable in Graph for 21 days: the next runs see the same deletion.
        assert.equal((await store.putMessageVersions(A, [deletion])).deletionsSeen, 0);

        const versions = await collect(store.iterateVersions(A, { chatId: CHAT1 }));
        assert.deepEqual(
          versions.map((v) => [v.versionKey, v.capturedAt]),
          [
            ['1780000000001', '2026-06-01T00:00:00.000Z'],
            ['e2', '2026-06-02T00:00:00.000Z'],
            ['e3', '2026-06-03T01:00:00.000Z'],
          ],
        );
        assert.deepEqual(versions[1]!.message, edit.message);
        assert.deepEqual(await store.countMessages(A), { messages: 1, versions: 3, deleted: 1 });
        const head = (await store.getMessageHeads(A, CHAT1, ['1780000000001'])).get('1780000000001')!;
        assert.equal(head.firstSeenDeletedAt, '2026-06-03T01:00:00.000Z');
        assert.deepEqual(
          head.versions.map((v) => v.versionKey),
          ['1780000000001', 'e2', 'e3'],
        );
      });

      it('stores an older state that arrives late as history without moving the head back', async () => {
        const newer = version(CHAT1, '1780000000001', {
          etag: 'e2',
          modified: '2026-06-01T12:00:00.000Z',
          text: 'v2',
        });
        const older = version(CHAT1, '1780000000001', {
          etag: 'e1',
          modified: '2026-06-01T06:00:00.000Z',
          text: 'v1',
          capturedAt: '2026-06-01T13:00:00.000Z',
        });
        await store.putMessageVersions(A, [newer]);
        assert.equal((await store.putMessageVersions(A, [older])).newVersions, 1);
        const head = (await store.getMessageHeads(A, CHAT1, ['1780000000001'])).get('1780000000001')!;
        assert.equal(head.latestVersionKey, 'e2');
        assert.equal(head.etag, 'e2');
        assert.equal(head.versionCount, 2);
      });

      it('names versions of a message without an etag by lastModifiedDateTime', async () => {
        const first = version(CHAT1, '1780000000001', { etag: null, modified: '2026-06-01T01:00:00.000Z' });
        const second = version(CHAT1, '1780000000001', { etag: null, modified: '2026-06-01T02:00:00.000Z' });
        assert.equal((await store.putMessageVersions(A, [first, first, second])).newVersions, 2);
        assert.equal((await store.putMessageVersions(A, [second])).unchanged, 1);
        const versions = await collect(store.iterateVersions(A));
        assert.deepEqual(
          versions.map((v) => v.versionKey),
          ['lm:2026-06-01T01:00:00.000Z', 'lm:2026-06-01T02:00:00.000Z'],
        );
        assert.equal(versions[0]!.etag, null);
      });

      it('iterates every version in (chatId, messageId, capturedAt) order, page by page, and counts them', async () => {
        const all: MessageVersion[] = [];
        for (const chatId of [CHAT2, CHAT1, CHAT_1ON1]) {
          for (let m = 3; m >= 1; m--) {
            const messageId = `178000000000${m}`;
            for (let v = 0; v < m; v++) {
              all.push(
                version(chatId, messageId, {
                  etag: `${messageId}-${v}`,
                  modified: new Date(Date.UTC(2026, 5, 1, v)).toISOString(),
                  capturedAt: new Date(Date.UTC(2026, 5, 2, v)).toISOString(),
                }),
              );
            }
          }
        }
        await store.putMessageVersions(A, all.slice(0, 7));
        await store.putMessageVersions(A, all.slice(7));
        const expected = all
          .map((v) => [v.chatId, v.messageId, v.capturedAt])
          .sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
        for (const pageSize of [1, 4, 100]) {
          const seen = await collect(store.iterateVersions(A, { pageSize }));
          assert.deepEqual(
            seen.map((v) => [v.chatId, v.messageId, v.capturedAt]),
            expected,
          );
        }
        const chat1 = await collect(store.iterateVersions(A, { chatId: CHAT1, pageSize: 2 }));
        assert.deepEqual(
          chat1.map((v) => [v.chatId, v.messageId, v.capturedAt]),
          expected.filter(([chatId]) => chatId === CHAT1),
        );
        assert.deepEqual(await store.countMessages(A), { messages: 9, versions: 18, deleted: 0 });
        assert.deepEqual(await store.countMessages(A, { chatId: CHAT1 }), {
          messages: 3,
          versions: 6,
          deleted: 0,
        });
      });

      it('converges after a batch cut off at any write and written again', async () => {
        const earlier = [
          version(CHAT1, '1780000000001'),
          version(CHAT1, '1780000000002'),
          version(CHAT2, '1780000000003'),
        ];
        const next = [
          version(CHAT1, '1780000000001', {
            etag: 'e2',
            modified: '2026-06-01T05:00:00.000Z',
            capturedAt: '2026-06-02T00:00:00.000Z',
          }),
          version(CHAT1, '1780000000002', {
            etag: 'e2',
            modified: '2026-06-01T05:00:00.000Z',
            deleted: '2026-06-01T05:00:00.000Z',
            capturedAt: '2026-06-02T00:00:00.000Z',
          }),
          version(CHAT1, '1780000000005', { capturedAt: '2026-06-02T00:00:00.000Z' }),
          version(CHAT2, '1780000000003', { capturedAt: '2026-06-02T00:00:00.000Z' }),
          version(CHAT2, '1780000000006', { capturedAt: '2026-06-02T00:00:00.000Z' }),
          version(CHAT_1ON1, '1780000000007', { capturedAt: '2026-06-02T00:00:00.000Z' }),
        ];
        await store.putMessageVersions(A, earlier);
        const writesBefore = harness.writes();
        await store.putMessageVersions(A, next);
        const writesOfBatch = harness.writes() - writesBefore;
        assert.ok(writesOfBatch > 0);
        const expected = await messageState(store, A);

        for (let cut = 0; cut < writesOfBatch; cut++) {
          const h = await openStore();
          await h.store.putMessageVersions(A, earlier);
          h.failWritesFrom(cut);
          await assert.rejects(h.store.putMessageVersions(A, next), /injected crash/);
          h.heal();
          await h.store.putMessageVersions(A, next);
          assert.deepEqual(
            await messageState(h.store, A),
            expected,
            `cut after ${cut} of ${writesOfBatch} writes`,
          );
          await h.close();
          opened.splice(opened.indexOf(h), 1);
        }
      });
    });

    describe('checkpoints', () => {
      it('stores, replaces and deletes small JSON values by key', async () => {
        assert.equal(await store.getCheckpoint(A, 'delta:user-1'), undefined);
        await store.putCheckpoint(A, 'delta:user-1', { deltaLink: 'https://graph.example/delta?token=1' });
        clock.advance(60_000);
        const saved = await store.putCheckpoint(A, 'delta:user-1', {
          deltaLink: 'https://graph.example/delta?token=2',
        });
        assert.equal(saved.updatedAt, '2026-06-01T00:01:00.000Z');
        assert.deepEqual(await store.getCheckpoint(A, 'delta:user-1'), saved);
        await store.putCheckpoint(A, 'chat:19:x@thread.v2/watermark', '2026-06-01T00:00:00.000Z');
        assert.equal(
          (await store.getCheckpoint(A, 'chat:19:x@thread.v2/watermark'))?.value,
          '2026-06-01T00:00:00.000Z',
        );
        // Keys with characters some media refuse in names, and keys too long for a document id.
        const odd = ['a/b\\c?d#e%f|g', `delta:${'x'.repeat(400)}`, `delta:${'x'.repeat(399)}y`];
        for (const [i, key] of odd.entries()) await store.putCheckpoint(A, key, i);
        for (const [i, key] of odd.entries())
          assert.equal((await store.getCheckpoint(A, key))?.value, i, key);
        assert.equal(await store.deleteCheckpoint(A, 'delta:user-1'), true);
        assert.equal(await store.deleteCheckpoint(A, 'delta:user-1'), false);
        assert.equal(await store.getCheckpoint(A, 'delta:user-1'), undefined);
      });
    });

    describe('runs', () => {
      const error = (kind: string, n: number): RunErrorInput => ({
        kind,
        message: `failure ${n}`,
        at: '2026-06-01T00:00:00.000Z',
        userId: `user-${n}`,
      });

      it('follows a run from start to finish, adding counters and grouping errors', async () => {
        const run = await store.createRun(A, {
          trigger: { kind: 'manual', by: { userId: 'admin-1', displayName: 'Ada' } },
        });
        assert.equal(run.status, 'running');
        assert.equal(run.counters.messagesNew, 0);
        assert.deepEqual(await store.getRun(A, run.runId), run);

        clock.advance(1000);
        await store.updateRunProgress(A, run.runId, {
          phase: 'messages',
          percent: 40,
          add: { messagesNew: 50, versions: 50, requests: 2 },
          errors: Array.from({ length: 7 }, (_, i) => error('chat_forbidden', i)),
        });
        const updated = await store.updateRunProgress(A, run.runId, {
          add: { messagesNew: 25, throttled: 1 },
          errors: [error('throttled', 99)],
        });
        assert.equal(updated.phase, 'messages');
        assert.equal(updated.percent, 40);
        assert.equal(updated.counters.messagesNew, 75);
        assert.equal(updated.counters.versions, 50);
        assert.equal(updated.counters.throttled, 1);
        assert.deepEqual(
          updated.errors.map((g) => [g.kind, g.count, g.examples.length]),
          [
            ['chat_forbidden', 7, 5],
            ['throttled', 1, 1],
          ],
        );
        assert.deepEqual(
          updated.errors[0]!.examples.map((e) => e.userId),
          ['user-0', 'user-1', 'user-2', 'user-3', 'user-4'],
        );

        clock.advance(1000);
        const finished = await store.finishRun(A, run.runId, {
          outcome: 'partial',
          errors: [error('throttled', 100)],
        });
        assert.equal(finished.status, 'finished');
        assert.equal(finished.outcome, 'partial');
        assert.equal(finished.finishedAt, '2026-06-01T00:00:02.000Z');
        assert.equal(finished.errors[1]!.count, 2);

        // The first finish wins; progress after it changes nothing.
        assert.deepEqual(await store.finishRun(A, run.runId, { outcome: 'succeeded' }), finished);
        assert.deepEqual(await store.updateRunProgress(A, run.runId, { add: { users: 1 } }), finished);
        assert.deepEqual(await store.getRun(A, run.runId), finished);
      });

      it('adds up progress reported concurrently by several workers', async () => {
        const run = await store.createRun(A, { trigger: { kind: 'schedule' } });
        await Promise.all(
          Array.from({ length: 8 }, () =>
            store.updateRunProgress(A, run.runId, { add: { versions: 10, bytes: 1000 } }),
          ),
        );
        const after = await store.getRun(A, run.runId);
        assert.equal(after?.counters.versions, 80);
        assert.equal(after?.counters.bytes, 8000);
      });

      it('raises and reads the cancel flag of a running run only', async () => {
        const run = await store.createRun(A, { trigger: { kind: 'cli' } });
        assert.equal(await store.isRunCancelRequested(A, run.runId), false);
        assert.equal(await store.requestRunCancel(A, run.runId), true);
        assert.equal(await store.isRunCancelRequested(A, run.runId), true);
        await store.finishRun(A, run.runId, { outcome: 'cancelled' });
        assert.equal(await store.requestRunCancel(A, run.runId), false);
        assert.equal(await store.requestRunCancel(A, 'no-such-run'), false);
        assert.equal(await store.isRunCancelRequested(A, 'no-such-run'), false);
      });

      it('refuses progress for an unknown run', async () => {
        await assert.rejects(store.updateRunProgress(A, 'no-such-run', { percent: 1 }), (e: unknown) =>
          isBackupStoreError(e, 'not_found'),
        );
        await assert.rejects(store.finishRun(A, 'no-such-run', { outcome: 'failed' }), (e: unknown) =>
          isBackupStoreError(e, 'not_found'),
        );
      });

      it('lists runs newest first, page by page, and finds the latest finished', async () => {
        assert.equal(await store.getLatestFinishedRun(A), undefined);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          ids.push((await store.createRun(A, { trigger: { kind: 'schedule' } })).runId);
          clock.advance(60_000);
        }
        await store.finishRun(A, ids[3]!, { outcome: 'succeeded' });
        clock.advance(60_000);
        await store.finishRun(A, ids[1]!, { outcome: 'failed' });
        const { items } = await pageAll((cursor) => store.listRuns(A, { limit: 2, cursor }));
        assert.deepEqual(
          items.map((r) => r.runId),
          [...ids].reverse(),
        );
        assert.equal((await store.getLatestFinishedRun(A))?.runId, ids[1]);
        const given = await store.createRun(A, { trigger: { kind: 'cli' }, runId: 'run-given' });
        assert.equal(given.runId, 'run-given');
        assert.deepEqual(
          await store.createRun(A, { trigger: { kind: 'schedule' }, runId: 'run-given' }),
          given,
        );
      });
    });

    describe('leases', () => {
      it('lets one holder at a time take a lease, and another take it once it expires', async () => {
        const first = await store.acquireLease(A, 'run', 'worker-1', 30_000);
        assert.equal(first?.holderId, 'worker-1');
        assert.equal(first?.expiresAt, '2026-06-01T00:00:30.000Z');
        assert.equal(await store.acquireLease(A, 'run', 'worker-2', 30_000), undefined);
        assert.equal((await store.getLease(A, 'run'))?.holderId, 'worker-1');

        clock.advance(20_000);
        const renewed = await store.renewLease(first!, 30_000);
        assert.equal(renewed?.expiresAt, '2026-06-01T00:00:50.000Z');
        clock.advance(20_000);
        assert.equal(
          await store.acquireLease(A, 'run', 'worker-2', 30_000),
          undefined,
          'renewed, so still held',
        );

        clock.advance(15_000);
        assert.equal(await store.getLease(A, 'run'), undefined, 'expired');
        const second = await store.acquireLease(A, 'run', 'worker-2', 30_000);
        assert.equal(second?.holderId, 'worker-2');
        assert.equal(await store.renewLease(renewed!, 30_000), undefined, 'the lost lease cannot be renewed');
        assert.equal(await store.releaseLease(renewed!), false, 'nor released by its former holder');
        assert.equal((await store.getLease(A, 'run'))?.holderId, 'worker-2');

        assert.equal(await store.releaseLease(second!), true);
        assert.equal(await store.getLease(A, 'run'), undefined);
        assert.equal((await store.acquireLease(A, 'run', 'worker-1', 30_000))?.holderId, 'worker-1');
      });

      it('gives a lease to exactly one of two holders racing for it', async () => {
        for (let round = 0; round < 5; round++) {
          const name = `race-${round}`;
          const results = await Promise.all([
            store.acquireLease(A, name, 'worker-1', 30_000),
            store.acquireLease(A, name, 'worker-2', 30_000),
          ]);
          const winners = results.filter((r) => r !== undefined);
          assert.equal(winners.length, 1);
          assert.equal((await store.getLease(A, name))?.holderId, winners[0]!.holderId);
        }
      });

      it('renews when its holder acquires it again, keeping when it was first acquired', async () => {
        const first = await store.acquireLease(A, 'run', 'worker-1', 30_000);
        clock.advance(10_000);
        const again = await store.acquireLease(A, 'run', 'worker-1', 30_000);
        assert.equal(again?.acquiredAt, first?.acquiredAt);
        assert.equal(again?.expiresAt, '2026-06-01T00:00:40.000Z');
        assert.equal(await store.renewLease(first!, 30_000), undefined, 'the older token is stale');
      });

      it('refuses a ttl that is not positive', async () => {
        await assert.rejects(store.acquireLease(A, 'run', 'w', 0), (e: unknown) =>
          isBackupStoreError(e, 'invalid_argument'),
        );
      });
    });

    describe('work items', () => {
      const keys = ['user:1', 'user:2', 'user:3', 'user:4'];

      it('seeds items once and shares them between two holders without overlap', async () => {
        assert.equal(await store.addWorkItems(A, RUN, keys), 4);
        assert.equal(await store.addWorkItems(A, RUN, [...keys, 'user:5']), 1);
        const claims = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.claimWorkItem(A, RUN, `worker-${i % 2}`, 60_000)),
        );
        const got = claims.filter((c) => c !== undefined);
        assert.equal(got.length, 5);
        assert.deepEqual(got.map((c) => c.key).sort(), [...keys, 'user:5']);
        assert.deepEqual(await store.countWorkItems(A, RUN), { pending: 0, claimed: 5, done: 0, failed: 0 });
        assert.equal(await store.claimWorkItem(A, RUN, 'worker-0', 60_000), undefined);

        assert.equal(await store.completeWorkItem(got[0]!, 'done'), true);
        assert.equal(await store.completeWorkItem(got[1]!, 'failed'), true);
        assert.equal(await store.completeWorkItem(got[1]!, 'done'), false, 'already settled');
        assert.equal(await store.releaseWorkItem(got[2]!), true);
        assert.deepEqual(await store.countWorkItems(A, RUN), { pending: 1, claimed: 2, done: 1, failed: 1 });
        const reclaimed = await store.claimWorkItem(A, RUN, 'worker-1', 60_000);
        assert.equal(reclaimed?.key, got[2]!.key);
        assert.equal(reclaimed?.attempts, 2);
      });

      it('hands an expired claim to another holder and refuses the late completion of the first', async () => {
        await store.addWorkItems(A, RUN, ['user:1']);
        const first = await store.claimWorkItem(A, RUN, 'worker-1', 60_000);
        assert.equal(await store.claimWorkItem(A, RUN, 'worker-2', 60_000), undefined);
        clock.advance(30_000);
        const renewed = await store.renewWorkItem(first!, 60_000);
        assert.ok(renewed);
        clock.advance(61_000);
        const second = await store.claimWorkItem(A, RUN, 'worker-2', 60_000);
        assert.equal(second?.key, 'user:1');
        assert.equal(second?.attempts, 2);
        assert.equal(await store.completeWorkItem(renewed!, 'done'), false);
        assert.equal(await store.renewWorkItem(renewed!, 60_000), undefined);
        assert.equal(await store.completeWorkItem(second!, 'done'), true);
        assert.deepEqual(await store.countWorkItems(A, RUN), { pending: 0, claimed: 0, done: 1, failed: 0 });
      });

      it('removes the items of a finished run', async () => {
        await store.addWorkItems(A, RUN, keys);
        await store.addWorkItems(A, 'run-other', ['user:1']);
        assert.equal(await store.removeWorkItems(A, RUN), 4);
        assert.deepEqual(await store.countWorkItems(A, RUN), { pending: 0, claimed: 0, done: 0, failed: 0 });
        assert.equal((await store.countWorkItems(A, 'run-other')).pending, 1);
      });
    });

    it('never lets tenant B read or change what tenant A stored', async () => {
      // Tenant A: one of everything.
      await store.upsertUsers(A, [
        { userId: 'u1', upn: 'ada@contoso.com', displayName: 'Ada', state: 'active' },
      ]);
      const chatA = {
        chatId: CHAT1,
        chatType: 'group' as const,
        topic: 'A only',
        createdDateTime: '2026-01-01T00:00:00.000Z',
        lastUpdatedDateTime: '2026-05-01T00:00:00.000Z',
        webUrl: null,
        raw: { id: CHAT1 },
      };
      await store.upsertChats(A, [chatA], '2026-06-01T00:00:00.000Z');
      const memberU1 = {
        userId: 'u1',
        membershipId: 'm1',
        displayName: 'Ada',
        email: null,
        roles: [],
        memberTenantId: A,
        visibleHistoryStartDateTime: null,
      };
      await store.recordMembers(A, CHAT1, [memberU1], '2026-06-01T00:00:00.000Z');
      await store.putPinnedMessages(
        A,
        CHAT1,
        [{ pinnedMessageId: 'p', messageId: '1780000000001', raw: {} }],
        '2026-06-01T00:00:00.000Z',
      );
      await store.putMessageVersions(A, [version(CHAT1, '1780000000001')]);
      await store.putCheckpoint(A, 'k', { a: 1 });
      const run = await store.createRun(A, { trigger: { kind: 'schedule' }, runId: 'run-shared-id' });
      const lease = await store.acquireLease(A, 'run', 'worker-a', 60_000);
      await store.addWorkItems(A, run.runId, ['user:u1']);
      const before = {
        user: await store.getUser(A, 'u1'),
        chat: await store.getChat(A, CHAT1),
        members: await store.getMembers(A, CHAT1),
        pinned: await store.getPinnedMessages(A, CHAT1),
        messages: await messageState(store, A),
        checkpoint: await store.getCheckpoint(A, 'k'),
        run: await store.getRun(A, run.runId),
      };

      // Tenant B, using A's ids everywhere, reads nothing of A.
      assert.equal(await store.getUser(B, 'u1'), undefined);
      assert.deepEqual((await store.listUsers(B)).items, []);
      assert.equal(await store.getChat(B, CHAT1), undefined);
      assert.deepEqual((await store.listChats(B)).items, []);
      assert.deepEqual((await store.listChats(B, { memberUserId: 'u1' })).items, []);
      assert.deepEqual(await store.getMembers(B, CHAT1), []);
      assert.equal(await store.getPinnedMessages(B, CHAT1), undefined);
      assert.equal((await store.getMessageHeads(B, CHAT1, ['1780000000001'])).size, 0);
      assert.deepEqual(await collect(store.iterateVersions(B)), []);
      assert.deepEqual(await collect(store.iterateVersions(B, { chatId: CHAT1 })), []);
      assert.deepEqual(await store.countMessages(B), { messages: 0, versions: 0, deleted: 0 });
      assert.equal(await store.getCheckpoint(B, 'k'), undefined);
      assert.equal(await store.getRun(B, run.runId), undefined);
      assert.deepEqual((await store.listRuns(B)).items, []);
      assert.equal(await store.getLatestFinishedRun(B), undefined);
      assert.equal(await store.isRunCancelRequested(B, run.runId), false);
      assert.equal(await store.getLease(B, 'run'), undefined);
      assert.deepEqual(await store.countWorkItems(B, run.runId), {
        pending: 0,
        claimed: 0,
        done: 0,
        failed: 0,
      });

      // ...and changes nothing of A.
      await assert.rejects(store.setUserBackupStatus(B, 'u1', { lastError: null }), (e: unknown) =>
        isBackupStoreError(e, 'not_found'),
      );
      await assert.rejects(store.updateRunProgress(B, run.runId, { percent: 99 }), (e: unknown) =>
        isBackupStoreError(e, 'not_found'),
      );
      await assert.rejects(store.finishRun(B, run.runId, { outcome: 'failed' }), (e: unknown) =>
        isBackupStoreError(e, 'not_found'),
      );
      assert.equal(await store.requestRunCancel(B, run.runId), false);
      assert.equal(await store.claimWorkItem(B, run.runId, 'worker-b', 60_000), undefined);
      assert.equal(await store.removeWorkItems(B, run.runId), 0);
      assert.equal(await store.deleteCheckpoint(B, 'k'), false);
      // B's own records under the same ids live beside A's, not over them.
      const leaseB = await store.acquireLease(B, 'run', 'worker-b', 60_000);
      assert.equal(leaseB?.holderId, 'worker-b');
      await store.releaseLease(leaseB!);
      await store.upsertUsers(B, [
        { userId: 'u1', upn: 'eve@evil.example', displayName: 'Eve', state: 'active' },
      ]);
      await store.upsertChats(
        B,
        [{ ...chatA, topic: 'B', lastUpdatedDateTime: '2027-01-01T00:00:00.000Z' }],
        '2026-06-09T00:00:00.000Z',
      );
      await store.recordMembers(B, CHAT1, [], '2026-06-09T00:00:00.000Z');
      await store.putPinnedMessages(B, CHAT1, [], '2026-06-09T00:00:00.000Z');
      assert.deepEqual(
        await store.putMessageVersions(B, [
          version(CHAT1, '1780000000001', { deleted: '2026-06-02T00:00:00.000Z', etag: 'x' }),
        ]),
        { newMessages: 1, newVersions: 1, deletionsSeen: 1, unchanged: 0 },
      );
      await store.putCheckpoint(B, 'k', { b: 2 });
      await store.createRun(B, { trigger: { kind: 'cli' }, runId: run.runId });
      await store.finishRun(B, run.runId, { outcome: 'failed' });
      await store.addWorkItems(B, run.runId, ['user:u1']);
      await store.claimWorkItem(B, run.runId, 'worker-b', 60_000);

      assert.deepEqual(
        {
          user: await store.getUser(A, 'u1'),
          chat: await store.getChat(A, CHAT1),
          members: await store.getMembers(A, CHAT1),
          pinned: await store.getPinnedMessages(A, CHAT1),
          messages: await messageState(store, A),
          checkpoint: await store.getCheckpoint(A, 'k'),
          run: await store.getRun(A, run.runId),
        },
        before,
      );
      assert.equal((await store.getLease(A, 'run'))?.token, lease?.token);
      assert.deepEqual(await store.countWorkItems(A, run.runId), {
        pending: 1,
        claimed: 0,
        done: 0,
        failed: 0,
      });
    });
  });
}
