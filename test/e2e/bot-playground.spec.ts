import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { PlaygroundTenant } from '../../cli/app/agents-playground-config';
import { bindTenant } from '../../backend/connection/tenant-binding';
import { simulatedPlaygroundTenant } from '../../cli/app/local-agents-playground';
import { startTestApp, type TestApp } from '../support/app';
import { launchChromium, requireChromium } from '../support/playground/chromium';
import { agentsPlaygroundConfig } from '../support/playground/playground-config';
import { PlaygroundPage } from '../support/playground/playground-page';
import { startPlayground, type PlaygroundHandle } from '../support/playground/start-playground';

/** A backup of the small tenant takes seconds; the card is edited at most every 5 s. Generous. */
const RUN_FINISHED_TIMEOUT_MS = 90_000;

/**
 * ChatVault's whole product (bot, connection, backup, governance, the tenant simulator) driven the
 * way an admin uses it in Teams, through the Microsoft 365 Agents Playground in Chromium: the
 * Playground's tenant is the simulated tenant, and its user one of that tenant's people.
 */
describe('ChatVault bot in the Agents Playground (e2e, Chromium)', function () {
  this.timeout(240_000);

  let browser: Browser | undefined;
  let app: TestApp | undefined;
  let playground: PlaygroundHandle | undefined;
  let ui: PlaygroundPage | undefined;
  let tenant: PlaygroundTenant;

  before(function () {
    requireChromium(this);
  });

  // Each test gets its own app, Playground and browser, and closes all three.
  beforeEach(async function () {
    app = await startTestApp();
    tenant = await simulatedPlaygroundTenant(app.simulator!);
    browser = await launchChromium();
    playground = await startPlayground({
      botEndpoint: `${app.http.url}/api/messages`,
      config: agentsPlaygroundConfig(tenant),
    });
    ui = await PlaygroundPage.open(browser, playground.url, { hideLogPanel: true });
    await ui.waitForBotReady();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && ui) {
      await ui.screenshot(`failed-chatvault-${this.currentTest.title}`).catch(() => undefined);
      if (playground) process.stdout.write(`${playground.output()}\n`);
    }
    await ui?.close();
    await playground?.close();
    await browser?.close();
    await app?.close();
    ui = undefined;
    playground = undefined;
    browser = undefined;
    app = undefined;
  });

  it('takes an admin from install through Connect (working, then expired secret) to a finished backup', async () => {
    const sim = app!.simulator!;
    assert.equal(tenant.id, sim.tenants[0]!.id, "the Playground is the simulated tenant's Teams");
    assert.equal(sim.state.findUser(tenant.id, tenant.user.upn)?.id, tenant.user.id);
    const ok = sim.demoApp('ok', tenant.id);
    const expired = sim.demoApp('expired_secret', tenant.id);
    const secrets = [ok.secret, expired.secret];

    // Install: the welcome card with the setup guide's three parts and Connect.
    const welcome = await ui!.waitForCardText('Welcome to ChatVault');
    const welcomeText = await ui!.readCardText(welcome);
    assert.match(welcomeText, new RegExp(`Your tenant: ${tenant.id}`));
    assert.match(welcomeText, /Register the app/);
    assert.match(welcomeText, /Create a client secret and copy its Value/);
    assert.match(welcomeText, /Add the permissions and grant admin consent/);
    assert.match(welcomeText, /Chat\.Read\.All/);
    assert.equal(await welcome.getByRole('button', { name: 'Connect', exact: true }).count(), 1);
    await ui!.screenshot('chatvault-1-welcome');

    // Connect: the form replaces the welcome card; the secret field is a password field.
    await ui!.clickAction(welcome, 'Connect');
    let card = await ui!.waitForCardText('Step 2: Enter the application details.');
    assert.equal(await (await ui!.input(card, 'App Secret Code')).getAttribute('type'), 'password');
    await ui!.screenshot('chatvault-2-connect-form');
    await ui!.fillInput(card, 'Application ID', ok.appId);
    await ui!.fillInput(card, 'App Secret Code', ok.secret);
    await ui!.clickAction(card, 'Test & Save Connection');

    // The `ok` app: Active, with what was found, and this person is the first admin.
    card = await ui!.waitForCardText(/Connected: the app can list your users/);
    let text = await ui!.readCardText(card);
    assert.match(text, /Connect to your tenant application Active /);
    assert.match(text, new RegExp(`Application ID ${ok.appId}`));
    assert.match(text, /Permissions found Chat\.Read\.All, Chat\.ReadWrite\.All, User\.Read\.All/);
    assert.match(text, /first ChatVault admin/);
    assert.equal(await card.getByRole('button', { name: 'Backup now', exact: true }).count(), 1);
    await assertNoSecretInPage(ui!, secrets);
    await ui!.screenshot('chatvault-3-connect-active');
    assert.equal((await app!.connections.service.status(tenant.id)).status, 'active');
    assert.equal(await app!.governance.admins.isAdmin(tenant.id, tenant.user.id), true);

    // Connect again with an expired secret: the outcome's sentence and the step to redo; the
    // working connection stays.
    await ui!.sendMessage('connect');
    card = await ui!.waitForCardText(/Test & Save Connection/);
    await ui!.fillInput(card, 'Application ID', expired.appId);
    await ui!.fillInput(card, 'App Secret Code', expired.secret);
    await ui!.clickAction(card, 'Test & Save Connection');
    card = await ui!.waitForCardText(/What to redo:/);
    text = await ui!.readCardText(card);
    assert.match(text, /Not saved: the working connection is unchanged/);
    assert.match(
      text,
      /This client secret has expired\. Create a new client secret \(24 months\) and paste its Value\./,
    );
    assert.match(
      text,
      /What to redo: Setup The Registered Application, steps 5-7 \(create a client secret and copy its Value\)/,
    );
    assert.equal(await (await ui!.input(card, 'App Secret Code')).inputValue(), '', 'the secret is not kept');
    await assertNoSecretInPage(ui!, secrets);
    await ui!.screenshot('chatvault-4-connect-expired-secret');
    const connection = await app!.connections.service.status(tenant.id);
    assert.equal(connection.status, 'active');
    assert.equal(connection.connection?.appId, ok.appId);

    // Backup now: a status card with the run under way, edited in place until the run has finished.
    const cardsBefore = await ui!.cards().count();
    await ui!.sendMessage('backup now');
    card = await ui!.waitForCardText(/Backup started\./);
    text = await ui!.readCardText(card);
    assert.match(text, /Backup under way \((full|incremental)\)/);
    assert.match(text, /\d+% done: /);
    assert.match(text, new RegExp(`Started by ${tenant.user.displayName}`));
    assert.equal(await card.getByRole('button', { name: 'Cancel', exact: true }).count(), 1);
    await ui!.screenshot('chatvault-5-status-under-way');
    assert.equal(await ui!.cards().count(), cardsBefore + 1);

    const finished = ui!
      .cards()
      .filter({ hasText: /Last backup: / })
      .last();
    await finished.waitFor({ timeout: RUN_FINISHED_TIMEOUT_MS });
    text = await ui!.readCardText(finished);
    const last = (await app!.backups.service.status(tenant.id)).last;
    assert.equal(last?.outcome, 'succeeded');
    assert.match(text, /Last backup: Succeeded/);
    assert.match(text, new RegExp(`${last.counters.chats} chats, ${last.counters.messagesNew} new messages`));
    assert.doesNotMatch(text, /Backup under way/);
    assert.doesNotMatch(text, /Backup started\./, 'the card was brought up to date');
    assert.equal(await finished.getByRole('button', { name: 'Backup now', exact: true }).count(), 1);
    assert.equal(await ui!.cards().count(), cardsBefore + 1, 'the status card was edited in place');
    await assertNoSecretInPage(ui!, secrets);
    await ui!.screenshot('chatvault-6-status-finished');

    assert.deepEqual(playground!.refusedConnections(), []);
  });

  it("posts the finished backup's notice in the team channel an admin subscribed, named as Teams names it", async () => {
    // Connected and with an admin already (the test above does it through the cards).
    const ok = app!.simulator!.demoApp('ok', tenant.id);
    const report = await app!.connections.service.testAndSave(
      bindTenant(tenant.id, 'operator'),
      { appId: ok.appId, secret: ok.secret },
      { kind: 'operator', name: 'e2e' },
    );
    assert.equal(report.ok, true);
    assert.equal(await app!.governance.admins.claimFirstAdmin(tenant.id, { userId: tenant.user.id }), true);

    const { team, bot } = playground!.config;
    await ui!.openChannel(team.name, team.channel!.name);
    await ui!.sendMessage('subscribe', { mention: bot.name });
    // Teams sends no names with a channel's messages: the bot asks the connector for them.
    await ui!.waitForText(`Notices go to: ${team.name} > ${team.channel!.name}.`);
    const [target] = await app!.governance.targets.list(tenant.id);
    assert.equal(target?.kind, 'channel');
    assert.equal(target?.label, `${team.name} > ${team.channel!.name}`);

    await ui!.sendMessage('backup now', { mention: bot.name });
    const notice = ui!.cards().filter({ hasText: 'Backup finished' }).last();
    await notice.waitFor({ timeout: RUN_FINISHED_TIMEOUT_MS });
    const last = (await app!.backups.service.status(tenant.id)).last;
    assert.equal(last?.outcome, 'succeeded');
    const text = await ui!.readCardText(notice);
    assert.match(text, new RegExp(`Chats ${last.counters.chats} `));
    assert.match(text, new RegExp(`Messages ${last.counters.messagesNew} new`));
    assert.equal(await notice.getByRole('button', { name: 'History', exact: true }).count(), 1);
    await ui!.screenshot('chatvault-7-channel-notice');
    assert.deepEqual(playground!.refusedConnections(), []);
  });
});

/** Nowhere: not in the text, the DOM, nor any field's value (typed values are not in the DOM). */
async function assertNoSecretInPage(ui: PlaygroundPage, secrets: readonly string[]): Promise<void> {
  const html = await ui.page.content();
  const text = await ui.page.locator('body').innerText();
  const values = await ui.page
    .locator('input, textarea')
    .evaluateAll((fields) => fields.map((f) => String((f as unknown as { value: unknown }).value)));
  for (const secret of secrets) {
    assert.ok(!html.includes(secret), 'a secret is in the page');
    assert.ok(!text.includes(secret), "a secret is in the page's text");
    assert.ok(!values.includes(secret), 'a secret is in a field');
  }
}
