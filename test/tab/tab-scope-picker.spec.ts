import assert from 'node:assert/strict';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  chooseTheme,
  demoSignIn,
  escapeRegExp,
  launchChromium,
  openTab,
  requireChromium,
  screenshot,
  seriousAxeViolations,
  type TabPage,
} from './support/browser';
import { connectTenant, demoToken, startTabServer, type TabTestServer } from './support/tab-servers';

/**
 * Moves through the picker's options with the arrow keys until the one naming `name` is the active
 * one, and chooses it with Enter, as a keyboard user would.
 */
async function chooseWithKeyboard(page: Page, picker: Locator, name: string): Promise<void> {
  const options = page.getByRole('option');
  await page.getByRole('option', { name: new RegExp(escapeRegExp(name)) }).waitFor();
  const count = await options.count();
  for (let step = 0; step <= count; step += 1) {
    const active = await picker.getAttribute('aria-activedescendant');
    const text = active ? await page.locator(`[id="${active}"]`).textContent() : '';
    if (text?.includes(name)) {
      await picker.press('Enter');
      return;
    }
    await picker.press('ArrowDown');
  }
  throw new Error(`no option named ${name} became active`);
}

/**
 * The scope form's people picker in a browser, against the real API and the tenant simulator: the
 * directory searched as the admin types, a person chosen with the keyboard lands in the list, and
 * the list as saved holds them.
 */
describe('tab: the backup scope people picker', function () {
  this.timeout(300_000);
  let server: TabTestServer;
  let browser: Browser;
  let tab: TabPage;
  const searched: string[] = [];

  before(async function () {
    requireChromium(this);
    server = await startTabServer();
    await connectTenant(server);
    browser = await launchChromium();
    tab = await openTab(browser, `${server.url}/tab/index.html#/backups`);
    tab.page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/v1/people') searched.push(url.searchParams.get('search') ?? '');
    });
    await demoSignIn(tab.page, server.adminName);
    await tab.page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
  });

  after(async () => {
    await tab?.context.close();
    await browser?.close();
    await server?.close();
  });

  it('adds a person found by the first letters of their name, chosen with the keyboard, and saves them', async () => {
    const { page } = tab;
    const form = page.getByRole('form', { name: 'Backup scope' });
    const picker = form.getByRole('combobox', { name: 'Find a person to add' });
    await picker.waitFor();
    assert.equal(await picker.isDisabled(), true, 'nothing to list while everyone is backed up');

    await form.getByRole('radio', { name: 'Only the people listed' }).check();
    assert.equal(await picker.isDisabled(), false);
    const list = form.getByRole('textbox', { name: 'People to back up' });
    assert.equal(await list.inputValue(), '');

    // The member has never been backed up (no run yet): the search finds them through Graph.
    await picker.pressSequentially(server.memberName.slice(0, 5));
    await page.getByRole('option', { name: new RegExp(escapeRegExp(server.memberUpn)) }).waitFor();
    await form.getByText(/ found: use the arrow keys to choose/).waitFor();
    assert.equal(await picker.getAttribute('aria-expanded'), 'true');
    await screenshot(page, 'scope-picker-open');
    assert.deepEqual(await seriousAxeViolations(page), [], 'with the results open');

    await chooseWithKeyboard(page, picker, server.memberName);
    await form.getByText(`Added ${server.memberName} (${server.memberUpn}) to the list.`).waitFor();
    assert.equal(await list.inputValue(), server.memberUpn);
    assert.equal(await picker.inputValue(), '', 'the box is emptied for the next person');
    assert.equal(await picker.getAttribute('aria-expanded'), 'false');

    // Chosen again, they are not listed twice.
    await picker.pressSequentially(server.memberName.slice(0, 5));
    await chooseWithKeyboard(page, picker, server.memberName);
    await form.getByText(`${server.memberName} (${server.memberUpn}) is already in the list.`).waitFor();
    assert.equal(await list.inputValue(), server.memberUpn);

    // A second person, by the start of their UPN, after what was pasted by hand.
    await list.fill(`${server.memberUpn}\n`);
    await picker.pressSequentially(server.adminUpn.slice(0, 6));
    await chooseWithKeyboard(page, picker, server.adminName);
    assert.equal(await list.inputValue(), `${server.memberUpn}\n${server.adminUpn}`);

    assert.ok(searched.length > 0, 'the directory was searched');
    assert.ok(
      searched.every((text) => text.trim().length >= 2),
      `no search for less than two characters: ${JSON.stringify(searched)}`,
    );
    assert.deepEqual(await seriousAxeViolations(page), [], 'with people added');
    await screenshot(page, 'scope-picker-added');

    await form.getByRole('button', { name: 'Save scope' }).click();
    await form.getByText(/^Now backing up only the people listed/).waitFor();
    const response = await fetch(`${server.url}/api/v1/scope`, {
      headers: { authorization: `Bearer ${await demoToken(server, server.adminUpn)}` },
    });
    assert.equal(response.status, 200);
    const scope = (await response.json()) as { mode: string; users: { userPrincipalName: string }[] };
    assert.equal(scope.mode, 'only');
    assert.deepEqual(
      scope.users.map((u) => u.userPrincipalName.toLowerCase()).sort(),
      [server.adminUpn, server.memberUpn].map((upn) => upn.toLowerCase()).sort(),
    );

    await form.getByRole('radio', { name: 'Everyone, new users included' }).check();
    assert.equal(await picker.isDisabled(), true);
  });

  for (const theme of ['Dark', 'High contrast', 'Default'] as const) {
    it(`has no serious accessibility findings with the results open in the ${theme} theme`, async () => {
      const { page } = tab;
      await chooseTheme(page, theme);
      const form = page.getByRole('form', { name: 'Backup scope' });
      await form.getByRole('radio', { name: 'Everyone except the people listed' }).check();
      const picker = form.getByRole('combobox', { name: 'Find a person to add' });
      await picker.fill('');
      await picker.pressSequentially(server.adminName.slice(0, 3));
      await page.getByRole('option', { name: new RegExp(escapeRegExp(server.adminUpn)) }).waitFor();
      await screenshot(page, `scope-picker-${theme.toLowerCase().replace(' ', '-')}`);
      assert.deepEqual(await seriousAxeViolations(page), []);
      await picker.press('Escape');
      await picker.fill('');
    });
  }

  it('threw no errors in the page', () => {
    assert.deepEqual(tab.problems, []);
  });
});
