import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium, requireChromium } from '../support/playground/chromium';
import { HARNESS_TEXT, startHarnessBot, type HarnessBot } from '../support/playground/harness-bot';
import { DEFAULT_PLAYGROUND_CONFIG } from '../support/playground/playground-config';
import { PlaygroundPage } from '../support/playground/playground-page';
import { startPlayground, type PlaygroundHandle } from '../support/playground/start-playground';

// Proves the Agents Playground harness with a bot of its own; ChatVault's bot has its own e2e spec.
describe('Agents Playground harness (e2e, Chromium)', function () {
  this.timeout(120_000);

  let browser: Browser | undefined;
  let bot: HarnessBot | undefined;
  let playground: PlaygroundHandle | undefined;
  let ui: PlaygroundPage | undefined;

  before(function () {
    requireChromium(this);
  });

  // Each test gets its own bot, Playground and browser, and closes all three.
  beforeEach(async function () {
    browser = await launchChromium();
    bot = await startHarnessBot();
    playground = await startPlayground({ botEndpoint: bot.endpoint });
    ui = await PlaygroundPage.open(browser!, playground.url);
    await ui.waitForBotReady();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && ui) {
      await ui.screenshot(`failed-${this.currentTest.title}`).catch(() => undefined);
      if (playground) process.stdout.write(`${playground.output()}\n`);
    }
    await ui?.close();
    await playground?.close();
    await bot?.close();
    await browser?.close();
    ui = undefined;
    playground = undefined;
    bot = undefined;
    browser = undefined;
  });

  it('installs into the personal chat with the mock tenant and user ids, and shows the welcome', async () => {
    await ui!.waitForText(HARNESS_TEXT.welcome);
    const config = DEFAULT_PLAYGROUND_CONFIG;
    const install = bot!.received.find((a) => a.type === 'installationUpdate');
    assert.ok(install, 'the Playground sends an installationUpdate when the chat is first opened');
    assert.equal(install.conversation?.id, config.personalChatId);
    assert.equal(install.conversation?.tenantId, config.tenantId);
    assert.equal((install.channelData as { tenant?: { id?: string } }).tenant?.id, config.tenantId);
    assert.equal(install.from?.id, config.currentUser.id);
    assert.equal(install.from?.aadObjectId, config.currentUser.aadObjectId);
    assert.equal(install.recipient?.id, config.bot.id);
    assert.equal(install.channelId, 'msteams');
    assert.equal(install.serviceUrl, playground!.serviceUrl);
    // Nothing but loopback: the Playground process tried nothing else (its guard would have refused
    // and reported it), and the page only CDN assets, which were stopped.
    assert.deepEqual(playground!.refusedConnections(), []);
    for (const url of ui!.blockedRequests) assert.match(url, /^https:\/\/res(-1)?\.cdn\.office\.net\//);
    await ui!.screenshot('welcome');
  });

  it('a message gets the text reply', async () => {
    await ui!.sendMessage('hello harness');
    await ui!.waitForText('echo: hello harness');
    const message = bot!.received.find((a) => a.type === 'message');
    assert.equal(message?.text, 'hello harness');
    assert.equal(message?.conversation?.conversationType, 'personal');
  });

  it('Action.Execute brings the inputs to the bot and its card replaces the card in place', async () => {
    await ui!.sendMessage('connect');
    const card = await ui!.waitForCardText(HARNESS_TEXT.connectTitle);
    const cardsBefore = await ui!.cards().count();
    assert.equal(await (await ui!.input(card, HARNESS_TEXT.secretLabel)).getAttribute('type'), 'password');

    await ui!.fillInput(card, HARNESS_TEXT.appIdLabel, 'a1b2c3d4-0000-4000-8000-00000000c0de');
    await ui!.fillInput(card, HARNESS_TEXT.secretLabel, 'not-a-real-secret');
    await ui!.clickAction(card, HARNESS_TEXT.connectAction);

    await ui!.waitForCardText('Connected application a1b2c3d4-0000-4000-8000-00000000c0de');
    assert.equal(await ui!.cards().count(), cardsBefore, 'the answer card replaces the card, no new one');
    const text = await ui!.readCardText(ui!.lastCard());
    assert.doesNotMatch(text, new RegExp(HARNESS_TEXT.connectTitle));
    assert.doesNotMatch(text, /not-a-real-secret/);
    assert.deepEqual(bot!.executed, [
      { step: 'connect', appId: 'a1b2c3d4-0000-4000-8000-00000000c0de', secret: 'not-a-real-secret' },
    ]);
    const invoke = bot!.received.find((a) => a.type === 'invoke');
    assert.equal(invoke?.name, 'adaptiveCard/action');
    assert.equal(invoke?.conversation?.tenantId, DEFAULT_PLAYGROUND_CONFIG.tenantId);
    await ui!.screenshot('action-execute');
  });

  it('updateActivity replaces a sent card', async () => {
    await ui!.sendMessage('progress');
    await ui!.waitForCardText(HARNESS_TEXT.progressStarted);
    const cardsBefore = await ui!.cards().count();

    await ui!.sendMessage('finish');
    await ui!.waitForCardText(HARNESS_TEXT.progressDone);
    assert.equal(await ui!.cards().count(), cardsBefore);
    assert.equal(await ui!.cards().filter({ hasText: HARNESS_TEXT.progressStarted }).count(), 0);
    assert.equal(bot!.updates.length, 1);
    assert.equal(bot!.updates[0]?.ok, true, bot!.updates[0]?.error);
  });

  it('a channel post that mentions the bot reaches it with the team and channel', async () => {
    const { team } = DEFAULT_PLAYGROUND_CONFIG;
    await ui!.openChannel(team.name, team.channel!.name);
    await ui!.sendMessage('hello channel', { mention: DEFAULT_PLAYGROUND_CONFIG.bot.name });
    await ui!.waitForText('echo: hello channel');
    const post = bot!.received.find((a) => a.type === 'message');
    assert.equal(post?.conversation?.conversationType, 'channel');
    assert.equal(post?.conversation?.tenantId, DEFAULT_PLAYGROUND_CONFIG.tenantId);
    const channelData = post?.channelData as { team?: { id?: string }; channel?: { id?: string } };
    assert.equal(channelData.team?.id, team.id);
    assert.equal(channelData.channel?.id, team.channel!.id);
    await ui!.screenshot('channel-post');
  });

  it('mock activities reach the bot, from the menu and through the Playground handle', async () => {
    await ui!.waitForText(HARNESS_TEXT.welcome);
    const installs = (action: string) =>
      bot!.received.filter((a) => a.type === 'installationUpdate' && a.action === action).length;
    const installedBefore = installs('add');

    await ui!.mockActivity('Install application');
    await waitUntil(() => installs('add') > installedBefore);

    await playground!.sendMockActivity(playground!.conversations.personal, 'uninstall');
    await waitUntil(() => installs('remove') === 1);
    const uninstall = bot!.received.find((a) => a.type === 'installationUpdate' && a.action === 'remove');
    assert.equal(uninstall?.conversation?.tenantId, DEFAULT_PLAYGROUND_CONFIG.tenantId);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
