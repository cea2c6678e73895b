import assert from 'node:assert/strict';
import type { ChatInput, MessageVersion } from './backup-records';
import { version } from './backup-store.contract';
import type { BackupStore } from './backup-store';
import type { MessageHistory, SearchQuery } from './recovery-records';
import type { RecoveryStore } from './recovery-store';
import { searchTerms } from './search-text';

/** A fresh, empty backup store and the recovery store over the same data. */
export interface RecoveryStoreHarness {
  backup: BackupStore;
  recovery: RecoveryStore;
  close(): Promise<void> | void;
}

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'bbbbbbbb-0000-4000-8000-000000000002';
const CHAT = '19:0a1b2c3d4e5f@thread.v2';
const OTHER_CHAT = '19:9f8e7d6c5b4a@thread.v2';
const HASH_1 = '1'.repeat(64);
const HASH_2 = '2'.repeat(64);

/** Message ids are creation times in ms, as Teams makes them. */
const id = (n: number) => String(1_780_000_000_000 + n * 60_000);
const captured = (day: number) => `2026-06-0${day}T12:00:00.000Z`;

function query(terms: string, extra: Partial<SearchQuery> = {}): SearchQuery {
  return { terms: searchTerms(terms), prefix: false, limit: 10, ...extra };
}

function texts(histories: MessageHistory[]): string[] {
  return histories.map((h) => h.messageId);
}

/**
 * The behaviour every RecoveryStore adapter must show, on data written through the backup store's
 * own write API. The SQLite spec and the Cosmos DB spec (against the in-memory server) run it.
 */
