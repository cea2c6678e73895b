import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { AdaptiveCardJson } from './cards/card-templates';
import {
  ADA,
  APP_ID,
  BORIS,
  BotHarness,
  GOOD_SECRET,
  LIN,
  TENANT_A,
  TENANT_B,
  answerCard,
  answerText,
  cardOf,
  cardText,
  findAction,
  personalChat,
  teamChannel,
  type TestUser,
  type Where,
} from './testing/bot-harness';

const ADMIN_COMMANDS = [
  'status',
  'backup now',
  'cancel',
  'history',
  'schedule',
  'subscribe',
  'unsubscribe',
  'admins',
  `admins add ${LIN.upn}`,
  `admins remove ${ADA.userId}`,
];

describe('ChatVault bot: who may act', function () {
  this.timeout(30_000);
  let h: BotHarness;
  beforeEach(async () => {
    h = new BotHarness();
    await h.connect(ADA);
    await h.makeAdmin(ADA);
    await h.backup.startRun(TENANT_A, { trigger: { kind: 'schedule' } });
  });
  afterEach(() => h.close());

  async function adminCard(text: string, where: Where = personalChat(ADA)): Promise<AdaptiveCardJson> {
    const sent = await h.say(ADA, text, where);
    return cardOf(sent.find((a) => a.attachments?.length));
  }

  /** Nothing about tenant A: no app id, no admin's name, no run. */
  function assertNoTenantData(said: string): void {
    for (const secretive of [APP_ID, 'Ada', 'run-1', TENANT_A])
      assert.ok(!said.includes(secretive), `${secretive} in ${said}`);
  }

  describe('a member of the tenant who is not an admin', () => {
    it('is refused every admin command, politely and without any tenant data', async () => {
      for (const command of ADMIN_COMMANDS) {
        const sent = await h.say(LIN, command);
        assert.equal(sent.length, 1, command);
        assert.equal(sent[0]!.attachments, undefined, `${command}: no card`);
        assert.match(sent[0]!.text!, /Only ChatVault admins can do that/, command);
        assertNoTenantData(sent[0]!.text!);
      }
      assert.match((await h.say(LIN, 'connect'))[0]!.text!, /already set up .* only its admins/);
      assert.equal(h.backup.started.length, 1, 'nothing started');
      assert.equal(
        (await h.backup.status(TENANT_A)).active?.run.cancelRequestedAt,
        undefined,
        'nothing cancelled',
      );
      assert.equal(await h.admins.isAdmin(TENANT_A, LIN.userId), false);
      assert.deepEqual(await h.targets.list(TENANT_A), []);
    });

    it('cannot use an admin card in a shared channel, and the button still works for an admin after', async () => {
      const channel = teamChannel(TENANT_A, 'Ops');
      const status = await adminCard('status', channel);
      const refused = await h.press(LIN, status, 'backup.cancel', {}, channel);
      assert.match(answerText(refused), /Only ChatVault admins/);
      assertNoTenantData(answerText(refused));
      assert.equal((await h.backup.status(TENANT_A)).active?.run.cancelRequestedAt, undefined);

      const done = answerCard(await h.press(ADA, status, 'backup.cancel', {}, channel));
      assert.match(cardText(done), /Cancel requested/, 'the refusal did not spend the button');
    });

    it('is offered no Connect once the tenant has an admin', async () => {
      const sent = await h.say(LIN, 'help');
      assert.equal(findAction(cardOf(sent[0]), 'connect'), undefined);
      assert.doesNotMatch(cardText(cardOf(sent[0])), /^connect$/m);
    });
  });

  describe('a user of another tenant', () => {
    it('sees nothing of this tenant when typing, even in a conversation with the same id', async () => {
      await h.makeAdmin(BORIS);
      const sameChat = personalChat(ADA);
      const sent = await h.say(BORIS, 'status', sameChat);
      const text = cardText(cardOf(sent[0]));
      assert.match(text, /Connection: Not connected/, "Boris sees Boris's tenant only");
      assertNoTenantData(text);
    });

    it('cannot press a card of this tenant, wherever it is replayed', async () => {
      await h.makeAdmin(BORIS);
      const status = await adminCard('status');
      for (const where of [personalChat(BORIS), personalChat(ADA)]) {
        for (const verb of ['backup.cancel', 'status']) {
          const answer = await h.press(BORIS, status, verb, {}, where);
          assert.match(answerText(answer), /did not make this card for this conversation/, `${verb}`);
          assertNoTenantData(answerText(answer));
        }
      }
      assert.equal((await h.backup.status(TENANT_A)).active?.run.cancelRequestedAt, undefined);
      assert.equal((await h.backup.status(TENANT_B)).active, undefined);
    });
  });

  describe('forged, replayed and malformed presses', () => {
    it('refuses a changing button pressed a second time', async () => {
      const status = await adminCard('status');
      answerCard(await h.press(ADA, status, 'backup.cancel'));
      const again = await h.press(ADA, status, 'backup.cancel');
      assert.match(answerText(again), /already used/);
      assert.equal((await h.audit.list(TENANT_A)).filter((e) => e.action === 'backup_cancelled').length, 1);
    });

    it('refuses a verb the card did not offer, even with a token of ours for another verb', async () => {
      const status = await adminCard('status');
      const refresh = findAction(status, 'status')!;
      for (const verb of ['admins.remove', 'backup.start', 'delete.everything']) {
        const answer = await h.invoke(ADA, { action: { type: 'Action.Execute', verb, data: refresh.data } });
        assert.match(answerText(answer), /did not make this card/, verb);
      }
      assert.equal(h.backup.started.length, 1);
      assert.equal(await h.admins.isAdmin(TENANT_A, ADA.userId), true);
    });

    it('refuses a tampered run id, and ignores any id or tenant put beside the token', async () => {
      const status = await adminCard('status');
      const cancel = findAction(status, 'backup.cancel')!;
      const token = (cancel.data as { t: string }).t;
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      claims.a.runId = 'run-2';
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      assert.match(
        answerText(
          await h.invoke(ADA, {
            action: { type: 'Action.Execute', verb: 'backup.cancel', data: { t: tampered } },
          }),
        ),
        /did not make this card/,
      );
      // Extra fields are not read: the run and the tenant come from the token and the activity.
      const extra = { t: token, runId: 'run-999', tenantId: TENANT_B, userId: LIN.userId };
      const done = answerCard(
        await h.invoke(ADA, { action: { type: 'Action.Execute', verb: 'backup.cancel', data: extra } }),
      );
      assert.match(cardText(done), /Cancel requested/);
      assert.ok((await h.backup.status(TENANT_A)).active?.run.cancelRequestedAt);
    });

    it('refuses a card of another conversation and an out-of-date card', async () => {
      const status = await adminCard('status');
      assert.match(
        answerText(await h.press(ADA, status, 'status', {}, teamChannel(TENANT_A, 'Ops'))),
        /did not make this card/,
      );
      h.clock.advance(8 * 86_400_000);
      assert.match(answerText(await h.press(ADA, status, 'backup.cancel')), /out of date/);
    });

    it('refuses malformed invokes: no action, another action type, no data, no token, an oversized value', async () => {
      const values: unknown[] = [
        undefined,
        {},
        { action: { type: 'Action.Submit', verb: 'status', data: {} } },
        { action: { type: 'Action.Execute', data: {} } },
        { action: { type: 'Action.Execute', verb: 'status', data: 'status' } },
        { action: { type: 'Action.Execute', verb: 'status', data: { t: 42 } } },
        { action: { type: 'Action.Execute', verb: 'status', data: { t: 'x'.repeat(20_000) } } },
      ];
      for (const value of values) {
        const answer = await h.invoke(ADA, value);
        assert.equal(answer.status, 200);
        assert.match(answerText(answer), /did nothing/, JSON.stringify(value)?.slice(0, 60));
      }
    });

    it('refuses a turn that names no tenant, two tenants, or no Entra user', async () => {
      const base = { type: 'message', text: 'status' } as Partial<Activity>;
      const where = personalChat(ADA);
      const noTenant = await h.send(ADA, where, {
        ...base,
        channelData: {},
        conversation: { id: where.conversationId, conversationType: 'personal', isGroup: false, name: '' },
      });
      assert.match(noTenant[0]!.text!, /names none/);
      const twoTenants = await h.send(ADA, where, { ...base, channelData: { tenant: { id: TENANT_B } } });
      assert.match(twoTenants[0]!.text!, /names none/);
      const noUser = await h.send(ADA, where, { ...base, from: { id: '29:x', name: 'Ada' } });
      assert.match(noUser[0]!.text!, /could not tell who you are/);
      const notGuid = await h.send(ADA, where, {
        ...base,
        from: { id: '29:x', name: 'Ada', aadObjectId: 'ada' },
      });
      assert.match(notGuid[0]!.text!, /could not tell who you are/);
    });
  });

  it('takes the first admin from whoever connects working credentials first, and only then', async () => {
    await h.close();
    h = new BotHarness();
    const form = async (user: TestUser) => cardOf((await h.say(user, 'connect'))[0]);
    const linForm = await form(LIN);
    const adaForm = await form(ADA);
    // Lin's first try fails: the form comes back (a fresh one), and nobody is admin yet.
    const retry = answerCard(
      await h.press(LIN, linForm, 'connect.save', {
        appId: APP_ID,
        secret: 'Zz9~wrongWRONG0123456789.abcdefghij_klm',
      }),
    );
    assert.equal(await h.admins.tenantHasAdmins(TENANT_A), false);
    const ok = answerCard(
      await h.press(ADA, adaForm, 'connect.save', { appId: APP_ID, secret: GOOD_SECRET }),
    );
    assert.match(cardText(ok), /first ChatVault admin/);
    // Lin's fresh form was made before Ada became admin; pressing it now is a non-admin changing the connection.
    const late = await h.press(LIN, retry, 'connect.save', { appId: APP_ID, secret: GOOD_SECRET });
    assert.match(answerText(late), /already set up/);
    assert.deepEqual(
      (await h.admins.list(TENANT_A)).map((a) => a.userId),
      [ADA.userId],
    );
  });
});
