import assert from 'node:assert/strict';
import type { Browser, Frame } from 'playwright-core';
import {
  launchChromium,
  openTab,
  requireChromium,
  screenshot,
  seriousAxeViolations,
  type TabPage,
} from './support/browser';
import { connectTenant, demoToken, startTabServer, type TabTestServer } from './support/tab-servers';

/** Where the stand-in Teams host pretends to be: an origin teams-js accepts messages from. */
const HOST_URL = 'https://teams.microsoft.com/_chatvault-test-host';
/** Where the tab pretends to be served from, as it is in production: an HTTPS site of its own. */
const TAB_ORIGIN = 'https://chatvault.example';

/**
 * A page that plays the Teams client for the tab in its frame, speaking teams-js's postMessage
 * protocol: it answers `initialize`, `getContext` (theme, locale, tenant, person) and
 * `authentication.getAuthToken` (with a simulator-issued SSO token, as Teams hands one out), and
 * can send a theme change. It is served by the test itself: nothing is fetched from Microsoft.
 */
function teamsHostPage(
  tabUrl: string,
  tokenAnswer: [ok: boolean, tokenOrError: string],
  context: Record<string, unknown>,
): string {
  const tabOrigin = new URL(tabUrl).origin;
  return `<!doctype html><html lang="en"><head><title>Teams (test host)</title></head><body>
<main><iframe id="tab" title="ChatVault" src="${tabUrl}" style="width:1240px;height:860px;border:0"></iframe></main>
<script>
  window.hostLog = [];
  const tabOrigin = ${JSON.stringify(tabOrigin)};
  const context = ${JSON.stringify(context)};
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (event.origin !== tabOrigin || !m || typeof m.func !== 'string') return;
    window.hostLog.push(m.func);
    const reply = (args) => event.source.postMessage({ id: m.id, uuidAsString: m.uuidAsString, args }, event.origin);
    if (m.func === 'initialize') reply(['content', 'web']);
    else if (m.func === 'getContext') reply([context]);
    else if (m.func === 'authentication.getAuthToken') reply(${JSON.stringify(tokenAnswer)});
  });
  window.changeTheme = (theme) =>
    document.getElementById('tab').contentWindow.postMessage({ func: 'themeChange', args: [theme] }, tabOrigin);
</script></body></html>`;
}

/**
 * The tab as Teams runs it: framed by the host, initialized by teams-js, signed in with the SSO
 * token the host hands out (checked by the real server), in the theme the host reports, and
 * following the host's theme changes.
 */
describe('tab: inside a Teams host', function () {
  this.timeout(240_000);
  let server: TabTestServer;
  let browser: Browser;
  let tab: TabPage;
  let frame: Frame;
  let hostContext: Record<string, unknown>;

  before(async function () {
    requireChromium(this);
    server = await startTabServer();
    await connectTenant(server);
    const token = await demoToken(server, server.adminUpn);
    const tabUrl = `${TAB_ORIGIN}/tab/index.html#/credentials`;
    browser = await launchChromium();
    hostContext = {
      theme: 'dark',
      locale: 'en-GB',
      frameContext: 'content',
      hostClientType: 'web',
      entityId: 'chatvault',
      userPrincipalName: server.adminUpn,
    };
    tab = await openTab(browser, HOST_URL, {
      pages: { [HOST_URL]: teamsHostPage(tabUrl, [true, token], hostContext) },
      proxies: { [TAB_ORIGIN]: server.url },
    });
    const tabFrame = tab.page.frames().find((f) => f.url().startsWith(TAB_ORIGIN));
    assert.ok(tabFrame, 'the host framed the tab (its CSP frame-ancestors allows Teams)');
    frame = tabFrame;
  });

  after(async () => {
    await tab?.context.close();
    await browser?.close();
    await server?.close();
  });

  it('signs in with the SSO token Teams hands out, with no demo sign-in', async () => {
    await frame.getByRole('heading', { name: 'Credential Settings', level: 1 }).waitFor();
    const hostLog = await tab.page.evaluate<string[]>('window.hostLog');
    for (const call of ['initialize', 'getContext', 'authentication.getAuthToken']) {
      assert.ok(hostLog.includes(call), `the tab asked the host for ${call}: ${hostLog.join(', ')}`);
    }
    assert.equal(await frame.getByTestId('connection-status').textContent(), 'Active');
    assert.equal(await frame.getByTestId('demo-controls').count(), 0, 'Teams sets the theme: no switcher');
    assert.equal(await frame.getByTestId('outside-teams').count(), 0);
    assert.equal(await frame.evaluate<string>('document.documentElement.lang'), 'en-GB', "Teams' locale");
  });

  it("starts in the host's theme and follows its changes", async () => {
    const background = () =>
      frame.evaluate<string>(
        `getComputedStyle(document.querySelector('.fui-FluentProvider')).backgroundColor`,
      );
    const dark = await background();
    assert.notEqual(dark, 'rgb(255, 255, 255)');
    assert.ok(
      (dark.match(/\d+/g) ?? []).slice(0, 3).every((c) => Number(c) < 60),
      `a dark background: ${dark}`,
    );
    await screenshot(tab.page, 'in-teams-dark');

    await tab.page.evaluate(`window.changeTheme('contrast')`);
    let contrast = await background();
    for (let i = 0; i < 50 && contrast === dark; i++) {
      await tab.page.waitForTimeout(100);
      contrast = await background();
    }
    assert.equal(contrast, 'rgb(0, 0, 0)', 'high contrast: black');
    await screenshot(tab.page, 'in-teams-contrast');

    await tab.page.evaluate(`window.changeTheme('default')`);
    let light = await background();
    for (let i = 0; i < 50 && light === contrast; i++) {
      await tab.page.waitForTimeout(100);
      light = await background();
    }
    assert.ok(
      (light.match(/\d+/g) ?? []).slice(0, 3).every((c) => Number(c) > 200),
      `a light background: ${light}`,
    );
  });

  it('has no serious accessibility findings in the frame', async () => {
    assert.deepEqual(await seriousAxeViolations(tab.page), []);
    assert.deepEqual(tab.problems, []);
  });

  it('says so, and who Teams signed in, when Teams cannot get a token for ChatVault', async () => {
    const tabUrl = `${TAB_ORIGIN}/tab/index.html#/credentials`;
    const refused = await openTab(browser, HOST_URL, {
      pages: { [HOST_URL]: teamsHostPage(tabUrl, [false, 'resourceRequiresConsent'], hostContext) },
      proxies: { [TAB_ORIGIN]: server.url },
    });
    try {
      const inner = refused.page.frames().find((f) => f.url().startsWith(TAB_ORIGIN));
      assert.ok(inner);
      await inner.getByRole('heading', { name: 'ChatVault could not sign you in', level: 1 }).waitFor();
      const text = await inner.locator('main').textContent();
      assert.match(text ?? '', /Teams could not sign you in to ChatVault \(resourceRequiresConsent\)/);
      assert.match(text ?? '', new RegExp(`signed in as ${server.adminUpn.replace(/\./g, '\\.')}`));
      assert.ok(!refused.apiCalls.some((c) => c.startsWith('GET /api/v1/me')), 'no call without a token');
      await screenshot(refused.page, 'in-teams-sign-in-refused');
      assert.deepEqual(await seriousAxeViolations(refused.page), []);
    } finally {
      await refused.context.close();
    }
  });
});
