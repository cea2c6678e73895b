import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  chooseTheme,
  demoSignIn,
  requireChromium,
  screenshot,
  seriousAxeViolations,
  type TabPage,
  waitForExpression,
} from './support/browser';
import { openAdminTab, type AdminTab } from './support/admin-tab';
import type { TabTestServer } from './support/tab-servers';

/** The cells of one column of the people table, top to bottom. */
async function column(page: Page, index: number): Promise<string[]> {
  return page
    .getByTestId('user-table')
    .locator('tbody tr')
    .evaluateAll((rows, i) => rows.map((row) => row.children[i as number]?.textContent ?? ''), index);
}

const NAME = 0;
const MESSAGES = 4;
const SCOPE = 5;
const number = (text: string) => Number(text.replace(/[^\d]/g, ''));

/**
 * The Backups page in a browser, against the API: Backup now with its progress polled until the
 * run finishes, the run history and its chart, and the people table sorted and filtered by the
 * server.
 */
describe('tab: Backups in a browser', function () {
  this.timeout(300_000);
  let server: TabTestServer;
  let tab: TabPage;
  let opened: AdminTab | undefined;

  before(async function () {
    requireChromium(this);
    opened = await openAdminTab('backups', 'Backups');
    ({ server, tab } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  it('Backup now shows the run progressing, polled, until it finishes', async () => {
    const { page } = tab;
    await page.getByTestId('no-active-run').waitFor();
    await page.getByLabel('Kind of backup').selectOption('full');
    server.holdRuns();
    await page.getByRole('button', { name: 'Backup now' }).click();

    // Under way: the bar, the phase and the counts, polled from the server.
    const bar = page.getByRole('progressbar');
    await bar.waitFor();
    await page.getByTestId('active-run').waitFor();
    assert.match((await page.getByTestId('active-run').textContent()) ?? '', /A full backup is running/);
    assert.match((await bar.getAttribute('aria-valuetext')) ?? '', /^\d+%, /);
    await page.getByRole('button', { name: 'Cancel backup' }).waitFor();
    // Held at its first page of messages, the run has found the people and reports them: the page
    // shows counts that came from later polls than the one that showed the run start.
    await waitForExpression(
      page,
      `Number(document.querySelector('[data-testid=run-counters] dd')?.textContent.replace(/\\D/g, '')) > 0`,
      60_000,
    );
    await screenshot(page, 'backup-running');
    server.releaseRuns();

    const finished = page.getByTestId('run-finished');
    await finished.waitFor({ timeout: 180_000 });
    assert.match((await finished.textContent()) ?? '', /Backup finished: (Succeeded|Partly succeeded)/);
    assert.match((await finished.textContent()) ?? '', /new, \d+ changed and \d+ deleted messages/);
    assert.equal(
      await finished.locator('xpath=ancestor::*[@aria-live][1]').getAttribute('aria-live'),
      'polite',
      'screen readers hear how it ended',
    );
    const statusPolls = tab.apiCalls.filter((c) => c === 'GET /api/v1/backup/status').length;
    assert.ok(statusPolls >= 2, `the status was polled (${statusPolls} times)`);

    // The history and the chart read again once the run finished.
    const history = page.getByTestId('run-history');
    await history.waitFor();
    assert.ok((await history.locator('tbody tr').count()) >= 1);
    assert.match((await history.locator('tbody tr').first().textContent()) ?? '', /Started by/);
    const chart = page.getByTestId('runs-chart');
    assert.equal(await chart.getAttribute('role'), 'img');
    assert.equal(await chart.locator('title').first().textContent(), 'Messages backed up per run');
    assert.ok((await chart.locator('rect').count()) >= 1);
    await screenshot(page, 'backup-finished');
  });

  it('cancels the run under way', async () => {
    const { page } = tab;
    // A full run reads every chat's messages again, so it reaches the point it is held at (a run of
    // the changes may find nothing to read).
    await page.getByLabel('Kind of backup').selectOption('full');
    server.holdRuns();
    await page.getByRole('button', { name: 'Backup now' }).click();
    const cancel = page.getByRole('button', { name: 'Cancel backup' });
    await cancel.waitFor();
    await cancel.click();
    await page.getByRole('button', { name: 'Cancelling…' }).waitFor();
    assert.ok(tab.apiCalls.includes('POST /api/v1/backup/cancel'));
    // Let the held workers go only once the engine has seen the request, or they may finish the
    // whole run first (which would then rightly end as succeeded).
    await server.cancelNoticed();
    server.releaseRuns();
    const finished = page.getByTestId('run-finished');
    await page.getByText('Backup finished: Cancelled').waitFor({ timeout: 180_000 });
    assert.match((await finished.textContent()) ?? '', /Backup finished: Cancelled/);
    await page.getByTestId('run-history').getByText('Cancelled').first().waitFor();
  });

  it('sorts the people table by a column, both ways', async () => {
    const { page } = tab;
    const table = page.getByTestId('user-table');
    await table.locator('tbody tr').first().waitFor();
    const names = await column(page, NAME);
    assert.ok(names.length >= 3, 'several people to sort');
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
    );

    const messagesHeader = table.getByRole('columnheader', { name: 'Messages' });
    await messagesHeader.getByRole('button').click();
    await page.getByText(/sorted by messages \(ascending\)/).waitFor();
    assert.equal(await messagesHeader.getAttribute('aria-sort'), 'ascending');
    let counts = (await column(page, MESSAGES)).map(number);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
    );

    await messagesHeader.getByRole('button').click();
    await page.getByText(/sorted by messages \(descending\)/).waitFor();
    assert.equal(await messagesHeader.getAttribute('aria-sort'), 'descending');
    counts = (await column(page, MESSAGES)).map(number);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
    );
    assert.ok(counts[0]! > counts.at(-1)!, 'the counts differ, so the order means something');
    await screenshot(page, 'people-sorted');
  });

  it('filters the people table by name, and shows everyone again when cleared', async () => {
    const { page } = tab;
    const everyone = await column(page, NAME);
    const target = everyone[0]!;
    const fragment = target.slice(0, Math.min(4, target.length)).toLowerCase();
    await page.getByLabel('Find people').fill(fragment);
    await page.getByText(/ match(es)?, sorted by/).waitFor();
    const filtered = await column(page, NAME);
    assert.ok(filtered.includes(target));
    assert.ok(filtered.length < everyone.length, 'the filter left people out');
    for (const name of filtered) {
      const upn = await page
        .getByRole('row', { name: new RegExp(name) })
        .first()
        .textContent();
      assert.ok(`${name} ${upn}`.toLowerCase().includes(fragment), `${name} matches "${fragment}"`);
    }
    await screenshot(page, 'people-filtered');
    await page.getByLabel('Find people').fill('');
    await page.getByText(/people, sorted by/).waitFor();
    assert.equal((await column(page, NAME)).length, everyone.length);
  });

  it('saves the schedule, naming a field the API would refuse before sending it', async () => {
    const { page } = tab;
    const incremental = page.getByLabel('Back up the changes every (minutes)');
    await incremental.fill('2');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText(/Enter a whole number of minutes from 5/).waitFor();
    assert.equal(await incremental.getAttribute('aria-invalid'), 'true');
    assert.ok(!tab.apiCalls.includes('PUT /api/v1/backup/schedule'), 'nothing was sent');

    await incremental.fill('30');
    await page.getByLabel('Full backup every (days)').fill('3');
    await page.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText(/^Schedule saved\./).waitFor();
    assert.equal(tab.apiCalls.filter((c) => c === 'PUT /api/v1/backup/schedule').length, 1);
    // A reload starts over (the demo sign-in lives in the page), and reads the schedule afresh.
    await page.reload();
    await demoSignIn(page, server.adminName);
    await page.getByLabel('Back up the changes every (minutes)').waitFor();
    await waitForExpression(page, `document.querySelector('input[type=number]')?.value !== ''`);
    assert.equal(
      await page.getByLabel('Back up the changes every (minutes)').inputValue(),
      '30',
      'kept by the server',
    );
    assert.equal(await page.getByLabel('Full backup every (days)').inputValue(), '3');
  });

  it('saves the backup scope from a pasted list, naming unknown people at the field', async () => {
    const { page } = tab;
    const form = page.getByRole('form', { name: 'Backup scope' });
    await form.getByRole('radio', { name: 'Only the people listed' }).check();
    await form
      .getByRole('textbox', { name: 'People to back up' })
      .fill(`nobody@nowhere.test\n${server.memberUpn}`);
    await form.getByRole('button', { name: 'Save scope' }).click();
    // The field's message names the unknown entry (the textarea holds it too: look in the message).
    await form
      .getByRole('alert')
      .filter({ hasText: /nobody@nowhere\.test/ })
      .waitFor();
    assert.equal(tab.apiCalls.filter((c) => c === 'PUT /api/v1/scope').length, 1);

    await form
      .getByRole('textbox', { name: 'People to back up' })
      .fill(`${server.memberUpn}, ${server.adminUpn}`);
    await form.getByRole('button', { name: 'Save scope' }).click();
    await form.getByText(/^Now backing up only the people listed/).waitFor();

    // Back to everyone, as the scope was.
    await form.getByRole('radio', { name: 'Everyone, new users included' }).check();
    await form.getByRole('button', { name: 'Save scope' }).click();
    await form.getByText(/^Now backing up everyone/).waitFor();
    assert.equal(tab.apiCalls.filter((c) => c === 'PUT /api/v1/scope').length, 3);
  });

  it('shows who is in the backup scope in the people table, and filters and sorts by it', async () => {
    const { page } = tab;
    const table = page.getByTestId('user-table');
    const memberScope = () =>
      table
        .getByRole('row', { name: new RegExp(server.memberName) })
        .locator('td')
        .nth(SCOPE);
    const byName = async () => {
      const [names, scopes] = [await column(page, NAME), await column(page, SCOPE)];
      return new Map(names.map((name, i) => [name, scopes[i]!]));
    };
    await table.locator('tbody tr').first().waitFor();
    assert.match((await memberScope().textContent()) ?? '', /^In scope/);
    const everyone = await column(page, NAME);

    const form = page.getByRole('form', { name: 'Backup scope' });
    await form.getByRole('radio', { name: 'Everyone except the people listed' }).check();
    await form.getByRole('textbox', { name: 'People to leave out' }).fill(server.memberUpn);
    await form.getByRole('button', { name: 'Save scope' }).click();
    await form.getByText(/^Now backing up everyone except the people listed/).waitFor();
    // The table reads again after the save, with no other change of its controls.
    await memberScope().getByText('Not in scope', { exact: true }).waitFor();
    const scopes = await byName();
    assert.equal(scopes.get(server.memberName), 'Not in scope');
    for (const [name, text] of scopes) {
      if (name !== server.memberName) assert.match(text, /^In scope (since .*\d.*|from the start)$/, name);
    }
    await screenshot(page, 'people-scope');

    const filter = page.getByLabel('Scope', { exact: true });
    await filter.selectOption({ label: 'In scope' });
    await page.getByText(`${everyone.length - 1} people match`, { exact: false }).waitFor();
    const inside = await column(page, NAME);
    assert.ok(!inside.includes(server.memberName), 'the person left out is hidden');
    assert.equal(inside.length, everyone.length - 1);

    await filter.selectOption({ label: 'Not in scope' });
    await page.getByText(/^1 person matches/).waitFor();
    assert.deepEqual(await column(page, NAME), [server.memberName]);

    await filter.selectOption({ label: 'All' });
    const header = table.getByRole('columnheader', { name: 'Backup scope' });
    await header.getByRole('button').click();
    await page.getByText(/sorted by backup scope \(ascending\)/).waitFor();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    const sorted = await column(page, NAME);
    assert.equal(sorted.length, everyone.length);
    assert.equal(sorted.at(-1), server.memberName, 'people left out come after those in scope');

    // Back to everyone, as the scope was.
    await form.getByRole('radio', { name: 'Everyone, new users included' }).check();
    await form.getByRole('button', { name: 'Save scope' }).click();
    await form.getByText(/^Now backing up everyone, new users included/).waitFor();
    await memberScope()
      .getByText(/^In scope since/)
      .waitFor();
  });

  for (const theme of ['Default', 'Dark', 'High contrast'] as const) {
    it(`has no serious accessibility findings in the ${theme} theme`, async () => {
      const { page } = tab;
      await chooseTheme(page, theme);
      await screenshot(page, `backups-${theme.toLowerCase().replace(' ', '-')}`);
      assert.deepEqual(await seriousAxeViolations(page), []);
    });
  }

  it('threw no errors in the page', () => {
    assert.deepEqual(tab.problems, []);
  });
});
