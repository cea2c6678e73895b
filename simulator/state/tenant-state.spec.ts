import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { ManualClock } from './clock';
import { GRAPH_CANONICAL_BASE } from './graph-urls';
import type { ChatMessageJson } from './message-json';
import { StateError, type StateErrorReason } from './state-error';
import { TenantState } from './tenant-state';

/** The keys of a chat message in Graph's list-messages example, in order, plus messageHistory. */
const MESSAGE_KEYS = [
  'id',
  'replyToId',
  'etag',
  'messageType',
  'createdDateTime',
  'lastModifiedDateTime',
  'lastEditedDateTime',
  'deletedDateTime',
  'subject',
  'summary',
  'chatId',
  'importance',
  'locale',
  'webUrl',
  'channelIdentity',
  'onBehalfOf',
  'policyViolation',
  'eventDetail',
  'from',
  'body',
  'attachments',
  'mentions',
  'reactions',
  'messageHistory',
];

const T0 = Date.parse('2025-03-01T09:00:00.000Z');
const OTHER_TENANT = '7f3a2c1e-0b5d-4e6f-8a9b-1c2d3e4f5a6b';

function refused(reason: StateErrorReason): (e: unknown) => boolean {
  return (e) => e instanceof StateError && e.reason === reason;
}

function png(width: number, height: number, shade: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(shade);
  return PNG.sync.write(image);
}

