import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { AdaptiveCardJson } from './cards/card-templates';
import { EXPORT_PROBLEMS } from './export-ask';
import { SAY } from './refusals';
import { adaptiveCardProblems } from './testing/adaptive-card-check';
import {
  ADA,
  BORIS,
  BotHarness,
  GRACE,
  LIN,
  TENANT_A,
  allActions,
  answerCard,
  answerText,
  cardOf,
  cardText,
  findAction,
  groupChat,
  personalChat,
  teamChannel,
  type TestUser,
  type Where,
} from './testing/bot-harness';

const CHAT = '19:5f6a1d0e-0000-4000-8000-000000000001_5f6a1d0e-0000-4000-8000-000000000002@unq.gbl.spaces';

const textsIn = (sent: Partial<Activity>[]) =>
  sent.filter((a) => a.type === 'message' && a.text).map((a) => a.text!);

/** The url of the card's Download button. */
function downloadUrl(card: AdaptiveCardJson): string {
  const download = allActions(card).find((a) => a.type === 'Action.OpenUrl' && a.title === 'Download');
  assert.ok(download, 'a Download button');
  return (download as { url?: string }).url!;
}

describe('ChatVault bot: export links', function () {
  this.timeout(30_000);
  let h: BotHarness;
  beforeEach(async () => {
    h = new BotHarness();
    await h.makeAdmin(ADA);
    h.recovery.addChat(TENANT_A, CHAT);
    h.recovery.addUser(TENANT_A, GRACE.upn, GRACE.userId);
  });
  afterEach(() => h.close());

  /** The one text a typed command answered with (and no card). */
  async function textFor(user: TestUser, command: string, where?: Where): Promise<string> {
    const sent = await h.say(user, command, where);
    assert.equal(sent.filter((a) => a.attachments?.length).length, 0, `${command}: no card`);
    const texts = textsIn(sent);
    assert.equal(texts.length, 1, `one reply to "${command}"`);
    return texts[0]!;
  }

  async function cardFor(user: TestUser, command: string): Promise<AdaptiveCardJson> {
    const sent = await h.say(user, command);
    assert.equal(sent.length, 1, command);
    return cardOf(sent[0]);
  }

  /** Every link the port made, and its token alone: neither may be in any log line. */
  function assertNoLinkLogged(): void {
    const logged = h.logLines.join('\n');
    for (const link of h.recovery.links) {
      assert.ok(!logged.includes(link.url), 'the link is not logged');
      assert.ok(!logged.includes(new URL(link.url).searchParams.get('t')!), 'nor its token');
    }
  }

  describe('an admin in the personal chat', () => {
    it('gets a card with the Download link the port made for one chat, in HTML by default', async () => {
      const card = await cardFor(ADA, `export chat ${CHAT}`);
      assert.deepEqual(h.recovery.calls, [
        {
          actor: { kind: 'user', id: ADA.userId, name: ADA.name },
          tenantId: TENANT_A,
          request: { scope: { kind: 'chat', chatId: CHAT }, format: 'html' },
        },
      ]);
      const link = h.recovery.links[0]!;
      assert.equal(downloadUrl(card), link.url);
      assert.deepEqual(adaptiveCardProblems(card), []);
      const text = cardText(card);
      assert.match(text, new RegExp(`One chat \\(${CHAT.replace(/[.]/g, '\\.')}\\)`));
      assert.match(text, /Now: the latest state of every message/);
      assert.match(text, /HTML: a transcript to read in any browser/);
      assert.ok(text.includes(link.fileName), 'the file name');
      assert.match(text, /Link works until\n2026-05-01 10:15 UTC/);
      assert.match(text, /yours alone and works until \{\{TIME\(2026-05-01T10:15:00Z\)\}\} \(15 minutes\)/);
      assert.match(text, /Do not share it/);
      assert.equal(allActions(card).length, 1, 'Download is its only button');
      assertNoLinkLogged();
    });

    it('asks the port for a user or for everything, in JSON and at a moment, as typed', async () => {
      const user = await cardFor(ADA, `export user ${GRACE.upn} json at 2026-03-02T09:30+01:00`);
      const all = await cardFor(ADA, 'Export ALL at 2026-03-02');
      assert.deepEqual(
        h.recovery.calls.map((c) => c.request),
        [
          {
            scope: { kind: 'user', user: GRACE.upn },
            format: 'json',
            at: '2026-03-02T08:30:00.000Z',
          },
          { scope: { kind: 'all' }, format: 'html', at: '2026-03-02T00:00:00.000Z' },
        ],
      );
      assert.equal(downloadUrl(user), h.recovery.links[0]!.url);
      assert.equal(downloadUrl(all), h.recovery.links[1]!.url);
      assert.notEqual(h.recovery.links[0]!.url, h.recovery.links[1]!.url);
      assert.match(cardText(user), /The chats of grace@contoso\.test/);
      assert.match(cardText(user), /2026-03-02 08:30 UTC, as the backup saw it then/);
      assert.match(cardText(user), /JSON: a zip with a document per chat/);
      assert.match(cardText(all), /Every chat in your organization's backup/);
      assert.match(cardText(all), /2026-03-02 00:00 UTC/);
      assert.match(cardText(all), /HTML: a zip with a transcript per chat/);
      for (const card of [user, all]) assert.deepEqual(adaptiveCardProblems(card), []);
      assertNoLinkLogged();
    });

    it("shows the port's not_found sentence and makes no link", async () => {
      assert.equal(
        await textFor(ADA, 'export chat 19:gone@thread.v2'),
        'No link was made: That chat is not in this organization’s backup.',
      );
      assert.equal(
        await textFor(ADA, 'export user nobody@contoso.test'),
        'No link was made: No user "nobody@contoso.test" is in this organization’s backup.',
      );
      assert.equal(h.recovery.calls.length, 2);
      assert.equal(h.recovery.links.length, 0);
    });

    it('refuses forms and moments it cannot read, saying what to write, without asking the port', async () => {
      const cases: [string, string][] = [
        ['export everything', EXPORT_PROBLEMS.usage],
        ['export chat', EXPORT_PROBLEMS.noChat],
        ['export user json', EXPORT_PROBLEMS.noUser],
        ['export all pdf', EXPORT_PROBLEMS.extraWords],
        ['export all html json', EXPORT_PROBLEMS.twoFormats],
        ['export all at', EXPORT_PROBLEMS.noMoment],
        ['export all at yesterday', EXPORT_PROBLEMS.badMoment],
        ['export all at 2026-02-30T08:00Z', EXPORT_PROBLEMS.badMoment],
        ['export all at 2026-03-02T08:00', EXPORT_PROBLEMS.noZone],
        ['export all at 2026-03-02 08:00', EXPORT_PROBLEMS.splitMoment],
      ];
      for (const [command, expected] of cases) assert.equal(await textFor(ADA, command), expected, command);
      assert.equal(h.recovery.calls.length, 0, 'the port was never asked');
    });

    it('treats a link Teams could not open as a failure of its own, without logging it', async () => {
      h.recovery.origin = 'http://chatvault.contoso.test';
      assert.equal(await textFor(ADA, 'export all'), SAY.failed);
      const failure = h.logLines.find((l) => l.includes('bot command failed'));
      assert.match(failure ?? '', /"name":"ExportLinkError"/);
      assert.equal(h.recovery.links.length, 1);
      assertNoLinkLogged();

      h.recovery.origin = 'http://127.0.0.1:3978';
      const local = await cardFor(ADA, 'export all');
      assert.match(downloadUrl(local), /^http:\/\/127\.0\.0\.1:3978\/api\/v1\/recovery\/downloads\?t=/);
    });
  });

  describe('the export form', () => {
    it('makes the link from the form, replacing it; a refused form stays as it was and works once corrected', async () => {
      const form = await cardFor(ADA, 'export');
      assert.deepEqual(adaptiveCardProblems(form), []);
      assert.ok(findAction(form, 'export.create'));

      const missing = await h.press(ADA, form, 'export.create', { kind: 'user', target: '', format: 'json' });
      assert.equal(answerText(missing), EXPORT_PROBLEMS.formNoUser);
      assert.equal(h.recovery.calls.length, 0);

      const answer = await h.press(ADA, form, 'export.create', {
        kind: 'user',
        target: GRACE.userId,
        format: 'json',
        atDate: '2026-03-02',
        atTime: '08:30',
      });
      const card = answerCard(answer);
      assert.deepEqual(
        h.recovery.calls.map((c) => c.request),
        [{ scope: { kind: 'user', user: GRACE.userId }, format: 'json', at: '2026-03-02T08:30:00.000Z' }],
      );
      assert.equal(downloadUrl(card), h.recovery.links[0]!.url);
      assertNoLinkLogged();
    });

    it('refuses form values of the wrong kind without asking the port', async () => {
      const form = await cardFor(ADA, 'export');
      const answer = await h.press(ADA, form, 'export.create', { kind: 7, target: ['x'] });
      assert.equal(answerText(answer), SAY.invalidCard);
      assert.equal(h.recovery.calls.length, 0);
    });

    it('is pressed as the person pressing: someone no longer an admin is refused', async () => {
      await h.makeAdmin(LIN);
      const form = await cardFor(LIN, 'export');
      await h.admins.removeAdmin(TENANT_A, { kind: 'user', id: ADA.userId }, LIN.userId);
      const answer = await h.press(LIN, form, 'export.create', { kind: 'all' });
      assert.equal(answerText(answer), SAY.notAdmin);
      assert.equal(h.recovery.calls.length, 0);
    });

    it("cannot be pressed from another tenant's conversation", async () => {
      await h.makeAdmin(BORIS);
      const form = await cardFor(ADA, 'export');
      const answer = await h.press(BORIS, form, 'export.create', { kind: 'all' }, personalChat(ADA));
      assert.match(answerText(answer), /did not make this card/);
      assert.equal(h.recovery.calls.length, 0);
    });
  });

  it('refuses a non-admin every form, as other admin commands, and never asks the port', async () => {
    for (const command of [
      'export',
      `export chat ${CHAT}`,
      'export all json',
      'export nonsense',
      'export all at x',
    ])
      assert.equal(await textFor(LIN, command), SAY.notAdmin, command);
    assert.equal(h.recovery.calls.length, 0);
  });

  it('makes links only in the personal chat, where no one else sees them', async () => {
    for (const where of [teamChannel(TENANT_A, 'Ops'), groupChat(TENANT_A)])
      for (const command of ['export', 'export all'])
        assert.equal(
          await textFor(ADA, command, where),
          SAY.exportInPersonalChat,
          `${where.kind}: ${command}`,
        );
    assert.equal(h.recovery.calls.length, 0);
  });

  it('says exports are not available where the recovery port is not wired', async () => {
    const bare = new BotHarness({ recovery: false });
    try {
      await bare.makeAdmin(ADA);
      for (const command of ['export', 'export all', `export chat ${CHAT} json`]) {
        const sent = await bare.say(ADA, command);
        assert.deepEqual(textsIn(sent), [SAY.exportsUnavailable], command);
      }
      assert.deepEqual(textsIn(await bare.say(LIN, 'export all')), [SAY.notAdmin], 'access first');
      assert.equal(bare.recovery.calls.length, 0);
    } finally {
      await bare.close();
    }
  });

  it('is on the help card of an admin, and not of anyone else', async () => {
    assert.match(cardText(await cardFor(ADA, 'help')), /^export$/m);
    assert.match(cardText(await cardFor(ADA, 'help')), /A download link for you alone/);
    assert.doesNotMatch(cardText(await cardFor(LIN, 'help')), /^export$/m);
  });
});
