import assert from 'node:assert/strict';
import { isRecoveryError } from '../recovery-error';
import { seedLaunchChat, type LaunchChat } from '../testdata/launch-chat';
import {
  ADMIN,
  OTHER_TENANT,
  PEOPLE,
  recoveryFixture,
  state,
  TENANT,
  type RecoveryFixture,
} from '../testdata/recovery-fixture';
import { snippetOf } from './snippet';

describe('SearchService', () => {
  let fixture: RecoveryFixture;
  let chat: LaunchChat;

  beforeEach(async () => {
    fixture = recoveryFixture();
    chat = await seedLaunchChat(fixture);
    await seedLaunchChat(fixture, OTHER_TENANT);
    await fixture.backup.putMessageVersions(OTHER_TENANT, [
      state({ n: 20, text: 'Fabrikam only: the zeppelin budget', capturedAt: '2026-06-01T12:00:00.000Z' }),
    ]);
  });
  afterEach(() => fixture.close());

  it("finds a deleted message's words and an edited message's earlier words, linking into the transcript", async () => {
    const search = fixture.services.search;
    const deleted = await search.search(ADMIN, TENANT, { text: 'secret' });
    assert.deepEqual(
      deleted.items.map((h) => [h.messageId, h.deleted, h.onlyInEarlierVersions, h.sender.name, h.chatTitle]),
      [[chat.ids[3], true, true, 'Linus Pauling', 'Launch plans']],
    );
    assert.equal(deleted.items[0]!.snippet, 'Secret plan');
    assert.deepEqual(deleted.items[0]!.link, { chatId: chat.chatId, messageId: chat.ids[3] });

    const earlier = await search.search(ADMIN, TENANT, { text: 'draft one' });
    assert.deepEqual(
      earlier.items.map((h) => [h.messageId, h.deleted, h.onlyInEarlierVersions, h.matchedVersions.length]),
      [[chat.ids[2], false, true, 1]],
    );
    const everyDraft = await search.search(ADMIN, TENANT, { text: 'draft' });
    assert.equal(everyDraft.items[0]!.matchedVersions.length, 3);
    assert.equal(everyDraft.items[0]!.onlyInEarlierVersions, false);

    const page = await fixture.services.browse.transcript(ADMIN, TENANT, earlier.items[0]!.link.chatId, {
      around: earlier.items[0]!.link.messageId,
      limit: 5,
    });
    assert.equal(page.anchor, chat.ids[2]);
  });

  it("finds nothing of another tenant's", async () => {
    const search = fixture.services.search;
    assert.deepEqual((await search.search(ADMIN, TENANT, { text: 'zeppelin' })).items, []);
    assert.equal((await search.search(ADMIN, OTHER_TENANT, { text: 'zeppelin' })).items.length, 1);
  });

  it('narrows by sender (id or UPN), chat and dates, begins words with *, and audits each search', async () => {
    const search = fixture.services.search;
    const ids = async (request: Parameters<typeof search.search>[2]) =>
      (await search.search(ADMIN, TENANT, request)).items.map((h) => h.messageId);
    assert.deepEqual(await ids({ text: 'plan', sender: 'GRACE@contoso.example' }), [chat.ids[5]]);
    assert.deepEqual(await ids({ text: 'plan', sender: PEOPLE.linus.id }), [chat.ids[3]]);
    assert.deepEqual(await ids({ text: 'plan', chatId: '19:other@thread.v2' }), []);
    assert.deepEqual(await ids({ text: 'dra*' }), [chat.ids[2]]);
    assert.deepEqual(await ids({ text: 'plan', from: new Date(Number(chat.ids[4])).toISOString() }), [
      chat.ids[5],
    ]);
    await assert.rejects(
      search.search(ADMIN, TENANT, { text: '  ** ' }),
      (e: unknown) => isRecoveryError(e, 'invalid_input') && e.field === 'text',
    );
    await assert.rejects(
      search.search(ADMIN, TENANT, { text: 'plan', to: 'never' }),
      (e: unknown) => isRecoveryError(e, 'invalid_input') && e.field === 'to',
    );
    const events = (await fixture.audit()).filter((e) => e.action === 'searched');
    assert.equal(events.length, 5);
    assert.deepEqual(events[events.length - 1]!.details, {
      words: 'plan',
      sender: PEOPLE.grace.id,
      results: 1,
      page: 1,
    });
    assert.deepEqual(events[events.length - 1]!.actor, ADMIN);
  });

  it('pages results newest first', async () => {
    const search = fixture.services.search;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search.search(ADMIN, TENANT, { text: 'plan', limit: 1, cursor });
      seen.push(...page.items.map((h) => h.messageId));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(seen, [chat.ids[5], chat.ids[3]]);
  });
});

describe('snippetOf', () => {
  it('cuts around the first word found, at spaces', () => {
    const text = `${'lead '.repeat(30)}the Zeppelin budget ${'tail '.repeat(60)}`;
    const snippet = snippetOf(text, ['zeppelin'], false);
    assert.match(snippet, /^…/);
    assert.match(snippet, /…$/);
    assert.ok(snippet.includes('the Zeppelin budget'));
    assert.ok(snippet.length <= 202);
    assert.equal(snippetOf('Café au lait', ['cafe'], false), 'Café au lait');
  });
});
