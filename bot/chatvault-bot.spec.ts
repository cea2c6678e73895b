import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { AdaptiveCardJson } from './cards/card-templates';
import { adaptiveCardProblems } from './testing/adaptive-card-check';
import {
  ADA,
  APP_ID,
  BotHarness,
  EXPIRED_SECRET,
  GOOD_SECRET,
  GRACE,
  LIN,
  ScriptedTester,
  TENANT_A,
  answerCard,
  answerText,
  cardOf,
  cardText,
  findAction,
  groupChat,
  personalChat,
  teamChannel,
  type TestUser,
} from './testing/bot-harness';

const cardsIn = (sent: Partial<Activity>[]) => sent.filter((a) => a.attachments?.length).map(cardOf);
const textsIn = (sent: Partial<Activity>[]) =>
  sent.filter((a) => a.type === 'message' && a.text).map((a) => a.text!);

describe('ChatVault bot: commands and cards', function () {
  this.timeout(30_000);
  let h: BotHarness;
  beforeEach(() => {
    h = new BotHarness();
  });
  afterEach(() => h.close());

  /** The one card a typed command answered with, checked as a valid card. */
  async function cardFor(
    user: TestUser,
    text: string,
    where = personalChat(user),
  ): Promise<AdaptiveCardJson> {
    const sent = await h.say(user, text, where);
    const cards = cardsIn(sent);
    assert.equal(cards.length, 1, `one card for "${text}", got ${JSON.stringify(textsIn(sent))}`);
    assert.deepEqual(adaptiveCardProblems(cards[0]), []);
    return cards[0]!;
  }

  async function textFor(user: TestUser, text: string, where = personalChat(user)): Promise<string> {
    const sent = await h.say(user, text, where);
    const texts = textsIn(sent);
    assert.equal(texts.length, 1, `one text for "${text}"`);
    return texts[0]!;
  }

  async function connectedAdmin(): Promise<void> {
    await h.connect(ADA);
    await h.makeAdmin(ADA);
  }

  describe('install and help', () => {
    it('welcomes a personal install once with the setup guide card, whichever way Teams announces it', async () => {
      const where = personalChat(ADA);
      const installed = await h.send(ADA, where, { type: 'installationUpdate', action: 'add' });
      const added = await h.send(ADA, where, {
        type: 'conversationUpdate',
        membersAdded: [{ id: '28:chatvault-bot', name: 'ChatVault' }],
      });
      const cards = cardsIn([...installed, ...added]);
      assert.equal(cards.length, 1);
      assert.deepEqual(adaptiveCardProblems(cards[0]), []);
      assert.match(cardText(cards[0]), /Register the app[\s\S]*copy its Value[\s\S]*grant admin consent/);
      const form = answerCard(await h.press(ADA, cards[0]!, 'connect'));
      assert.match(cardText(form), /Connect to your tenant application[\s\S]*App Secret Code/);
      assert.ok(findAction(form, 'connect.save'));
    });

    it('welcomes a member of a tenant already set up with what ChatVault is, not the setup guide', async () => {
      await connectedAdmin();
      const sent = await h.send(LIN, personalChat(LIN), { type: 'installationUpdate', action: 'add' });
      const text = cardText(cardsIn(sent)[0]);
      assert.match(text, /managed by its admins/);
      assert.doesNotMatch(text, /Register the app/);
      assert.equal(findAction(cardsIn(sent)[0], 'connect'), undefined);
    });

    it('greets a team install in the channel with how to subscribe', async () => {
      const sent = await h.send(ADA, teamChannel(TENANT_A, 'General'), {
        type: 'conversationUpdate',
        membersAdded: [{ id: '28:chatvault-bot', name: 'ChatVault' }],
      });
      assert.match(textsIn(sent)[0]!, /subscribe/);
      assert.equal(cardsIn(sent).length, 0);
    });

    it('shows an admin every command, and its buttons each answer with their card', async () => {
      await connectedAdmin();
      const help = await cardFor(ADA, 'HELP');
      for (const c of [
        'connect',
        'status',
        'backup now',
        'cancel',
        'history',
        'schedule',
        'subscribe',
        'unsubscribe',
        'admins',
      ])
        assert.match(cardText(help), new RegExp(`^${c}$`, 'm'), c);
      const answers: [string, RegExp][] = [
        ['status', /ChatVault status/],
        ['history', /Backup history/],
        ['schedule', /Backup schedule/],
        ['backup.start', /Backup started/],
      ];
      for (const [verb, says] of answers)
        assert.match(cardText(answerCard(await h.press(ADA, help, verb))), says, verb);
      assert.match(answerText(await h.press(ADA, help, 'subscribe')), /Done: .* in this chat/);
      assert.equal((await h.targets.list(TENANT_A)).length, 1);
      const inChannel = await cardFor(ADA, 'help', teamChannel(TENANT_A, 'Ops'));
      assert.equal(findAction(inChannel, 'subscribe')?.title, 'Send notices here');
    });

    it('tells someone in a tenant without admins how to become one, and offers Connect only', async () => {
      const help = await cardFor(LIN, 'help');
      assert.match(cardText(help), /whoever connects a working tenant app first becomes its admin/);
      assert.match(cardText(help), /^connect$/m);
      assert.doesNotMatch(cardText(help), /^status$/m);
      assert.ok(findAction(help, 'connect'));
      assert.equal(findAction(help, 'status'), undefined);
    });

    it('answers anything unknown kindly, without repeating what was typed', async () => {
      const pasted = 'Zz9~thisLooksLikeASecretValue0123456789abc';
      const answer = await textFor(ADA, pasted);
      assert.match(answer, /didn't understand.*help/);
      assert.ok(!answer.includes(pasted));
      assert.ok(!h.logLines.join('\n').includes(pasted), 'nor logging it');
    });
  });

  describe('connect', () => {
    it('saves working credentials: Active with what was found, and the first person to connect becomes admin', async () => {
      const form = await cardFor(ADA, 'connect');
      assert.match(cardText(form), /Application ID[\s\S]*App Secret Code/);
      const secretField = JSON.stringify(form).includes('"style":"Password"');
      assert.ok(secretField, 'the secret is a password field');

      const answer = await h.press(ADA, form, 'connect.save', { appId: APP_ID, secret: GOOD_SECRET });
      const result = answerCard(answer);
      assert.deepEqual(adaptiveCardProblems(result), []);
      const text = cardText(result);
      assert.match(text, /^Active$/m);
      assert.match(text, /Chat\.Read\.All, Chat\.ReadWrite\.All, User\.Read\.All/);
      assert.match(text, new RegExp(APP_ID));
      assert.match(text, /first ChatVault admin/);
      assert.ok(findAction(result, 'status') && findAction(result, 'backup.start'));
      assert.equal(findAction(result, 'connect.save'), undefined, 'no form once connected');

      assert.equal(await h.admins.isAdmin(TENANT_A, ADA.userId), true);
      assert.deepEqual((await h.audit.list(TENANT_A)).map((e) => e.action).sort(), [
        'admin_added',
        'connected',
      ]);
      assert.ok(!JSON.stringify(result).includes(GOOD_SECRET));
      assert.ok(!h.logLines.join('\n').includes(GOOD_SECRET), 'the secret is never logged');
    });

    it('answers a failing test with its sentence and the step to redo, keeping the Application ID and not the secret', async () => {
      const form = await cardFor(ADA, 'connect');
      const result = answerCard(
        await h.press(ADA, form, 'connect.save', { appId: ` ${APP_ID} `, secret: EXPIRED_SECRET }),
      );
      assert.deepEqual(adaptiveCardProblems(result), []);
      const text = cardText(result);
      assert.match(text, /^Not connected$/m);
      assert.match(text, /This client secret has expired/);
      assert.match(text, /What to redo: Setup The Registered Application, steps 5-7/);
      assert.equal(inputOf(result, 'appId').value, APP_ID);
      const secretInput = inputOf(result, 'secret');
      assert.equal(secretInput.style, 'Password');
      assert.equal(secretInput.value, undefined, 'the secret field is empty');
      assert.ok(!JSON.stringify(result).includes(EXPIRED_SECRET));
      assert.equal(await h.admins.tenantHasAdmins(TENANT_A), false, 'a failed test makes nobody admin');
      assert.ok(findAction(result, 'connect.save'), 'the form can be sent again');
    });

    it('checks the form again on the server: empty fields, a too-long secret, a pasted Secret ID, each named', async () => {
      const tester = h.tester as ScriptedTester;
      let form = await cardFor(ADA, 'connect');
      let text = cardText(answerCard(await h.press(ADA, form, 'connect.save', { appId: '', secret: '' })));
      assert.match(text, /Enter the Application ID/);
      assert.match(text, /Enter the App Secret Code/);

      form = await cardFor(ADA, 'connect');
      text = cardText(
        answerCard(await h.press(ADA, form, 'connect.save', { appId: APP_ID, secret: 'A'.repeat(300) })),
      );
      assert.match(text, /not a client secret Value/);

      form = await cardFor(ADA, 'connect');
      text = cardText(
        answerCard(await h.press(ADA, form, 'connect.save', { appId: APP_ID, secret: TENANT_A })),
      );
      assert.match(text, /looks like the secret's ID/);
      assert.equal(tester.calls.length, 0, 'Microsoft is not asked about input that is certainly wrong');
    });

    it('refuses form values of the wrong type or far too long before testing anything, with a fresh form', async () => {
      const tester = h.tester as ScriptedTester;
      for (const inputs of [
        { appId: 42, secret: GOOD_SECRET },
        { appId: APP_ID, secret: ['x'] },
        { appId: APP_ID, secret: 'x'.repeat(5000) },
      ]) {
        const form = await cardFor(ADA, 'connect');
        const result = answerCard(await h.press(ADA, form, 'connect.save', inputs));
        assert.match(cardText(result), /wrong kind or far too long/);
        assert.ok(findAction(result, 'connect.save'));
        assert.deepEqual(adaptiveCardProblems(result), []);
      }
      assert.equal(tester.calls.length, 0);
    });

    it('never shows back a secret pasted into the Application ID field', async () => {
      const form = await cardFor(ADA, 'connect');
      const result = answerCard(
        await h.press(ADA, form, 'connect.save', { appId: GOOD_SECRET, secret: GOOD_SECRET }),
      );
      assert.ok(!JSON.stringify(result).includes(GOOD_SECRET));
      assert.match(cardText(result), /must be a GUID/);
    });

    it('fills in the saved Application ID for an admin replacing the secret', async () => {
      await connectedAdmin();
      const form = await cardFor(ADA, 'connect');
      assert.equal(inputOf(form, 'appId').value, APP_ID);
    });

    it('connects only in a personal chat, to keep the secret out of shared conversations', async () => {
      await connectedAdmin();
      assert.match(await textFor(ADA, 'connect', teamChannel(TENANT_A, 'Ops')), /personal chat/);
    });
  });

  describe('status, backup now, cancel', () => {
    beforeEach(connectedAdmin);

    it('shows connection, last run, next scheduled run and counts', async () => {
      h.backup.setCounts(TENANT_A, { messages: 1234, versions: 1300, deleted: 5 });
      await h.backup.startRun(TENANT_A, { trigger: { kind: 'schedule' } });
      h.backup.progress(TENANT_A, 50, { users: 3, chats: 9, messagesNew: 40 });
      h.backup.finish(TENANT_A, 'partial', [{ kind: 'graph_forbidden', count: 2, examples: [] }]);
      const text = cardText(await cardFor(ADA, 'status'));
      assert.match(text, /Connection: Active/);
      assert.match(text, new RegExp(APP_ID));
      assert.match(text, /Last backup: Partly backed up/);
      assert.match(text, /3 users, 9 chats, 40 new messages/);
      assert.match(text, /refused the app/);
      assert.match(text, /every 60 minutes.*Next: 2026-05-01 11:00 UTC/);
      assert.match(text, /Messages kept[\s\S]*1,234/);
    });

    it('starts a backup, audited, and answers with a status card that follows the run', async () => {
      const sent = await h.say(ADA, 'backup now');
      const card = cardsIn(sent)[0]!;
      assert.match(cardText(card), /Backup started\.[\s\S]*Backup under way/);
      assert.ok(findAction(card, 'backup.cancel'), 'Cancel while it runs');
      assert.equal(findAction(card, 'backup.start'), undefined);
      assert.deepEqual(
        h.backup.started.map((s) => s.options.trigger),
        [{ kind: 'manual', by: { userId: ADA.userId, displayName: 'Ada' } }],
      );
      const audit = (await h.audit.list(TENANT_A)).find((e) => e.action === 'backup_started');
      assert.equal(audit?.subject, 'run-1');
      assert.deepEqual(audit?.actor, { kind: 'user', id: ADA.userId, name: 'Ada' });
      assert.equal(h.live.followedCount(TENANT_A), 1);

      assert.match(cardText(await cardFor(ADA, 'backup now')), /A backup is already under way/);
      assert.equal(h.backup.started.length, 1);
    });

    it('asks to connect first when nothing is connected', async () => {
      await h.close();
      h = new BotHarness();
      await h.makeAdmin(ADA);
      assert.match(await textFor(ADA, 'backup now'), /Connect the tenant app first/);
      assert.equal(h.backup.started.length, 0);
    });

    it('cancels the run under way, audited, and says so when none is', async () => {
      assert.match(cardText(await cardFor(ADA, 'cancel')), /No backup is under way/);
      await h.backup.startRun(TENANT_A, { trigger: { kind: 'schedule' } });
      const text = cardText(await cardFor(ADA, 'cancel'));
      assert.match(text, /Cancel requested/);
      assert.ok((await h.backup.status(TENANT_A)).active?.run.cancelRequestedAt);
      assert.equal(
        (await h.audit.list(TENANT_A)).find((e) => e.action === 'backup_cancelled')?.subject,
        'run-1',
      );
    });

    it('runs Refresh, Backup now and Cancel from the status card, each replacing it', async () => {
      let card = await cardFor(ADA, 'status');
      assert.equal(findAction(card, 'backup.cancel'), undefined);
      card = answerCard(await h.press(ADA, card, 'backup.start'));
      assert.match(cardText(card), /Backup started/);
      h.backup.progress(TENANT_A, 30, { users: 2 });
      card = answerCard(await h.press(ADA, card, 'status'));
      assert.match(cardText(card), /30% done/);
      card = answerCard(await h.press(ADA, card, 'backup.cancel'));
      assert.match(cardText(card), /Cancel requested/);
      assert.equal(findAction(card, 'backup.cancel'), undefined, 'no second Cancel');
    });

    it('cancels nothing from the card of a run that has ended, even with another run under way', async () => {
      await h.backup.startRun(TENANT_A, { trigger: { kind: 'schedule' } });
      const old = await cardFor(ADA, 'status');
      h.backup.finish(TENANT_A, 'succeeded');
      await h.backup.startRun(TENANT_A, { trigger: { kind: 'schedule' } });
      const answer = answerCard(await h.press(ADA, old, 'backup.cancel'));
      assert.match(cardText(answer), /already ended: nothing was cancelled/);
      assert.equal((await h.backup.status(TENANT_A)).active?.run.cancelRequestedAt, undefined);
    });
  });

  describe('history and schedule', () => {
    beforeEach(connectedAdmin);

    it('lists the last runs, newest first, with how they ended', async () => {
      assert.match(cardText(await cardFor(ADA, 'history')), /No backup has run yet/);
      for (const outcome of ['succeeded', 'failed'] as const) {
        await h.backup.startRun(TENANT_A, { trigger: { kind: 'schedule' } });
        h.backup.finish(TENANT_A, outcome);
      }
      const card = await cardFor(ADA, 'history');
      const text = cardText(card);
      assert.ok(text.indexOf('Failed') < text.indexOf('Succeeded'), 'newest first');
      assert.match(text, /The last 2 runs: 1 failed, 1 succeeded/);
      assert.match(cardText(answerCard(await h.press(ADA, card, 'history'))), /The last 2 runs/);
    });

    it('changes the schedule from its card, audited, and refuses what the engine refuses', async () => {
      let card = await cardFor(ADA, 'schedule');
      assert.match(cardText(card), /every 60 minutes/);
      card = answerCard(
        await h.press(ADA, card, 'schedule.save', {
          enabled: 'true',
          incrementalEveryMinutes: '30',
          fullEveryDays: 3,
        }),
      );
      assert.match(cardText(card), /Schedule saved/);
      assert.deepEqual((await h.backup.schedule(TENANT_A)).schedule, {
        enabled: true,
        incrementalEveryMinutes: 30,
        fullEveryDays: 3,
      });
      const audit = (await h.audit.list(TENANT_A)).find((e) => e.action === 'schedule_changed');
      assert.deepEqual(audit?.details, { enabled: true, incrementalEveryMinutes: 30, fullEveryDays: 3 });

      card = answerCard(
        await h.press(ADA, card, 'schedule.save', {
          enabled: 'false',
          incrementalEveryMinutes: '2',
          fullEveryDays: '3',
        }),
      );
      assert.match(cardText(card), /Not saved: An incremental backup can run at most every 5 minutes/);
      assert.equal((await h.backup.schedule(TENANT_A)).schedule.incrementalEveryMinutes, 30);

      card = answerCard(
        await h.press(ADA, card, 'schedule.save', {
          enabled: 'maybe',
          incrementalEveryMinutes: 'soon',
          fullEveryDays: -1,
        }),
      );
      assert.match(cardText(card), /wrong kind/);
      assert.equal((await h.backup.schedule(TENANT_A)).schedule.enabled, true);
    });
  });

  describe('subscribe and unsubscribe', () => {
    beforeEach(connectedAdmin);

    it('subscribes a team channel (audited), with the channel itself as the place cards go', async () => {
      const channel = teamChannel(TENANT_A, 'Backups', '1714557600000');
      assert.match(await textFor(ADA, 'subscribe', channel), /Done: .* in this channel/);
      const [target] = await h.targets.list(TENANT_A);
      assert.equal(target?.kind, 'channel');
      assert.equal(target?.label, 'IT Operations > Backups');
      const reference = target!.conversation as { conversation: { id: string; tenantId: string } };
      assert.equal(reference.conversation.id, channel.channel!.id, 'the channel, not the thread');
      assert.equal(reference.conversation.tenantId, TENANT_A);
      assert.equal(
        (await h.audit.list(TENANT_A)).find((e) => e.action === 'subscribed')?.subject,
        target!.targetId,
      );

      assert.match(await textFor(ADA, 'subscribe', teamChannel(TENANT_A, 'Backups')), /already come here/);
      assert.match(await textFor(ADA, 'UNSUBSCRIBE', channel), /no more notices here.*nowhere/);
      assert.deepEqual(await h.targets.list(TENANT_A), []);
      assert.match(await textFor(ADA, 'unsubscribe', channel), /nothing to stop/);
    });

    it('subscribes a personal chat, and explains where notices can go from a group chat', async () => {
      assert.match(await textFor(ADA, 'subscribe'), /in this chat/);
      assert.equal((await h.targets.list(TENANT_A))[0]?.label, "Ada's personal chat");
      assert.match(await textFor(ADA, 'subscribe', groupChat(TENANT_A)), /team channel/);
    });
  });

  describe('admins', () => {
    beforeEach(connectedAdmin);

    it('lists, adds by sign-in name (typed or in the card) and removes admins', async () => {
      let card = await cardFor(ADA, 'admins');
      assert.match(cardText(card), /Ada[\s\S]*first admin/);
      assert.equal(findAction(card, 'admins.remove'), undefined, 'the only admin cannot be removed');

      assert.match(cardText(answerCard(await h.press(ADA, card, 'admins'))), /ChatVault admins[\s\S]*Ada/);
      card = await cardFor(ADA, 'admins add Grace@Contoso.test');
      assert.match(cardText(card), /Grace is now a ChatVault admin/);
      assert.equal(await h.admins.isAdmin(TENANT_A, GRACE.userId), true);

      card = answerCard(await h.press(ADA, card, 'admins.add', { user: LIN.upn }));
      assert.match(cardText(card), /Lin is now a ChatVault admin/);
      card = answerCard(await h.press(ADA, card, 'admins.add', { user: 'nobody@contoso.test' }));
      assert.match(cardText(card), /no user "nobody@contoso.test" in this tenant's directory/);

      // Remove Lin through the button of Lin's row (the token names Lin's object id).
      const rows = JSON.stringify(card);
      assert.equal((rows.match(/"verb":"admins.remove"/g) ?? []).length, 3);
      const removeLin = await h.invoke(ADA, {
        action: { type: 'Action.Execute', verb: 'admins.remove', data: rowAction(card, 'Lin').data },
      });
      assert.match(cardText(answerCard(removeLin)), /Lin is no longer a ChatVault admin/);
      assert.equal(await h.admins.isAdmin(TENANT_A, LIN.userId), false);
      assert.deepEqual(
        (await h.audit.list(TENANT_A)).filter((e) => e.action.startsWith('admin_')).map((e) => e.action),
        ['admin_removed', 'admin_added', 'admin_added', 'admin_added'],
      );
    });

    it('keeps the last admin, and names nothing when the name is missing', async () => {
      assert.match(cardText(await cardFor(ADA, `admins remove ${ADA.userId}`)), /only ChatVault admin/);
      assert.equal(await h.admins.isAdmin(TENANT_A, ADA.userId), true);
      assert.match(cardText(await cardFor(ADA, 'admins add')), /Name the person/);
    });
  });
});

/** The input with this id, wherever it sits in the card. */
function inputOf(card: AdaptiveCardJson, id: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Input.') && record.id === id)
      found = record;
    Object.values(record).forEach(visit);
  };
  visit(card);
  if (!found) throw new Error(`no input ${id}`);
  return found;
}

/** The Remove action in the admin row whose name is `name`. */
function rowAction(card: AdaptiveCardJson, name: string): { data: unknown } {
  const rows = (card.body as { type: string; items?: unknown[] }[]).filter((b) => b.type === 'Container');
  const row = rows.find((r) => cardText(r).split('\n')[0] === name);
  const action = row && findAction(row, 'admins.remove');
  if (!action) throw new Error(`no Remove for ${name}`);
  return action as { data: unknown };
}
