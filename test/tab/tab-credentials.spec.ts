import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import {
  chooseTheme,
  demoSignIn,
  launchChromium,
  openTab,
  requireChromium,
  screenshot,
  seriousAxeViolations,
  type TabPage,
  waitForExpression,
} from './support/browser';
import { startTabServer, type TabTestServer } from './support/tab-servers';

/**
 * The setup guide's "Credential Settings" page in a real browser, against the API: the page opened
 * outside Teams, the demo sign-in, and Test & Save Connection for a secret's ID pasted as its Value
 * (caught in the browser), an app without admin consent (the server's verdict) and a working app.
 */
describe('tab: Credential Settings in a browser', function () {
  this.timeout(240_000);
  let server: TabTestServer;
  let browser: Browser;
  let tab: TabPage;

  before(async function () {
    requireChromium(this);
    server = await startTabServer();
    browser = await launchChromium();
    tab = await openTab(browser, `${server.url}/tab/index.html#/credentials`);
  });

  after(async () => {
    await tab?.context.close();
    await browser?.close();
    await server?.close();
  });

  it('says plainly that it was opened outside Teams, and offers the demo sign-in', async () => {
    const { page } = tab;
    await page.getByTestId('outside-teams').waitFor();
    assert.equal(
      await page.getByRole('heading', { level: 1 }).textContent(),
      'ChatVault works inside Microsoft Teams',
    );
    assert.ok((await page.getByRole('button', { name: /^Sign in as / }).count()) >= 2);
    await screenshot(page, 'outside-teams');
    assert.deepEqual(await seriousAxeViolations(page), []);
  });

  it('secret_id_pasted: names the App Secret Code field before anything is sent', async () => {
    const { page } = tab;
    await demoSignIn(page, server.adminName);
    await page.getByRole('heading', { name: 'Credential Settings' }).waitFor();
    assert.equal(await page.getByTestId('connection-status').textContent(), 'Inactive');

    const callsBefore = tab.apiCalls.length;
    await page.getByLabel('Application ID').fill(server.apps.ok.appId);
    await page.getByLabel('App Secret Code').fill(randomUUID());
    await page.getByRole('button', { name: 'Test & Save Connection' }).click();

    const secret = page.getByLabel('App Secret Code');
    await page.getByText(/looks like the secret's ID \(a GUID\), not its Value/).waitFor();
    assert.equal(await secret.getAttribute('aria-invalid'), 'true');
    const describedBy = (await secret.getAttribute('aria-describedby')) ?? '';
    const descriptions = await Promise.all(
      describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    assert.ok(
      descriptions.some((d) => d?.includes('Guide: Setup The Registered Application, steps 5-7')),
      'the field is described by the message, with its guide step',
    );
    assert.equal(await page.evaluate('document.activeElement && document.activeElement.name'), 'secret');
    assert.deepEqual(
      tab.apiCalls.slice(callsBefore).filter((c) => c === 'POST /api/v1/connection'),
      [],
      'nothing was sent',
    );
    await screenshot(page, 'connect-secret-id-pasted');
  });

  it("consent_missing: shows the server's outcome and guide step, and saves nothing", async () => {
    const { page } = tab;
    await page.getByLabel('Application ID').fill(server.apps.consentMissing.appId);
    await page.getByLabel('App Secret Code').fill(server.apps.consentMissing.secret);
    await page.getByRole('button', { name: 'Test & Save Connection' }).click();

    const outcome = page.getByTestId('connect-outcome');
    await outcome.waitFor();
    assert.equal(await outcome.getAttribute('data-code'), 'consent_missing');
    const text = (await outcome.textContent()) ?? '';
    assert.match(text, /Not saved: the test failed/);
    assert.match(text, /admin consent is missing/);
    assert.match(text, /Guide: Setup The Registered Application, step 12 \(Grant admin consent\)/);
    // Inside a live region, so screen readers read the outcome out.
    assert.equal(
      await outcome.locator('xpath=ancestor::*[@aria-live][1]').getAttribute('aria-live'),
      'polite',
    );
    assert.equal(await page.getByTestId('connection-status').textContent(), 'Inactive');
    assert.equal(tab.apiCalls.filter((c) => c === 'POST /api/v1/connection').length, 1);
    // The secret stays in the form: Entra shows a Value only once, and consent is fixed elsewhere.
    assert.equal(await page.getByLabel('App Secret Code').inputValue(), server.apps.consentMissing.secret);
    await screenshot(page, 'connect-consent-missing');
  });

  it('ok: saves the connection, shows it Active with what was detected, and makes the caller admin', async () => {
    const { page } = tab;
    await page.getByLabel('Application ID').fill(server.apps.ok.appId);
    await page.getByLabel('App Secret Code').fill(server.apps.ok.secret);
    await page.getByRole('button', { name: 'Test & Save Connection' }).click();

    const outcome = page.getByTestId('connect-outcome');
    await page.locator('[data-testid="connect-outcome"][data-code="active"]').waitFor();
    assert.match(
      (await outcome.textContent()) ?? '',
      /Connection saved.*Connected: the app can list your users/,
    );
    assert.match((await outcome.textContent()) ?? '', /first ChatVault admin/);
    assert.equal(await page.getByTestId('connection-status').textContent(), 'Active');
    assert.equal(await page.getByTestId('credential-status').textContent(), 'Authentication Success');
    assert.match((await page.getByTestId('permissions').textContent()) ?? '', /Chat\.Read\.All/);
    const saved = page.getByLabel('Saved connection');
    assert.match((await saved.textContent()) ?? '', new RegExp(server.apps.ok.appId));
    assert.match(
      (await saved.textContent()) ?? '',
      new RegExp(`${server.apps.ok.secret.slice(0, 3).replace(/[.~]/g, '\\$&')}•`),
    );
    assert.doesNotMatch(
      (await page.content()) ?? '',
      new RegExp(server.apps.ok.secret.slice(3, 20).replace(/[.~]/g, '\\$&')),
    );
    assert.equal(await page.getByLabel('App Secret Code').inputValue(), '', 'the form is emptied once saved');
    // The first admin gets the other pages.
    await page.getByRole('link', { name: 'Backups' }).waitFor();
    await screenshot(page, 'connect-ok');
  });

  it('tests the saved app again on request', async () => {
    const { page } = tab;
    // Graph allows the tenant's app so many requests a second: right after Test & Save, the re-test
    // may be told to slow down, which the page shows as a passing problem; then it tries again.
    const outcome = page.locator('#credential-information-outcome');
    for (let attempt = 1; ; attempt++) {
      await page.getByRole('button', { name: 'Test again' }).click();
      await outcome.locator('[data-code]').waitFor();
      const code = await outcome.locator('[data-code]').getAttribute('data-code');
      if (code === 'active') break;
      assert.equal(code, 'throttled', `attempt ${attempt}`);
      assert.match((await outcome.textContent()) ?? '', /Microsoft could not be asked/);
      assert.equal(await page.getByTestId('connection-status').textContent(), 'Active', 'still Active');
      assert.ok(attempt < 5, 'five re-tests in a row were throttled');
      await page.waitForTimeout(1_500);
    }
    assert.match((await outcome.textContent()) ?? '', /Connection works/);
    assert.ok(tab.apiCalls.includes('POST /api/v1/connection/test'));
    assert.equal(await page.getByTestId('connection-status').textContent(), 'Active');
  });

  for (const theme of ['Default', 'Dark', 'High contrast'] as const) {
    it(`has no serious accessibility findings in the ${theme} theme`, async () => {
      const { page } = tab;
      await chooseTheme(page, theme);
      await screenshot(page, `credentials-${theme.toLowerCase().replace(' ', '-')}`);
      assert.deepEqual(await seriousAxeViolations(page), []);
    });
  }

  it('removes the connection after asking', async () => {
    const { page } = tab;
    await chooseTheme(page, 'Default');
    await page.getByRole('button', { name: 'Remove connection' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove the connection?' });
    await dialog.waitFor();
    await screenshot(page, 'credentials-remove-dialog');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('The connection was removed.').waitFor();
    assert.equal(await page.getByTestId('connection-status').textContent(), 'Inactive');
    assert.equal(
      await page.evaluate<string | null>(`document.activeElement.getAttribute('data-testid')`),
      'connection-reason',
      'the focus moved to the new status, not lost with the Remove button',
    );
    // The closed dialog gives the page back to screen readers.
    await waitForExpression(
      page,
      `document.getElementById('root').getAttribute('aria-hidden') === null`,
      5_000,
    );
    assert.deepEqual(tab.problems, []);
  });
});