describe('TenantState', () => {
  let clock: ManualClock;
  let state: TenantState;
  let tenantId: string;
  let alice: string;
  let bob: string;
  let carol: string;

  beforeEach(() => {
    clock = new ManualClock(T0);
    state = new TenantState({ clock });
    tenantId = state.createTenant({ domain: 'contoso.onmicrosoft.com', displayName: 'Contoso' }).id;
    alice = state.addUser(tenantId, { displayName: 'Alice Archer' }).id;
    bob = state.addUser(tenantId, { displayName: 'Bob Baker' }).id;
    carol = state.addUser(tenantId, { displayName: 'Carol Cruz' }).id;
  });

  afterEach(() => state.close());

  function seq(): number {
    return state.stats(tenantId).seq;
  }

  function groupChat(): string {
    return state.createChat(tenantId, {
      chatType: 'group',
      topic: 'Launch',
      members: [{ userId: alice }, { userId: bob }, { userId: carol }],
    }).id;
  }

  describe('tenants and users', () => {
    it('finds a tenant by id or by domain in any case, and refuses a second one with the same domain', () => {
      assert.equal(state.findTenant('CONTOSO.onmicrosoft.com')?.id, tenantId);
      assert.equal(state.findTenant(tenantId.toUpperCase())?.domain, 'contoso.onmicrosoft.com');
      assert.equal(state.findTenant('fabrikam.onmicrosoft.com'), undefined);
      assert.throws(
        () => state.createTenant({ domain: 'Contoso.onmicrosoft.com', displayName: 'x' }),
        refused('conflict'),
      );
      assert.deepEqual(
        state.listTenants().map((t) => t.domain),
        ['contoso.onmicrosoft.com'],
      );
    });

    it('finds users by id or UPN, hides soft-deleted users unless asked, and counts each kind', () => {
      const user = state.findUser(tenantId, 'ALICE.ARCHER@contoso.onmicrosoft.com');
      assert.equal(user?.id, alice);
      assert.equal(user?.json.userPrincipalName, 'alice.archer@contoso.onmicrosoft.com');
      state.addUser(tenantId, { displayName: 'No License', teamsLicensed: false });
      state.addUser(tenantId, { displayName: 'Gone Away', accountEnabled: false });
      state.addUser(tenantId, {
        displayName: 'Guest Person',
        userType: 'Guest',
        mail: 'guest@fabrikam.com',
        homeTenantId: OTHER_TENANT,
      });
      state.deleteUser(tenantId, carol);

      assert.equal(state.findUser(tenantId, carol), undefined);
      assert.equal(state.findUser(tenantId, carol, { includeDeleted: true })?.deleted, true);
      assert.equal(
        state.findUser(tenantId, 'guest_fabrikam.com#EXT#@contoso.onmicrosoft.com')?.userType,
        'Guest',
      );
      const stats = state.stats(tenantId);
      assert.deepEqual(
        [stats.users, stats.usersUnlicensed, stats.usersDisabled, stats.usersDeleted],
        [5, 1, 1, 1],
      );
      assert.throws(() => state.deleteUser(tenantId, carol), refused('userNotFound'));
      assert.throws(() => state.addUser(tenantId, { displayName: 'Alice Archer' }), refused('conflict'));
    });
  });

  describe('chats', () => {
    it('gives each chat type its Graph id shape and chat JSON', () => {
      const oneOnOne = state.createChat(tenantId, {
        chatType: 'oneOnOne',
        members: [{ userId: bob }, { userId: alice }],
      });
      const [a, b] = [alice, bob].sort();
      assert.equal(oneOnOne.id, `19:${a}_${b}@unq.gbl.spaces`);
      assert.equal(oneOnOne.json.topic, null);
      assert.equal(oneOnOne.json.tenantId, tenantId);
      assert.equal(oneOnOne.json.viewpoint, null);
      assert.ok(oneOnOne.json.webUrl.startsWith('https://teams.microsoft.com/l/chat/19%3A'));

      assert.match(groupChat(), /^19:[0-9a-f]{32}@thread\.v2$/);

      const meeting = state.createChat(tenantId, {
        chatType: 'meeting',
        topic: 'Weekly',
        members: [{ userId: carol }],
      });
      assert.match(meeting.id, /^19:meeting_[A-Za-z0-9+/]+@thread\.v2$/);
      assert.equal(meeting.json.onlineMeetingInfo?.organizer.id, carol);
      assert.deepEqual(state.listMembers(tenantId, meeting.id)[0]?.roles, ['owner']);
    });

    it('refuses chats Teams would not allow', () => {
      const three = [{ userId: alice }, { userId: bob }, { userId: carol }];
      assert.throws(
        () => state.createChat(tenantId, { chatType: 'oneOnOne', members: three }),
        refused('invalid'),
      );
      assert.throws(
        () => state.createChat(tenantId, { chatType: 'oneOnOne', topic: 'x', members: three.slice(0, 2) }),
        refused('invalid'),
      );
      const unlicensed = state.addUser(tenantId, { displayName: 'No License', teamsLicensed: false }).id;
      assert.throws(
        () =>
          state.createChat(tenantId, {
            chatType: 'oneOnOne',
            members: [{ userId: alice }, { userId: unlicensed }],
          }),
        refused('invalid'),
      );
      assert.throws(
        () =>
          state.createChat(tenantId, {
            chatType: 'group',
            members: [{ userId: alice }, { userId: 'nobody' }],
          }),
        refused('userNotFound'),
      );
      state.createChat(tenantId, { chatType: 'oneOnOne', members: three.slice(0, 2) });
      assert.throws(
        () => state.createChat(tenantId, { chatType: 'oneOnOne', members: three.slice(0, 2) }),
        refused('conflict'),
      );
    });

    it('writes membersAdded, membersLeft, membersDeleted and chatRenamed events and keeps members and topic current', () => {
      const chatId = groupChat();
      const dave = state.addUser(tenantId, { displayName: 'Dave Dane' }).id;
      clock.advance(1000);
      const added = state.addMember(tenantId, chatId, { userId: dave }, { by: alice, shareHistory: false });
      assert.equal(added.messageType, 'systemEventMessage');
      assert.equal(added.from, null);
      assert.deepEqual(added.body, { contentType: 'html', content: '<systemEventMessage/>' });
      assert.equal(added.eventDetail?.['@odata.type'], '#microsoft.graph.membersAddedEventMessageDetail');
      assert.equal(added.eventDetail?.['visibleHistoryStartDateTime'], new Date(T0 + 1000).toISOString());
      assert.deepEqual(added.eventDetail?.['members'], [
        { id: dave, displayName: null, userIdentityType: 'aadUser' },
      ]);
      assert.equal(
        state.listMembers(tenantId, chatId).find((m) => m.userId === dave)?.visibleHistoryStartDateTime,
        new Date(T0 + 1000).toISOString(),
      );
      assert.throws(() => state.addMember(tenantId, chatId, { userId: dave }), refused('conflict'));

      const left = state.removeMember(tenantId, chatId, dave);
      assert.equal(left.eventDetail?.['@odata.type'], '#microsoft.graph.membersLeftEventMessageDetail');
      const removed = state.removeMember(tenantId, chatId, carol, { by: alice });
      assert.equal(removed.eventDetail?.['@odata.type'], '#microsoft.graph.membersDeletedEventMessageDetail');
      assert.deepEqual((removed.eventDetail?.['initiator'] as { user: { id: string } }).user.id, alice);
      assert.deepEqual(
        state.listMembers(tenantId, chatId).map((m) => m.userId),
        [alice, bob],
      );

      clock.advance(1000);
      const renamed = state.renameChat(tenantId, chatId, 'Launch v2', { by: bob });
      assert.equal(renamed.eventDetail?.['chatDisplayName'], 'Launch v2');
      const chat = state.findChat(tenantId, chatId);
      assert.equal(chat?.json.topic, 'Launch v2');
      assert.equal(chat?.json.lastUpdatedDateTime, renamed.createdDateTime);

      const oneOnOne = state.createChat(tenantId, {
        chatType: 'oneOnOne',
        members: [{ userId: alice }, { userId: bob }],
      });
      assert.throws(() => state.renameChat(tenantId, oneOnOne.id, 'x'), refused('invalid'));
      assert.throws(() => state.removeMember(tenantId, oneOnOne.id, bob), refused('invalid'));
    });
  });

  describe('messages', () => {
    it('posts a message with every chatMessage key, id and etag equal to its creation time, and bumps seq and the chat', () => {
      const chatId = groupChat();
      const before = seq();
      clock.advance(5000);
      const message = state.postMessage(tenantId, chatId, {
        from: { userId: bob },
        body: { contentType: 'text', content: 'Hello world' },
      });
      assert.deepEqual(Object.keys(message), MESSAGE_KEYS);
      assert.equal(message.id, String(T0 + 5000));
      assert.equal(message.etag, message.id);
      assert.equal(message.createdDateTime, new Date(T0 + 5000).toISOString());
      assert.equal(message.lastModifiedDateTime, message.createdDateTime);
      assert.equal(message.chatId, chatId);
      assert.deepEqual(message.from, {
        application: null,
        device: null,
        user: {
          '@odata.type': '#microsoft.graph.teamworkUserIdentity',
          id: bob,
          displayName: 'Bob Baker',
          userIdentityType: 'aadUser',
          tenantId,
        },
      });
      assert.deepEqual(state.findMessage(tenantId, chatId, message.id), message);
      assert.ok(seq() > before);
      assert.deepEqual(state.messageMeta(tenantId, chatId, message.id), { version: 1, seq: seq() });
      assert.equal(state.findChat(tenantId, chatId)?.json.lastUpdatedDateTime, message.createdDateTime);
    });

    it('keeps message ids unique within a chat when the clock stands still', () => {
      const chatId = groupChat();
      const ids = [1, 2, 3].map(
        () =>
          state.postMessage(tenantId, chatId, {
            from: { userId: alice },
            body: { contentType: 'text', content: 'hi' },
          }).id,
      );
      assert.equal(new Set(ids).size, 3);
      assert.deepEqual(ids.map(Number), [Number(ids[0]), Number(ids[0]) + 1, Number(ids[0]) + 2]);
    });

    it("stores a chat's messages side by side, whatever order chats are written in, and never fails on a taken place", () => {
      const first = groupChat();
      const second = groupChat();
      const chatRowid = (chatId: string): number =>
        (state.db.prepare('SELECT rowid FROM chats WHERE id = ?').get(chatId) as { rowid: number }).rowid;
      // Another row already where the next message of `first` goes, as after a VACUUM renumbered chats.
      const taken = T0 + 500;
      state.db
        .prepare(
          `INSERT INTO messages (rowid, tenant_id, chat_id, id, created_ms, last_modified_ms, seq, version, message_type, json)
           VALUES (?, ?, ?, '1', 1, 1, 0, 1, 'message', '{}')`,
        )
        .run(BigInt(chatRowid(first)) * 2n ** 42n + BigInt(taken), tenantId, second);
      const posted = Array.from({ length: 6 }, (_, i) => {
        clock.advance(500);
        return state.postMessage(tenantId, i % 2 === 0 ? first : second, {
          from: { userId: alice },
          body: { contentType: 'text', content: `message ${i}` },
        }).id;
      });
      assert.equal(posted[0], String(taken));
      assert.ok(
        state.findMessage(tenantId, first, String(taken)),
        'the message whose place was taken is stored',
      );
      // In file order, the messages of `first` come before any of `second`; the one whose place was
      // taken went wherever SQLite put it, so it is left out.
      const placed = (
        state.db
          .prepare(
            `SELECT chat_id FROM messages WHERE tenant_id = ? AND message_type = 'message' AND id NOT IN ('1', ?) ORDER BY rowid`,
          )
          .all(tenantId, String(taken)) as { chat_id: string }[]
      ).map((row) => row.chat_id);
      assert.deepEqual(placed, [first, first, second, second, second]);
    });

    it('edits: new body, lastEditedDateTime, a new etag and version and seq, even with a clock that stands still', () => {
      const chatId = groupChat();
      const posted = state.postMessage(tenantId, chatId, {
        from: { userId: alice },
        body: { contentType: 'text', content: 'v1' },
      });
      const seqBefore = seq();
      const edited = state.editMessage(tenantId, chatId, posted.id, {
        body: { contentType: 'html', content: '<p>v2</p>' },
      });
      assert.deepEqual(edited.body, { contentType: 'html', content: '<p>v2</p>' });
      assert.notEqual(edited.etag, posted.etag);
      assert.equal(edited.etag, String(Date.parse(edited.lastModifiedDateTime)));
      assert.ok(Date.parse(edited.lastModifiedDateTime) > Date.parse(posted.lastModifiedDateTime));
      assert.equal(edited.lastEditedDateTime, edited.lastModifiedDateTime);
      assert.equal(edited.createdDateTime, posted.createdDateTime);
      assert.deepEqual(state.messageMeta(tenantId, chatId, posted.id), { version: 2, seq: seqBefore + 1 });

      const again = state.editMessage(tenantId, chatId, posted.id, {
        body: { contentType: 'text', content: 'v3' },
      });
      assert.ok(Number(again.etag) > Number(edited.etag));
      assert.equal(state.messageMeta(tenantId, chatId, posted.id)?.version, 3);
    });

    it('deletes softly: deletedDateTime set, content emptied, row kept as a new version; no second delete or edit', () => {
      const chatId = groupChat();
      const posted = state.postMessage(tenantId, chatId, {
        from: { userId: alice },
        body: { contentType: 'html', content: '<p>secret</p>' },
        mentions: [{ id: 0, userId: bob }],
      });
      clock.advance(60_000);
      const deleted = state.deleteMessage(tenantId, chatId, posted.id);
      assert.equal(deleted.deletedDateTime, new Date(T0 + 60_000).toISOString());
      assert.equal(deleted.lastModifiedDateTime, deleted.deletedDateTime);
      assert.equal(deleted.body.content, '');
      assert.deepEqual(deleted.mentions, []);
      assert.equal(state.messageMeta(tenantId, chatId, posted.id)?.version, 2);
      assert.equal(state.stats(tenantId).messagesDeleted, 1);
      assert.throws(() => state.deleteMessage(tenantId, chatId, posted.id), refused('conflict'));
      assert.throws(
        () => state.editMessage(tenantId, chatId, posted.id, { body: { contentType: 'text', content: 'x' } }),
        refused('invalid'),
      );
    });

    it('records reactions and their removal in reactions and messageHistory, one version each', () => {
      const chatId = groupChat();
      const posted = state.postMessage(tenantId, chatId, {
        from: { userId: alice },
        body: { contentType: 'text', content: 'ship it' },
      });
      clock.advance(1000);
      const liked = state.react(tenantId, chatId, posted.id, { userId: bob, reactionType: 'like' });
      const partied = state.react(tenantId, chatId, posted.id, { userId: carol, reactionType: '🎉' });
      assert.equal(partied.reactions.length, 2);
      assert.deepEqual(partied.reactions[0], {
        reactionType: 'like',
        displayName: 'Like',
        reactionContentUrl: null,
        createdDateTime: new Date(T0 + 1000).toISOString(),
        user: {
          application: null,
          device: null,
          user: {
            '@odata.type': '#microsoft.graph.teamworkUserIdentity',
            id: bob,
            displayName: null,
            userIdentityType: 'aadUser',
          },
        },
      });
      assert.ok(Number(partied.etag) > Number(liked.etag));
      assert.throws(
        () => state.react(tenantId, chatId, posted.id, { userId: bob, reactionType: 'like' }),
        refused('conflict'),
      );

      const taken = state.unreact(tenantId, chatId, posted.id, { userId: bob, reactionType: 'like' });
      assert.deepEqual(
        taken.reactions.map((r) => r.reactionType),
        ['🎉'],
      );
      assert.deepEqual(
        taken.messageHistory.map((h) => [h.actions, h.reaction.reactionType]),
        [
          ['reactionAdded', 'like'],
          ['reactionAdded', '🎉'],
          ['reactionRemoved', 'like'],
        ],
      );
      assert.equal(taken.lastEditedDateTime, null);
      assert.equal(state.messageMeta(tenantId, chatId, posted.id)?.version, 4);
      assert.throws(
        () => state.unreact(tenantId, chatId, posted.id, { userId: bob, reactionType: 'like' }),
        refused('reactionNotFound'),
      );
      assert.throws(
        () => state.react(tenantId, chatId, posted.id, { userId: 'stranger', reactionType: 'like' }),
        refused('memberNotFound'),
      );
    });

    it('pins and unpins with messagePinned and messageUnpinned events', () => {
      const chatId = groupChat();
      const posted = state.postMessage(tenantId, chatId, {
        from: { userId: alice },
        body: { contentType: 'text', content: 'agenda' },
      });
      const { pinnedId, event } = state.pinMessage(tenantId, chatId, posted.id, { by: bob });
      assert.equal(pinnedId, posted.id);
      assert.equal(event.eventDetail?.['@odata.type'], '#microsoft.graph.messagePinnedEventMessageDetail');
      assert.equal(state.stats(tenantId).pinned, 1);
      assert.throws(() => state.pinMessage(tenantId, chatId, posted.id), refused('conflict'));
      const unpinned = state.unpinMessage(tenantId, chatId, pinnedId);
      assert.equal(
        unpinned.eventDetail?.['@odata.type'],
        '#microsoft.graph.messageUnpinnedEventMessageDetail',
      );
      assert.equal(state.stats(tenantId).pinned, 0);
      assert.throws(() => state.unpinMessage(tenantId, chatId, pinnedId), refused('pinNotFound'));
    });

    it('stores inline images as hosted contents addressed by sha256 and points the body at them', () => {
      const chatId = groupChat();
      const image = png(40, 30, 200);
      const first = state.postMessage(tenantId, chatId, {
        from: { userId: alice },
        body: { contentType: 'html', content: '<p>look</p><img src="../hostedContents/1/$value">' },
        hostedContents: [{ temporaryId: '1', contentType: 'image/png', bytes: image }],
      });
      const second = state.postMessage(tenantId, chatId, {
        from: { userId: bob },
        body: { contentType: 'html', content: '<p>same again</p>' },
        hostedContents: [{ temporaryId: 'x', contentType: 'image/png', bytes: image }],
      });
      const prefix = `${GRAPH_CANONICAL_BASE}/chats/${chatId}/messages/${first.id}/hostedContents/`;
      assert.ok(first.body.content.includes(`<img src="${prefix}`), first.body.content);
      assert.ok(second.body.content.includes('width="40"'));
      const stats = state.stats(tenantId);
      assert.equal(stats.hostedContents, 2);
      assert.equal(stats.distinctHostedContentBlobs, 1);

      const truth = [...state.exportTruth(tenantId, { chatId, baseUrl: 'https://127.0.0.1:9999/v1.0' })];
      const served = truth.find((t) => t.id === first.id)!;
      assert.ok(
        served.json.includes(
          `https://127.0.0.1:9999/v1.0/chats/${chatId}/messages/${first.id}/hostedContents/`,
        ),
      );
      assert.ok(!served.json.includes(GRAPH_CANONICAL_BASE));
      assert.equal(served.hostedContents.length, 1);
      assert.deepEqual(state.readBlob(served.hostedContents[0]!.sha256)?.bytes, image);

      const edited = state.editMessage(tenantId, chatId, first.id, {
        body: { contentType: 'html', content: '<p>no picture</p>' },
      });
      assert.ok(!edited.body.content.includes('hostedContents'));
      assert.equal(state.stats(tenantId).hostedContents, 1);
    });

    it('writes mentions, file references and cards as Graph does, with their tags in the body', () => {
      const chatId = groupChat();
      const message = state.postMessage(tenantId, chatId, {
        from: { userId: alice },
        body: { contentType: 'html', content: '<p>Hi <at id="0">Bob</at>, see the file</p>' },
        mentions: [
          { id: 0, userId: bob, mentionText: 'Bob' },
          { id: 1, userId: carol },
        ],
        attachments: [
          {
            contentType: 'reference',
            contentUrl: 'https://contoso.sharepoint.com/sites/x/Budget.docx',
            name: 'Budget.docx',
          },
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: { type: 'AdaptiveCard', version: '1.4', body: [] },
          },
        ],
      });
      assert.deepEqual(message.mentions[0], {
        id: 0,
        mentionText: 'Bob',
        mentioned: {
          application: null,
          device: null,
          conversation: null,
          user: { id: bob, displayName: 'Bob Baker', userIdentityType: 'aadUser' },
        },
      });
      assert.ok(message.body.content.includes('<at id="1">Carol Cruz</at>'));
      const [file, card] = message.attachments;
      assert.equal(file?.content, null);
      assert.match(file?.id ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(typeof card?.content, 'string');
      assert.deepEqual(JSON.parse(card!.content!), { type: 'AdaptiveCard', version: '1.4', body: [] });
      for (const a of message.attachments)
        assert.ok(message.body.content.includes(`<attachment id="${a.id}"></attachment>`));
      assert.throws(
        () =>
          state.postMessage(tenantId, chatId, {
            from: { userId: alice },
            body: { contentType: 'text', content: 'x' },
            mentions: [{ id: 0, userId: bob }],
          }),
        refused('invalid'),
      );
    });

    it('names guests and federated senders with their own tenant, and allows bot and sender-less messages', () => {
      const guest = state.addUser(tenantId, {
        displayName: 'Gil Guest',
        userType: 'Guest',
        mail: 'gil@fabrikam.com',
        homeTenantId: OTHER_TENANT,
      }).id;
      const chatId = state.createChat(tenantId, {
        chatType: 'group',
        members: [
          { userId: alice },
          { userId: guest },
          {
            external: {
              id: '11111111-2222-4333-8444-555555555555',
              displayName: 'Fed Eric',
              tenantId: OTHER_TENANT,
            },
          },
        ],
      }).id;
      const members = state.listMembers(tenantId, chatId);
      assert.deepEqual(
        members.map((m) => [m.tenantId, m.roles]),
        [
          [tenantId, ['owner']],
          [OTHER_TENANT, ['guest']],
          [OTHER_TENANT, ['guest']],
        ],
      );
      const fromGuest = state.postMessage(tenantId, chatId, {
        from: { userId: guest },
        body: { contentType: 'text', content: 'hi' },
      });
      assert.equal(fromGuest.from?.user?.tenantId, OTHER_TENANT);
      assert.equal(fromGuest.from?.user?.userIdentityType, 'aadUser');
      const fromFederated = state.postMessage(tenantId, chatId, {
        from: { userId: '11111111-2222-4333-8444-555555555555' },
        body: { contentType: 'text', content: 'hello from outside' },
      });
      assert.equal(fromFederated.from?.user?.userIdentityType, 'federatedUser');
      const fromBot = state.postMessage(tenantId, chatId, {
        from: { application: { id: '22222222-3333-4444-8555-666666666666', displayName: 'Helper' } },
        body: { contentType: 'html', content: '<p>beep</p>' },
      });
      assert.deepEqual(fromBot.from, {
        application: {
          id: '22222222-3333-4444-8555-666666666666',
          displayName: 'Helper',
          applicationIdentityType: 'bot',
        },
        device: null,
        user: null,
      });
      const anonymous: ChatMessageJson = state.postMessage(tenantId, chatId, {
        from: null,
        body: { contentType: 'text', content: '?' },
      });
      assert.equal(anonymous.from, null);
      assert.equal(anonymous.messageType, 'message');
      assert.throws(
        () =>
          state.postMessage(tenantId, chatId, {
            from: { userId: bob },
            body: { contentType: 'text', content: 'x' },
          }),
        refused('memberNotFound'),
      );
    });

    it('refuses posts from a member deleted or disabled since, and writes into unknown chats', () => {
      const chatId = groupChat();
      state.updateUser(tenantId, bob, { accountEnabled: false });
      assert.throws(
        () =>
          state.postMessage(tenantId, chatId, {
            from: { userId: bob },
            body: { contentType: 'text', content: 'x' },
          }),
        refused('invalid'),
      );
      assert.throws(
        () =>
          state.postMessage(tenantId, '19:nope@thread.v2', {
            from: null,
            body: { contentType: 'text', content: 'x' },
          }),
        refused('chatNotFound'),
      );
      assert.throws(
        () => state.editMessage(tenantId, chatId, '1', { body: { contentType: 'text', content: 'x' } }),
        refused('messageNotFound'),
      );
      assert.throws(() => state.stats('nowhere.example'), refused('tenantNotFound'));
    });
  });
});