export function describeRecoveryStoreContract(name: string, open: () => Promise<RecoveryStoreHarness>): void {
  describe(`RecoveryStore contract: ${name}`, function () {
    this.timeout(30_000);
    let harness: RecoveryStoreHarness;
    let backup: BackupStore;
    let recovery: RecoveryStore;

    beforeEach(async () => {
      harness = await open();
      backup = harness.backup;
      recovery = harness.recovery;
    });
    afterEach(async () => {
      await harness?.close();
    });

    async function put(tenantId: string, versions: MessageVersion[]): Promise<void> {
      await backup.putMessageVersions(tenantId, versions);
    }

    describe('transcripts', () => {
      beforeEach(async () => {
        // Seven messages; the third edited twice, the fifth deleted; one message in another chat and
        // the same ids in another tenant.
        const versions: MessageVersion[] = [];
        for (let n = 0; n < 7; n++)
          versions.push(version(CHAT, id(n), { capturedAt: captured(1), text: `m${n}` }));
        versions.push(
          version(CHAT, id(2), {
            etag: 'e2',
            modified: '2026-06-02T08:00:00.000Z',
            capturedAt: captured(2),
            text: 'm2 edited',
          }),
          version(CHAT, id(2), {
            etag: 'e3',
            modified: '2026-06-03T08:00:00.000Z',
            capturedAt: captured(3),
            text: 'm2 again',
          }),
          version(CHAT, id(4), {
            etag: 'd4',
            modified: '2026-06-02T09:00:00.000Z',
            deleted: '2026-06-02T09:00:00.000Z',
            capturedAt: captured(2),
          }),
          version(CHAT, id(7), { capturedAt: captured(3), text: 'created after the first backup' }),
          version(OTHER_CHAT, id(1), { capturedAt: captured(1) }),
        );
        // Written in two batches and out of order: the store's order must not depend on it.
        await put(A, versions.slice(5).reverse());
        await put(A, versions.slice(0, 5));
        await put(B, [version(CHAT, id(0), { capturedAt: captured(1), text: 'tenant b' })]);
      });

      it('pages a chat oldest first and newest first by keyset, each message once with every version in order', async () => {
        const forward: string[] = [];
        let from: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await recovery.readChatMessages(A, CHAT, { order: 'oldest-first', limit: 3, from });
          forward.push(...texts(page.messages));
          pages++;
          if (!page.more) break;
          from = page.messages[page.messages.length - 1]!.messageId;
        }
        assert.deepEqual(forward, [0, 1, 2, 3, 4, 5, 6, 7].map(id));
        assert.equal(pages, 3);

        const newest = await recovery.readChatMessages(A, CHAT, { order: 'newest-first', limit: 3 });
        assert.deepEqual(texts(newest.messages), [id(7), id(6), id(5)]);
        assert.equal(newest.more, true);
        const older = await recovery.readChatMessages(A, CHAT, {
          order: 'newest-first',
          limit: 3,
          from: id(5),
        });
        assert.deepEqual(texts(older.messages), [id(4), id(3), id(2)]);

        const edited = older.messages.find((m) => m.messageId === id(2))!;
        assert.deepEqual(
          edited.versions.map((v) => v.etag),
          [id(2), 'e2', 'e3'],
        );
        assert.ok(edited.versions.every((v) => v.tenantId === A && v.chatId === CHAT));
      });

      it('shows a chat as captured by a moment: later versions and later messages are left out', async () => {
        const first = await recovery.readChatMessages(A, CHAT, {
          order: 'oldest-first',
          limit: 100,
          at: '2026-06-01T23:59:59.000Z',
        });
        assert.deepEqual(texts(first.messages), [0, 1, 2, 3, 4, 5, 6].map(id));
        assert.ok(first.messages.every((m) => m.versions.length === 1));

        const second = await recovery.readChatMessages(A, CHAT, {
          order: 'oldest-first',
          limit: 100,
          at: captured(2),
        });
        const m2 = second.messages.find((m) => m.messageId === id(2))!;
        assert.deepEqual(
          m2.versions.map((v) => v.etag),
          [id(2), 'e2'],
        );
        const m4 = second.messages.find((m) => m.messageId === id(4))!;
        assert.equal(m4.versions[m4.versions.length - 1]!.deletedDateTime, '2026-06-02T09:00:00.000Z');

        const atMessage = await recovery.readMessage(A, CHAT, id(2), '2026-06-02T23:00:00Z');
        assert.deepEqual(
          atMessage?.versions.map((v) => v.etag),
          [id(2), 'e2'],
        );
        assert.equal(await recovery.readMessage(A, CHAT, id(7), captured(2)), undefined);
        assert.equal((await recovery.readMessage(A, CHAT, id(2)))?.versions.length, 3);
      });

      it('keeps to a creation range, exactly', async () => {
        const from = new Date(Number(id(2))).toISOString();
        const before = new Date(Number(id(5))).toISOString();
        const page = await recovery.readChatMessages(A, CHAT, {
          order: 'oldest-first',
          limit: 100,
          createdFrom: from,
          createdBefore: before,
        });
        assert.deepEqual(texts(page.messages), [2, 3, 4].map(id));
      });

      it("never reads another tenant's or another chat's messages", async () => {
        const b = await recovery.readChatMessages(B, CHAT, { order: 'oldest-first', limit: 100 });
        assert.deepEqual(texts(b.messages), [id(0)]);
        assert.equal(b.messages[0]!.versions[0]!.tenantId, B);
        assert.equal(await recovery.readMessage(B, CHAT, id(2)), undefined);
        const other = await recovery.readChatMessages(A, OTHER_CHAT, { order: 'oldest-first', limit: 100 });
        assert.deepEqual(texts(other.messages), [id(1)]);
        const none = await recovery.readChatMessages('cccccccc-0000-4000-8000-000000000003', CHAT, {
          order: 'newest-first',
          limit: 10,
        });
        assert.deepEqual(none, { messages: [], more: false });
      });
    });

    describe('search', () => {
      beforeEach(async () => {
        await put(A, [
          version(CHAT, id(1), { text: 'Quarterly numbers look fine', capturedAt: captured(1), from: 'ada' }),
          version(CHAT, id(1), {
            etag: 'e1',
            modified: '2026-06-02T00:00:00.000Z',
            text: 'Numbers are ready',
            capturedAt: captured(2),
            from: 'ada',
          }),
          version(CHAT, id(2), {
            text: 'Shipping on Thursday, café at noon',
            capturedAt: captured(1),
            from: 'grace',
          }),
          version(CHAT, id(2), {
            etag: 'd2',
            modified: '2026-06-02T00:00:00.000Z',
            deleted: '2026-06-02T00:00:00.000Z',
            capturedAt: captured(2),
            from: 'grace',
          }),
          version(OTHER_CHAT, id(3), {
            text: 'numbers in another chat',
            capturedAt: captured(1),
            from: 'ada',
          }),
          version(CHAT, id(4), {
            text: '<b>Numbers</b> and <i>more</i> numbers',
            capturedAt: captured(1),
            from: 'linus',
          }),
        ]);
        await put(B, [
          version(CHAT, id(1), { text: 'Quarterly numbers of tenant b', capturedAt: captured(1) }),
        ]);
      });

      it('indexes what was stored, once, and finds words of earlier versions and of deleted messages', async () => {
        const first = await recovery.updateSearchIndex(A);
        assert.ok(first.indexed >= 6, `indexed ${first.indexed}`);
        assert.equal((await recovery.updateSearchIndex(A)).indexed, 0);

        const earlier = await recovery.searchMessages(A, query('quarterly'));
        assert.deepEqual(
          earlier.items.map((m) => [m.chatId, m.messageId, m.versionKeys]),
          [[CHAT, id(1), [id(1)]]],
        );
        const deleted = await recovery.searchMessages(A, query('Thursday'));
        assert.deepEqual(
          deleted.items.map((m) => [m.messageId, m.fromUserId, m.versionKeys]),
          [[id(2), 'grace', [id(2)]]],
        );
        // Case and accents folded, words split out of the HTML.
        assert.equal((await recovery.searchMessages(A, query('CAFE'))).items.length, 1);
        assert.deepEqual(
          (await recovery.searchMessages(A, query('numbers more'))).items.map((m) => m.messageId),
          [id(4)],
        );
        // Tags are no words.
        assert.equal((await recovery.searchMessages(A, query('b'))).items.length, 0);
      });

      it('lists matches newest first, with every matching version, and pages by cursor', async () => {
        await recovery.updateSearchIndex(A);
        const all = await recovery.searchMessages(A, query('numbers'));
        assert.deepEqual(
          all.items.map((m) => m.messageId),
          [id(4), id(3), id(1)],
        );
        assert.deepEqual(all.items[2]!.versionKeys, ['e1', id(1)].sort());
        assert.equal(all.items[2]!.createdDateTime, new Date(Number(id(1))).toISOString());

        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await recovery.searchMessages(A, query('numbers', { limit: 1, cursor }));
          seen.push(...page.items.map((m) => m.messageId));
          cursor = page.next;
          pages++;
          assert.ok(pages < 10);
        } while (cursor);
        assert.deepEqual(seen, [id(4), id(3), id(1)]);
      });

      it('narrows by chat, sender, creation range and a word begun', async () => {
        await recovery.updateSearchIndex(A);
        const ids = async (q: SearchQuery) =>
          (await recovery.searchMessages(A, q)).items.map((m) => m.messageId);
        assert.deepEqual(await ids(query('numbers', { chatId: OTHER_CHAT })), [id(3)]);
        assert.deepEqual(await ids(query('numbers', { fromUserId: 'ada' })), [id(3), id(1)]);
        assert.deepEqual(
          await ids(
            query('numbers', {
              createdFrom: new Date(Number(id(2))).toISOString(),
              createdBefore: new Date(Number(id(4))).toISOString(),
            }),
          ),
          [id(3)],
        );
        assert.deepEqual(await ids(query('quart', { prefix: true })), [id(1)]);
        assert.deepEqual(await ids(query('quart')), []);
        assert.deepEqual(await ids(query('numbers thurs', { prefix: true })), []);
      });

      it("finds nothing of another tenant's, and indexes versions stored later", async () => {
        await recovery.updateSearchIndex(A);
        await recovery.updateSearchIndex(B);
        assert.deepEqual(
          (await recovery.searchMessages(A, query('tenant'))).items,
          [],
          "tenant b's word is not found from tenant a",
        );
        assert.deepEqual(
          (await recovery.searchMessages(B, query('quarterly'))).items.map((m) => m.fromUserId),
          ['user-ada'],
        );
        await put(A, [version(CHAT, id(9), { text: 'a zeppelin arrives', capturedAt: captured(3) })]);
        await recovery.updateSearchIndex(A);
        assert.deepEqual(
          (await recovery.searchMessages(A, query('zeppelin'))).items.map((m) => m.messageId),
          [id(9)],
        );
      });
    });

    describe('retention and erasure', () => {
      const hosted = (sha256: string) => [
        { id: `hc-${sha256.slice(0, 4)}`, sha256, contentType: 'image/png', size: 10 },
      ];

      beforeEach(async () => {
        await put(A, [
          version(CHAT, id(1), { text: 'from ada', from: 'ada', hosted: hosted(HASH_1) }),
          version(CHAT, id(1), {
            etag: 'e1',
            modified: '2026-06-02T00:00:00.000Z',
            text: 'from ada, edited',
            from: 'ada',
            hosted: hosted(HASH_1),
          }),
          version(CHAT, id(2), { text: 'from grace, same picture', from: 'grace', hosted: hosted(HASH_1) }),
          version(OTHER_CHAT, id(3), { text: 'ada again', from: 'ada', hosted: hosted(HASH_2) }),
          version(OTHER_CHAT, id(4), { text: 'system', from: null }),
        ]);
        await put(B, [version(CHAT, id(1), { text: 'tenant b', from: 'ada', hosted: hosted(HASH_2) })]);
        await recovery.updateSearchIndex(A);
        await recovery.updateSearchIndex(B);
      });

      it('keeps a retention policy per tenant', async () => {
        assert.equal(await recovery.getRetentionPolicy(A), undefined);
        const policy = {
          tenantId: A,
          keep: { kind: 'years' as const, years: 3 },
          updatedAt: '2026-06-05T00:00:00.000Z',
          updatedBy: { kind: 'user' as const, id: 'admin', name: 'Admin' },
        };
        await recovery.putRetentionPolicy(policy);
        assert.deepEqual(await recovery.getRetentionPolicy(A), policy);
        assert.equal(await recovery.getRetentionPolicy(B), undefined);
        await recovery.putRetentionPolicy({ ...policy, keep: { kind: 'forever' } });
        assert.deepEqual((await recovery.getRetentionPolicy(A))?.keep, { kind: 'forever' });
      });

      it("finds a user's messages and old messages, in their tenant only", async () => {
        const sorted = (refs: { chatId: string; messageId: string }[]) =>
          refs.map((r) => `${r.chatId}/${r.messageId}`).sort();
        assert.deepEqual(sorted(await recovery.findMessagesFrom(A, 'ada', 100)), [
          `${CHAT}/${id(1)}`,
          `${OTHER_CHAT}/${id(3)}`,
        ]);
        assert.equal((await recovery.findMessagesFrom(A, 'ada', 1)).length, 1);
        assert.deepEqual(await recovery.findMessagesFrom(A, 'nobody', 100), []);
        const before = new Date(Number(id(3))).toISOString();
        assert.deepEqual(sorted(await recovery.findMessagesCreatedBefore(A, before, 100)), [
          `${CHAT}/${id(1)}`,
          `${CHAT}/${id(2)}`,
        ]);
      });

      it('deletes messages whole, records the hashes they referenced, and counts blob references that remain', async () => {
        assert.equal(await recovery.isBlobReferenced(A, HASH_1), true);
        assert.equal(await recovery.isBlobReferenced(A, HASH_2), true);

        const removed = await recovery.deleteMessages(A, [
          { chatId: CHAT, messageId: id(1) },
          { chatId: OTHER_CHAT, messageId: id(3) },
        ]);
        assert.equal(removed.messages, 2);
        assert.equal(removed.versions, 3);
        assert.ok(removed.sweepId);
        const sweeps = await recovery.listBlobSweeps(A);
        assert.deepEqual(
          sweeps.map((s) => [s.sweepId, s.hashes]),
          [[removed.sweepId, [HASH_1, HASH_2]]],
        );

        // HASH_1 is still grace's picture; HASH_2 only tenant b's now.
        assert.equal(await recovery.isBlobReferenced(A, HASH_1), true);
        assert.equal(await recovery.isBlobReferenced(A, HASH_2), false);
        assert.equal(await recovery.isBlobReferenced(B, HASH_2), true);

        assert.equal(await recovery.readMessage(A, CHAT, id(1)), undefined);
        assert.deepEqual(await backup.getMessageHeads(A, CHAT, [id(1), id(2)]).then((h) => [...h.keys()]), [
          id(2),
        ]);
        assert.deepEqual(await backup.countMessages(A), { messages: 2, versions: 2, deleted: 0 });
        assert.deepEqual((await recovery.searchMessages(A, query('ada'))).items, []);
        assert.deepEqual(await recovery.findMessagesFrom(A, 'ada', 100), []);
        assert.equal((await recovery.searchMessages(B, query('tenant'))).items.length, 1);
        assert.equal(
          (await recovery.readChatMessages(B, CHAT, { order: 'oldest-first', limit: 10 })).messages.length,
          1,
        );

        const again = await recovery.deleteMessages(A, [{ chatId: CHAT, messageId: id(1) }]);
        assert.deepEqual(again, { messages: 0, versions: 0 });
        await recovery.deleteBlobSweep(A, removed.sweepId!);
        assert.deepEqual(await recovery.listBlobSweeps(A), []);
        // Indexing after a removal adds nothing back and still sees new versions.
        assert.equal((await recovery.updateSearchIndex(A)).indexed, 0);
        await put(A, [version(CHAT, id(8), { text: 'after the erasure', from: 'grace' })]);
        assert.equal((await recovery.updateSearchIndex(A)).indexed, 1);
        assert.equal((await recovery.searchMessages(A, query('erasure'))).items.length, 1);
      });

      it("erases a user's records: directory entry, memberships, listing entry, pinned messages", async () => {
        const chat: ChatInput = {
          chatId: CHAT,
          chatType: 'group',
          topic: 'Plans',
          createdDateTime: '2026-01-01T00:00:00.000Z',
          lastUpdatedDateTime: '2026-01-01T00:00:00.000Z',
          webUrl: null,
          raw: {
            id: CHAT,
            members: [
              { userId: 'ada', displayName: 'Ada', email: 'ada@contoso.example' },
              { userId: 'grace', displayName: 'Grace', email: 'grace@contoso.example' },
            ],
          },
        };
        for (const tenant of [A, B]) {
          await backup.upsertUsers(tenant, [
            { userId: 'ada', upn: 'ada@contoso.example', displayName: 'Ada', state: 'active' },
            { userId: 'grace', upn: 'grace@contoso.example', displayName: 'Grace', state: 'active' },
          ]);
          await backup.upsertChats(tenant, [chat], '2026-06-01T00:00:00.000Z');
          const member = (userId: string) => ({
            userId,
            membershipId: `m-${userId}`,
            displayName: userId,
            email: `${userId}@contoso.example`,
            roles: [],
            memberTenantId: tenant,
            visibleHistoryStartDateTime: null,
          });
          await backup.recordMembers(
            tenant,
            CHAT,
            [member('ada'), member('grace')],
            '2026-06-01T00:00:00.000Z',
          );
          await backup.putPinnedMessages(
            tenant,
            CHAT,
            [
              {
                pinnedMessageId: 'p1',
                messageId: id(1),
                raw: { id: 'p1', message: { from: { user: { id: 'ada' } } } },
              },
              {
                pinnedMessageId: 'p2',
                messageId: id(2),
                raw: { id: 'p2', message: { from: { user: { id: 'grace' } } } },
              },
            ],
            '2026-06-01T00:00:00.000Z',
          );
        }

        const erased = await recovery.eraseUserRecords(A, 'ada');
        assert.deepEqual(erased, { directory: true, memberships: 1, chatListings: 1, pinned: 1 });
        assert.equal(await backup.getUser(A, 'ada'), undefined);
        assert.ok(await backup.getUser(A, 'grace'));
        assert.deepEqual(
          (await backup.getMembers(A, CHAT)).map((m) => m.userId),
          ['grace'],
        );
        const listed = (await backup.getChat(A, CHAT))!.raw['members'] as { userId: string }[];
        assert.deepEqual(
          listed.map((m) => m.userId),
          ['grace'],
        );
        assert.deepEqual(
          (await backup.getPinnedMessages(A, CHAT))!.pinned.map((p) => p.pinnedMessageId),
          ['p2'],
        );
        assert.deepEqual(await recovery.eraseUserRecords(A, 'ada'), {
          directory: false,
          memberships: 0,
          chatListings: 0,
          pinned: 0,
        });

        // Tenant b keeps its ada.
        assert.ok(await backup.getUser(B, 'ada'));
        assert.equal((await backup.getMembers(B, CHAT)).length, 2);
        assert.equal((await backup.getPinnedMessages(B, CHAT))!.pinned.length, 2);
      });
    });
  });
}
