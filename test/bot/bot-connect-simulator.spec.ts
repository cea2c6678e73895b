import assert from 'node:assert/strict';
import { GraphConnectionTester } from '../../backend/connection/connection-tester';
import { adaptiveCardProblems } from '../../bot/testing/adaptive-card-check';
import {
  BotHarness,
  answerCard,
  cardOf,
  cardText,
  findAction,
  type TestUser,
} from '../../bot/testing/bot-harness';
import { startTestSimulator, type SimulatorHandle } from '../support/simulator';

/**
 * The bot's Connect flow with the real ConnectionService and the real connection test (Entra
 * token through @azure/identity, live Graph reads) against the tenant simulator.
 */
describe('bot Connect against the tenant simulator', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  let h: BotHarness;
  let megan: TestUser;

  before(async () => {
    // Throttling off: each test reads the same chats within a second, which Graph allows once a second.
    sim = await startTestSimulator({ throttle: { enabled: false } });
  });
  after(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    h = new BotHarness({
      tester: new GraphConnectionTester({ graphBaseUrl: sim.graphBaseUrl, authorityHost: sim.authorityHost }),
    });
    const tenant = sim.tenants[0]!;
    megan = {
      tenantId: tenant.id,
      userId: '5f6a1d0e-0000-4000-8000-00000000f001',
      name: 'Megan',
      upn: `megan@${tenant.domain}`,
    };
  });
  afterEach(() => h.close());

  async function form(): Promise<ReturnType<typeof cardOf>> {
    const sent = await h.say(megan, 'connect');
    return cardOf(sent[0]);
  }

  it('connects the `ok` app: Active with the permissions Entra granted, and makes the first admin', async () => {
    const ok = sim.demoApp('ok');
    const result = answerCard(
      await h.press(megan, await form(), 'connect.save', { appId: ok.appId, secret: ok.secret }),
    );
    assert.deepEqual(adaptiveCardProblems(result), []);
    const text = cardText(result);
    assert.match(text, /^Active$/m);
    assert.match(text, /Connected: the app can list your users and read their chat messages/);
    assert.match(text, /Permissions found\nChat\.Read\.All, Chat\.ReadWrite\.All, User\.Read\.All/);
    assert.match(text, new RegExp(`Application ID\\n${ok.appId}`));
    assert.match(text, /first ChatVault admin/);
    assert.equal(await h.admins.isAdmin(megan.tenantId, megan.userId), true);
    assert.deepEqual(await h.connection.openCredentials(megan.tenantId), {
      appId: ok.appId,
      secret: ok.secret,
    });

    const status = cardText(cardOf((await h.say(megan, 'status'))[0]));
    assert.match(status, /Connection: Active/);
    assert.ok(!JSON.stringify(result).includes(ok.secret) && !status.includes(ok.secret));
    assert.ok(!h.logLines.join('\n').includes(ok.secret), 'the secret is never logged');
  });

  it('answers the `expired_secret` app with the outcome and the step, keeping the Application ID only', async () => {
    const expired = sim.demoApp('expired_secret');
    const result = answerCard(
      await h.press(megan, await form(), 'connect.save', { appId: expired.appId, secret: expired.secret }),
    );
    assert.deepEqual(adaptiveCardProblems(result), []);
    const text = cardText(result);
    assert.match(text, /^Not connected$/m);
    assert.match(
      text,
      /This client secret has expired\. Create a new client secret \(24 months\) and paste its Value\./,
    );
    assert.match(
      text,
      /What to redo: Setup The Registered Application, steps 5-7 \(create a client secret and copy its Value\)/,
    );
    const json = JSON.stringify(result);
    assert.ok(json.includes(`"value":"${expired.appId}"`), 'the Application ID is kept');
    assert.ok(!json.includes(expired.secret), 'the secret is not');
    assert.ok(findAction(result, 'connect.save'), 'and the form can be sent again');
    assert.ok(
      json.includes(`ApplicationMenuBlade/~/Credentials/appId/${expired.appId}`),
      "linked to the app's secrets",
    );
    assert.equal(await h.admins.tenantHasAdmins(megan.tenantId), false);
    assert.equal((await h.connection.status(megan.tenantId)).status, 'inactive');
    assert.ok(!h.logLines.join('\n').includes(expired.secret));
  });
});
