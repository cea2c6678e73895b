import assert from 'node:assert/strict';
import { BrowseService, type ImageLocation, type ImageViewer } from './browse-service';
import { isRecoveryError } from './recovery-error';
import { CAPTURES, seedLaunchChat, type LaunchChat } from './testdata/launch-chat';
import {
  ADMIN,
  OTHER_TENANT,
  PEOPLE,
  recoveryFixture,
  TENANT,
  type RecoveryFixture,
} from './testdata/recovery-fixture';
import type { TranscriptMessage } from './transcript/message-view';

function byId(messages: TranscriptMessage[], id: string): TranscriptMessage {
  const found = messages.find((m) => m.messageId === id);
  assert.ok(found, `message ${id} is shown`);
  return found;
}

describe('BrowseService', () => {
  let fixture: RecoveryFixture;
  let chat: LaunchChat;

  beforeEach(async () => {
    fixture = recoveryFixture();
    chat = await seedLaunchChat(fixture);
  });
  afterEach(() => fixture.close());

  it('renders the transcript faithfully: senders, images, mentions, reactions, replies, files, cards and events in words', async () => {
    const page = await fixture.services.browse.transcript(ADMIN, TENANT, chat.chatId);
    assert.deepEqual(
      page.messages.map((m) => m.messageId),
      chat.ids,
    );
    assert.equal(page.chat.title, 'Launch plans');
    assert.equal(page.at, null);
    assert.equal(page.older, undefined);

    const withImage = byId(page.messages, chat.ids[1]!);
    assert.deepEqual(withImage.sender, { id: PEOPLE.grace.id, name: 'Grace Hopper', kind: 'user' });
    assert.match(withImage.html, /<span class="mention">Ada Lovelace<\/span>/);
    assert.ok(
      withImage.html.includes(
        `<img src="/api/v1/recovery/chats/${encodeURIComponent(chat.chatId)}/messages/${chat.ids[1]}/images/${chat.image.sha256}"`,
      ),
      withImage.html,
    );
    assert.deepEqual(withImage.images, [chat.image.sha256]);
    assert.deepEqual(withImage.mentions, [{ name: 'Ada Lovelace', userId: PEOPLE.ada.id }]);
    assert.deepEqual(withImage.reactions, [
      { reaction: 'like', name: null, count: 1, people: ['Linus Pauling'] },
    ]);
    assert.equal(withImage.edited, undefined, 'a reaction is no edit');
    assert.deepEqual(
      withImage.earlierVersions.map((v) => v.change),
      ['posted'],
    );
    assert.equal(withImage.version.change, 'reactions');

    const event = byId(page.messages, chat.ids[4]!);
    assert.equal(event.kind, 'event');
    assert.equal(event.event, 'Ada Lovelace added Linus Pauling to the chat and shared all chat history.');

    const reply = byId(page.messages, chat.ids[5]!);
    assert.deepEqual(reply.replyTo, {
      messageId: chat.ids[0],
      sender: 'Ada Lovelace',
      preview: 'Kick-off at nine',
    });
    assert.deepEqual(reply.attachments, [
      {
        id: 'f1',
        kind: 'file',
        name: 'plan.docx',
        contentType: 'reference',
        url: 'https://contoso.sharepoint.com/personal/grace/Documents/plan.docx',
      },
    ]);
    const card = byId(page.messages, chat.ids[6]!);
    assert.deepEqual(
      card.attachments.map((a) => [a.kind, a.text]),
      [['card', 'Release checklist']],
    );
  });

  it('marks an edited message and keeps each earlier text one step away', async () => {
    const page = await fixture.services.browse.transcript(ADMIN, TENANT, chat.chatId);
    const edited = byId(page.messages, chat.ids[2]!);
    assert.match(edited.html, /Draft three/);
    assert.ok(edited.edited?.at);
    assert.deepEqual(
      edited.earlierVersions.map((v) => [v.change, v.html]),
      [
        ['posted', '<p>Draft one</p>'],
        ['edited', '<p>Draft two</p>'],
      ],
    );
    assert.deepEqual(
      edited.earlierVersions.map((v) => v.capturedAt),
      [CAPTURES[0], CAPTURES[1]],
    );
  });

  it('shows a deleted message with when it was deleted and its last text', async () => {
    const page = await fixture.services.browse.transcript(ADMIN, TENANT, chat.chatId);
    const deleted = byId(page.messages, chat.ids[3]!);
    assert.match(deleted.html, /Secret plan/);
    assert.equal(deleted.deleted?.deletedDateTime, new Date(Number(chat.ids[3]) + 7 * 60_000).toISOString());
    assert.equal(deleted.deleted?.seenDeletedAt, CAPTURES[1]);
    assert.equal(deleted.version.change, 'deleted');
  });

  it('shows the chat exactly as each backup saw it', async () => {
    const at = (i: number) => new Date(Date.parse(CAPTURES[i]!) + 3_600_000).toISOString();
    const moments = [];
    for (let i = 0; i < 3; i++)
      moments.push(await fixture.services.browse.transcript(ADMIN, TENANT, chat.chatId, { at: at(i) }));
    const [first, second, third] = moments as [(typeof moments)[0], (typeof moments)[0], (typeof moments)[0]];

    assert.equal(first.at, at(0));
    const draft = (page: typeof first) => byId(page.messages, chat.ids[2]!);
    assert.equal(draft(first).html, '<p>Draft one</p>');
    assert.equal(draft(first).edited, undefined);
    assert.deepEqual(draft(first).earlierVersions, []);
    assert.equal(draft(second).html, '<p>Draft two</p>');
    assert.deepEqual(
      draft(second).earlierVersions.map((v) => v.html),
      ['<p>Draft one</p>'],
    );
    assert.equal(draft(third).html, '<p>Draft three</p>');

    assert.equal(byId(first.messages, chat.ids[3]!).deleted, undefined);
    assert.ok(byId(second.messages, chat.ids[3]!).deleted);
    assert.deepEqual(byId(first.messages, chat.ids[1]!).reactions, []);
    assert.equal(
      first.messages.some((m) => m.messageId === chat.ids[6]),
      false,
      'the card was posted after the second backup',
    );
    assert.ok(third.messages.some((m) => m.messageId === chat.ids[6]));
  });

  it('pages through a long chat both ways and centres a page on a message', async () => {
    const browse = fixture.services.browse;
    const seen: string[] = [];
    let page = await browse.transcript(ADMIN, TENANT, chat.chatId, { limit: 3 });
    seen.unshift(...page.messages.map((m) => m.messageId));
    while (page.older) {
      page = await browse.transcript(ADMIN, TENANT, chat.chatId, { limit: 3, cursor: page.older });
      seen.unshift(...page.messages.map((m) => m.messageId));
    }
    assert.deepEqual(seen, chat.ids);
    assert.ok(page.newer);
    const next = await browse.transcript(ADMIN, TENANT, chat.chatId, { limit: 3, cursor: page.newer });
    // The last page held the two oldest; the one after it starts at the third.
    assert.deepEqual(
      next.messages.map((m) => m.messageId),
      chat.ids.slice(2, 5),
    );

    const around = await browse.transcript(ADMIN, TENANT, chat.chatId, { limit: 3, around: chat.ids[3] });
    assert.deepEqual(
      around.messages.map((m) => m.messageId),
      chat.ids.slice(2, 5),
    );
    assert.equal(around.anchor, chat.ids[3]);
    assert.ok(around.older && around.newer);

    await assert.rejects(
      browse.transcript(ADMIN, TENANT, chat.chatId, { cursor: 'not-a-cursor' }),
      (e: unknown) => isRecoveryError(e, 'invalid_input') && e.field === 'cursor',
    );
    await assert.rejects(
      browse.transcript(ADMIN, TENANT, chat.chatId, { at: 'yesterday' }),
      (e: unknown) => isRecoveryError(e, 'invalid_input') && e.field === 'at',
    );
  });

  it('returns hostile HTML inert', async () => {
    const page = await fixture.services.browse.transcript(ADMIN, TENANT, chat.chatId);
    const html = byId(page.messages, chat.ids[7]!).html;
    assert.doesNotMatch(html, /<script|<iframe|<svg|<style|<form|<object|<meta|<base|<input/i);
    assert.doesNotMatch(html, /\son\w+=/i, 'no event handler');
    assert.doesNotMatch(html, /javascript:/i);
    assert.doesNotMatch(html, /evil\.example/, 'no remote load, no remote address left');
    assert.doesNotMatch(html, /style=/);
    assert.match(
      html,
      /<a href="https:\/\/example\.org\/ok" rel="noopener noreferrer nofollow" target="_blank">a fine link<\/a>/,
    );
    assert.match(html, /an image from another site, not loaded/);
  });

  it('asks imageUrl for each image with the tenant and the admin viewing it (a signed link may name them)', async () => {
    const asked: [ImageLocation, ImageViewer][] = [];
    const browse = new BrowseService(fixture.deps, {
      imageUrl: async (image, viewer) => {
        asked.push([image, viewer]);
        return `/signed/${image.sha256}?for=${viewer.tenantId}`;
      },
    });
    const page = await browse.transcript(ADMIN, TENANT, chat.chatId);
    const withImage = byId(page.messages, chat.ids[1]!);
    assert.ok(
      withImage.html.includes(`<img src="/signed/${chat.image.sha256}?for=${TENANT}"`),
      withImage.html,
    );
    assert.ok(asked.length > 0);
    for (const [image, viewer] of asked) {
      assert.deepEqual(viewer, { tenantId: TENANT, actor: ADMIN });
      assert.equal(image.chatId, chat.chatId);
    }
    assert.deepEqual(
      asked.filter(([image]) => image.messageId === chat.ids[1]).map(([image]) => image.sha256),
      [chat.image.sha256],
      'one address per image of a message, not one per occurrence',
    );
    const one = await browse.message(ADMIN, TENANT, chat.chatId, chat.ids[1]!);
    assert.equal(one.html, withImage.html);
  });

  it('serves only images a message references, and only in its tenant', async () => {
    const browse = fixture.services.browse;
    const image = await browse.readImage(TENANT, {
      chatId: chat.chatId,
      messageId: chat.ids[1]!,
      sha256: chat.image.sha256,
    });
    assert.equal(image.contentType, 'image/png');
    const parts: Buffer[] = [];
    for await (const chunk of image.body) parts.push(chunk as Buffer);
    assert.ok(Buffer.concat(parts).equals(chat.imageBytes));

    await assert.rejects(
      browse.readImage(TENANT, { chatId: chat.chatId, messageId: chat.ids[0]!, sha256: chat.image.sha256 }),
      (e: unknown) => isRecoveryError(e, 'not_found'),
    );
    await assert.rejects(
      browse.readImage(OTHER_TENANT, {
        chatId: chat.chatId,
        messageId: chat.ids[1]!,
        sha256: chat.image.sha256,
      }),
      (e: unknown) => isRecoveryError(e, 'not_found'),
    );
    await assert.rejects(
      browse.readImage(TENANT, { chatId: chat.chatId, messageId: chat.ids[1]!, sha256: '../etc/passwd' }),
      (e: unknown) => isRecoveryError(e, 'invalid_input'),
    );
  });

  it("never shows another tenant's chat, and audits every look", async () => {
    const browse = fixture.services.browse;
    await assert.rejects(browse.transcript(ADMIN, OTHER_TENANT, chat.chatId), (e: unknown) =>
      isRecoveryError(e, 'not_found'),
    );
    await assert.rejects(browse.message(ADMIN, OTHER_TENANT, chat.chatId, chat.ids[0]!), (e: unknown) =>
      isRecoveryError(e, 'not_found'),
    );

    const users = await browse.listUsers(ADMIN, TENANT);
    assert.deepEqual(users.items.map((u) => u.upn).sort(), [
      'ada@contoso.example',
      'grace@contoso.example',
      'linus@contoso.example',
    ]);
    const chats = await browse.listChats(ADMIN, TENANT, { user: 'GRACE@contoso.example' });
    assert.deepEqual(
      chats.items.map((c) => [c.chatId, c.title, c.members.length]),
      [[chat.chatId, 'Launch plans', 3]],
    );
    await browse.transcript(ADMIN, TENANT, chat.chatId, { at: CAPTURES[1] });
    const message = await browse.message(ADMIN, TENANT, chat.chatId, chat.ids[2]!);
    assert.equal(message.earlierVersions.length, 2);

    const events = (await fixture.audit()).reverse();
    assert.deepEqual(
      events.map((e) => [e.action, e.subject, e.actor]),
      [
        ['browsed', 'users', ADMIN],
        ['browsed', PEOPLE.grace.id, ADMIN],
        ['browsed', chat.chatId, ADMIN],
        ['browsed', chat.chatId, ADMIN],
      ],
    );
    assert.equal(events[2]!.details?.['at'], CAPTURES[1]);
    assert.equal(events[3]!.details?.['messageId'], chat.ids[2]);
    assert.deepEqual(await fixture.audit(OTHER_TENANT), []);
  });
});
