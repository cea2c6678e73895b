import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { SCOPE_RULE_SENTENCE } from '../backend/backup/scope/scope-texts';
import { parseCommand } from './command-text';
import { SAY } from './refusals';
import { adaptiveCardProblems } from './testing/adaptive-card-check';
import {
  ADA,
  BotHarness,
  GRACE,
  LIN,
  TENANT_A,
  cardOf,
  cardText,
  type TestUser,
} from './testing/bot-harness';

const textsIn = (sent: Partial<Activity>[]) =>
  sent.filter((a) => a.type === 'message' && a.text).map((a) => a.text!);

describe('ChatVault bot: backup scope', function () {
  this.timeout(30_000);
  let h: BotHarness;
  beforeEach(async () => {
    h = new BotHarness();
    await h.makeAdmin(ADA);
  });
  afterEach(() => h.close());

  /** The one text a typed command answered with. */
  async function reply(user: TestUser, text: string): Promise<string> {
    const texts = textsIn(await h.say(user, text));
    assert.equal(texts.length, 1, `one reply to "${text}"`);
    return texts[0]!;
  }

  async function scopeAudits(): Promise<{ subject?: string; actorId: string }[]> {
    return (await h.audit.list(TENANT_A))
      .filter((e) => e.action === 'scope_changed')
      .map((e) => ({
        ...(e.subject ? { subject: e.subject } : {}),
        actorId: (e.actor as { id: string }).id,
      }));
  }

  describe('reading the typed commands', () => {
    it('splits a typed list as a pasted one, and knows the three modes', () => {
      assert.deepEqual(parseCommand('scope only a@x.test, b@x.test;c@x.test'), {
        name: 'scope.set',
        mode: 'only',
        users: ['a@x.test', 'b@x.test', 'c@x.test'],
      });
      assert.deepEqual(parseCommand('Scope except a@x.test'), {
        name: 'scope.set',
        mode: 'allExcept',
        users: ['a@x.test'],
      });
      assert.deepEqual(parseCommand('scope all'), { name: 'scope.set', mode: 'all', users: [] });
      assert.deepEqual(parseCommand('scope add  a@x.test'), { name: 'scope.add', user: 'a@x.test' });
      assert.deepEqual(parseCommand('scope remove a@x.test'), { name: 'scope.remove', user: 'a@x.test' });
      assert.deepEqual(parseCommand('scope'), { name: 'scope' });
      assert.deepEqual(parseCommand('scope everyone'), { name: 'unknown' });
    });
  });

  it('shows the mode, the summary and the rule', async () => {
    const text = await reply(ADA, 'scope');
    assert.match(text, /everyone, new users included/);
    assert.match(text, /Backing up all users/);
    assert.ok(text.includes(SCOPE_RULE_SENTENCE));
  });

  it('switches to only the people typed, lists them, and audits the change with its author', async () => {
    const text = await reply(ADA, `scope only ${GRACE.upn}, ${LIN.upn}`);
    assert.match(text, /^Saved\. Now backing up only the people listed/);
    assert.match(text, /Backed up: Grace \(grace@contoso\.test\), Lin \(lin@contoso\.test\)/);
    const saved = await h.scope.get(TENANT_A);
    assert.equal(saved.mode, 'only');
    assert.deepEqual(saved.users.map((u) => u.id).sort(), [GRACE.userId, LIN.userId].sort());
    assert.deepEqual(await scopeAudits(), [{ subject: 'only', actorId: ADA.userId }]);
  });

  it('adds and removes one person at a time within the mode', async () => {
    await reply(ADA, `scope only ${GRACE.upn}`);
    assert.match(await reply(ADA, `scope add ${LIN.upn}`), /1 user come into scope/);
    assert.deepEqual((await h.scope.get(TENANT_A)).users.map((u) => u.userPrincipalName).sort(), [
      GRACE.upn,
      LIN.upn,
    ]);
    assert.match(await reply(ADA, `scope remove ${GRACE.upn.toUpperCase()}`), /1 user leave the scope/);
    assert.deepEqual(
      (await h.scope.get(TENANT_A)).users.map((u) => u.userPrincipalName),
      [LIN.upn],
    );
    assert.equal((await scopeAudits()).length, 3);
  });

  it('in allExcept, add takes a person off the list left out and remove puts them on it', async () => {
    await reply(ADA, `scope except ${GRACE.upn}`);
    assert.match(await reply(ADA, `scope remove ${LIN.upn}`), /Saved\./);
    assert.deepEqual((await h.scope.get(TENANT_A)).users.map((u) => u.userPrincipalName).sort(), [
      GRACE.upn,
      LIN.upn,
    ]);
    await reply(ADA, `scope add ${GRACE.upn}`);
    const after = await h.scope.get(TENANT_A);
    assert.equal(after.mode, 'allExcept');
    assert.deepEqual(
      after.users.map((u) => u.userPrincipalName),
      [LIN.upn],
    );
  });

  it('while everyone is backed up, add and remove explain the explicit command and change nothing', async () => {
    assert.match(await reply(ADA, `scope add ${GRACE.upn}`), /Everyone is backed up already.*scope only/);
    assert.match(await reply(ADA, `scope remove ${GRACE.upn}`), /scope except/);
    assert.equal((await h.scope.get(TENANT_A)).mode, 'all');
    assert.deepEqual(await scopeAudits(), []);
  });

  it('names an unknown UPN, of another tenant too, and saves nothing', async () => {
    const text = await reply(ADA, `scope only ${GRACE.upn}, boris@fabrikam.test, nobody@contoso.test`);
    assert.match(text, /^Not changed: /);
    assert.match(text, /boris@fabrikam\.test/);
    assert.match(text, /nobody@contoso\.test/);
    assert.equal((await h.scope.get(TENANT_A)).mode, 'all');
    assert.deepEqual(await scopeAudits(), []);
  });

  it('refuses a list for all and an empty list for only, at the field', async () => {
    assert.match(await reply(ADA, 'scope only'), /Not changed: List at least one user/);
    assert.match(await reply(ADA, `scope all ${GRACE.upn}`), /Not changed: .*takes no list/);
  });

  it('refuses someone who is not a ChatVault admin, reading or changing', async () => {
    for (const command of ['scope', `scope add ${LIN.upn}`, `scope only ${LIN.upn}`, 'scope all']) {
      assert.equal(await reply(GRACE, command), SAY.notAdmin, command);
    }
    assert.equal((await h.scope.get(TENANT_A)).mode, 'all');
    assert.deepEqual(await scopeAudits(), []);
  });

  it('the status card says how many users are backed up', async () => {
    await h.backupStore.upsertUsers(
      TENANT_A,
      [ADA, GRACE, LIN].map((u) => ({
        userId: u.userId,
        upn: u.upn,
        displayName: u.name,
        state: 'active' as const,
      })),
    );
    await reply(ADA, `scope except ${LIN.upn}`);
    const sent = await h.say(ADA, 'status');
    const card = cardOf(sent.find((a) => a.attachments?.length)!);
    assert.deepEqual(adaptiveCardProblems(card), []);
    assert.match(cardText(card), /Backing up 2 of 3 users/);
  });
});
