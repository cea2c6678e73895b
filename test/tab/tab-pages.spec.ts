import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  chooseTheme,
  demoSignIn,
  openTab,
  requireChromium,
  screenshot,
  seriousAxeViolations,
  type TabPage,
  waitForExpression,
} from './support/browser';
import { openAdminTab, type AdminTab } from './support/admin-tab';
import type { TabTestServer } from './support/tab-servers';

type ThemeLabel = 'Default' | 'Dark' | 'High contrast';
const THEMES: ThemeLabel[] = ['Default', 'Dark', 'High contrast'];
const slug = (text: string) => text.toLowerCase().replace(/ /g, '-');

/** Relative luminance (WCAG) of a CSS rgb() colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

// Page-side code is given as text: the test runs under Node's types, without the DOM's.
async function colours(page: Page): Promise<{ background: string; text: string }> {
  return page.evaluate<{ background: string; text: string }>(
    `(() => { const s = getComputedStyle(document.querySelector('.fui-FluentProvider')); return { background: s.backgroundColor, text: s.color }; })()`,
  );
}

/**
 * The Teams themes (default, dark, high contrast) on every page, the Admins page, the page a
 * person who is not an admin gets, and the public privacy and terms pages.
 */
describe('tab: pages and themes in a browser', function () {
  this.timeout(420_000);
  let server: TabTestServer;
  let browser: Browser;
  let admin: TabPage;
  let opened: AdminTab | undefined;

  before(async function () {
    requireChromium(this);
    opened = await openAdminTab('admins', 'Admins');
    ({ server, browser, tab: admin } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  it('switches between the Teams themes: default, dark and high contrast', async () => {
    const { page } = admin;
    const seen: Record<string, { background: string; text: string }> = {};
    for (const theme of THEMES) {
      await chooseTheme(page, theme);
      await waitForExpression(
        page,
        `document.querySelector('select')?.selectedOptions[0]?.text === ${JSON.stringify(theme)}`,
      );
      seen[theme] = await colours(page);
      await screenshot(page, `theme-${slug(theme)}`);
    }
    assert.ok(luminance(seen.Default!.background) > 0.8, `light background ${seen.Default!.background}`);
    assert.ok(luminance(seen.Dark!.background) < 0.1, `dark background ${seen.Dark!.background}`);
    assert.ok(luminance(seen.Dark!.text) > 0.7, `light text on dark ${seen.Dark!.text}`);
    assert.equal(
      luminance(seen['High contrast']!.background),
      0,
      `black background ${seen['High contrast']!.background}`,
    );
    assert.equal(luminance(seen['High contrast']!.text), 1, `white text ${seen['High contrast']!.text}`);
    assert.notEqual(seen.Dark!.background, seen['High contrast']!.background);
    await chooseTheme(page, 'Default');
  });

  it('tells someone who is not an admin, politely, to ask an admin', async () => {
    const member = await openTab(browser, `${server.url}/tab/index.html#/backups`);
    try {
      await demoSignIn(member.page, server.memberName);
      const page = member.page;
      await page.getByTestId('ask-an-admin').waitFor();
      assert.match(
        (await page.getByTestId('ask-an-admin').textContent()) ?? '',
        /ask one of your organization's ChatVault admins/,
      );
      assert.equal(await page.getByRole('navigation').count(), 0, 'no pages to go to');
      assert.ok(!member.apiCalls.includes('GET /api/v1/backup/status'), 'no admin call was tried');
      for (const theme of THEMES) {
        await chooseTheme(page, theme);
        await screenshot(page, `ask-an-admin-${slug(theme)}`);
        assert.deepEqual(await seriousAxeViolations(page), [], theme);
      }
    } finally {
      await member.context.close();
    }
  });

  it('lists the admins, adds one by user principal name and removes them after asking', async () => {
    const { page } = admin;
    const table = page.getByTestId('admin-table');
    await table.waitFor();
    assert.match((await table.textContent()) ?? '', new RegExp(`${server.adminName} \\(you\\)`));
    assert.doesNotMatch((await table.textContent()) ?? '', new RegExp(server.memberName));

    await page.getByLabel('Person to make admin').fill('nobody@nowhere.example');
    await page.getByRole('button', { name: 'Add admin' }).click();
    const input = page.getByLabel('Person to make admin');
    await waitForExpression(page, `document.activeElement?.getAttribute('aria-invalid') === 'true'`);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');

    await input.fill(server.memberUpn);
    await page.getByRole('button', { name: 'Add admin' }).click();
    await page.getByText(`${server.memberName} is now a ChatVault admin.`).waitFor();
    await table.getByRole('cell', { name: server.memberName, exact: true }).waitFor();
    await page.getByTestId('audit-table').getByText(/admin/i).first().waitFor();
    await screenshot(page, 'admins-added');

    await table.getByRole('button', { name: `Remove ${server.memberName}` }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByText(`${server.memberName} is no longer a ChatVault admin.`).waitFor();
    assert.doesNotMatch((await table.textContent()) ?? '', new RegExp(server.memberName));
    // The focus left with the removed row's button: it is on the list, not lost on the body.
    assert.equal(
      await page.evaluate<string | null>(`document.activeElement.getAttribute('aria-label')`),
      'ChatVault admins',
    );
    // The closed dialog gives the page back to screen readers.
    await waitForExpression(
      page,
      `document.getElementById('root').getAttribute('aria-hidden') === null`,
      5_000,
    );
  });

  for (const theme of THEMES) {
    it(`has no serious accessibility findings on any page in the ${theme} theme`, async () => {
      const { page } = admin;
      await chooseTheme(page, theme);
      for (const [route, heading] of [
        ['credentials', 'Credential Settings'],
        ['backups', 'Backups'],
        ['admins', 'Admins'],
        ['privacy', 'ChatVault and your data'],
        ['terms', 'Terms of use'],
      ] as const) {
        await page.evaluate(`window.location.hash = '#/${route}'`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        // The page has read what it shows (no spinner left) before it is checked.
        await waitForExpression(page, `document.querySelector('.fui-Spinner') === null`);
        const focused = await page.evaluate<string | undefined>('document.activeElement?.tagName');
        assert.equal(focused, 'H1', `opening ${route} moves the focus to its heading`);
        await screenshot(page, `${route}-${slug(theme)}`);
        assert.deepEqual(await seriousAxeViolations(page), [], `${route} in ${theme}`);
      }
    });
  }

  it('shows the privacy page without any sign-in', async () => {
    const visitor = await openTab(browser, `${server.url}/tab/index.html#/privacy`);
    try {
      await visitor.page.getByRole('heading', { name: 'ChatVault and your data', level: 1 }).waitFor();
      assert.deepEqual(await seriousAxeViolations(visitor.page), []);
    } finally {
      await visitor.context.close();
    }
  });

  it('threw no errors in the page and sent nothing off the machine but the teams-js origin list', () => {
    assert.deepEqual(admin.problems, []);
    assert.deepEqual(
      [...new Set(admin.blocked.map((u) => new URL(u).origin))].filter(
        (o) => o !== 'https://res.cdn.office.net',
      ),
      [],
    );
  });
});
