import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import type { Browser, Locator, Page } from 'playwright-core';
import { simControl } from '../api/support/tab-api-harness';
import {
  chooseTheme,
  demoSignIn,
  launchChromium,
  openTab,
  requireChromium,
  screenshot,
  seriousAxeViolations,
  type TabPage,
  tempDir,
  waitForExpression,
} from './support/browser';
import { startRealTabServer, type RealTabServer } from './support/real-tab-server';
import { connectTenant, demoToken } from './support/tab-servers';

const TOPIC = 'Recovery drill';
const PAGING_TOPIC = 'Paging drill';
const PAGING_LINES = 60;
/** The tab's transcript page size. */
const PAGE_SIZE = 50;
/** A word nothing else in the simulated tenant says. */
const RARE_WORD = 'zephyrquokka';
const REMOTE_HOST = 'tracker.remote.example';
const HOSTILE_HTML =
  '<p>Hostile hello<script>window.__pwned = 1; alert("script")</script>' +
  '<img src="x" onerror="window.__pwned = 2; alert(\'onerror\')">' +
  '<a href="javascript:window.__pwned = 3">click me</a>' +
  `<img src="https://${REMOTE_HOST}/pixel.png"></p>`;

interface RunView {
  runId: string;
  status: string;
  outcome?: string;
  finishedAt?: string;
}

async function apiCall<T>(
  server: RealTabServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function startBackup(server: RealTabServer, token: string): Promise<string> {
  return (await apiCall<{ runId: string }>(server, token, 'POST', '/backup/runs', { mode: 'full' })).runId;
}

async function backupStatus(server: RealTabServer, token: string) {
  return apiCall<{ active?: { run: RunView }; last?: RunView }>(server, token, 'GET', '/backup/status');
}

/** Waits (polling as the Backups page does) until the run has finished; the run as it ended. */
async function finished(server: RealTabServer, token: string, runId: string): Promise<RunView> {
  for (;;) {
    const status = await backupStatus(server, token);
    if (!status.active && status.last?.runId === runId) return status.last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function backupNow(server: RealTabServer, token: string): Promise<RunView> {
  const run = await finished(server, token, await startBackup(server, token));
  assert.ok(run.outcome === 'succeeded' || run.outcome === 'partial', `backup ended ${run.outcome}`);
  return run;
}

/** The transcript's item of the message with this id. */
function messageItem(page: Page, messageId: string): Locator {
  return page.locator(`[data-testid=message][data-message-id="${messageId}"]`);
}

/**
 * The Recovery page in a browser, against the real API and the tenant simulator: a chat backed up
 * twice (with an edit between the backups), browsed from a person to the transcript, a hostile body
 * shown inert, an image from the backup, earlier versions and a point in time, search to the
 * message, an export downloaded, the retention policy, erasure (refused while a backup runs), and
 * axe in Teams' three themes.
 */
describe('tab: Recovery in a browser', function () {
  this.timeout(420_000);
  let server: RealTabServer;
  let browser: Browser;
  let tab: TabPage;
  let token: string;
  let chatId: string;
  let chatCreated: string;
  const ids = { rare: '', hostile: '', image: '', edited: '', deleted: '', bob: '' };
  /** A moment after the first backup and before the edit (to the second, as the page takes it). */
  let firstMoment: string;
  const dialogs: string[] = [];

  before(async function () {
    requireChromium(this);
    server = await startRealTabServer();
    await connectTenant(server);
    token = await demoToken(server, server.adminUpn);
    const tenantId = server.sim.tenants[0]!.id;
    const t = `/tenants/${tenantId}`;
    const ada = server.sim.state.findUser(tenantId, server.adminUpn)!;
    const bob = server.sim.state.findUser(tenantId, server.memberUpn)!;

    const chat = (await simControl(server.sim, 'POST', `${t}/chats`, {
      chatType: 'group',
      topic: TOPIC,
      members: [{ userId: ada.id }, { userId: bob.id }],
      createdBy: ada.id,
    })) as { id: string; createdDateTime: string };
    chatId = chat.id;
    chatCreated = chat.createdDateTime;
    const c = `${t}/chats/${encodeURIComponent(chatId)}`;
    const post = async (body: Record<string, unknown>) =>
      ((await simControl(server.sim, 'POST', `${c}/messages`, body)) as { id: string }).id;
    ids.rare = await post({
      from: { userId: ada.id },
      body: { contentType: 'text', content: `The ${RARE_WORD} launch is on Friday` },
    });
    ids.hostile = await post({
      from: { userId: ada.id },
      body: { contentType: 'html', content: HOSTILE_HTML },
    });
    const png = new PNG({ width: 8, height: 6 });
    png.data.fill(200);
    ids.image = await post({
      from: { userId: bob.id },
      body: {
        contentType: 'html',
        content: '<p>The mock-up</p><img src="../hostedContents/1/$value" alt="mock-up">',
      },
      hostedContents: [
        { temporaryId: '1', contentType: 'image/png', contentBytes: PNG.sync.write(png).toString('base64') },
      ],
    });
    ids.edited = await post({
      from: { userId: ada.id },
      body: { contentType: 'text', content: 'Draft one' },
    });
    ids.deleted = await post({
      from: { userId: ada.id },
      body: { contentType: 'text', content: 'A temporary note' },
    });
    ids.bob = await post({ from: { userId: bob.id }, body: { contentType: 'text', content: 'Bob here' } });

    // A chat longer than a transcript page (50 messages).
    const paging = (await simControl(server.sim, 'POST', `${t}/chats`, {
      chatType: 'group',
      topic: PAGING_TOPIC,
      members: [{ userId: ada.id }, { userId: bob.id }],
      createdBy: ada.id,
    })) as { id: string };
    for (let n = 1; n <= PAGING_LINES; n++) {
      await simControl(server.sim, 'POST', `${t}/chats/${encodeURIComponent(paging.id)}/messages`, {
        from: { userId: n % 2 === 0 ? bob.id : ada.id },
        body: { contentType: 'text', content: `Line ${n}` },
      });
    }

    const first = await backupNow(server, token);
    // The page takes a moment to the second: the first whole second after the backup ended, and
    // the edit only once that second has passed, so the moment lies between the two backups.
    firstMoment = new Date(Math.ceil(Date.parse(first.finishedAt!) / 1000) * 1000).toISOString();
    while (Date.now() <= Date.parse(firstMoment) + 100) await new Promise((r) => setTimeout(r, 50));
    await simControl(server.sim, 'PATCH', `${c}/messages/${ids.edited}`, {
      body: { contentType: 'text', content: 'Draft two' },
    });
    await simControl(server.sim, 'DELETE', `${c}/messages/${ids.deleted}`);
    await backupNow(server, token);

    browser = await launchChromium();
    tab = await openTab(browser, `${server.url}/tab/index.html#/recovery`);
    tab.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await demoSignIn(tab.page, server.adminName);
    await tab.page.getByRole('heading', { name: 'Recovery', level: 1 }).waitFor();
  });

  after(async () => {
    server?.releaseRuns();
    await tab?.context.close();
    await browser?.close();
    await server?.close();
  });

  it('pages through a long chat a page at a time, Older and Newer', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: `Chats of ${server.adminName}` }).click();
    await page.getByRole('heading', { name: `Chats of ${server.adminName}` }).waitFor();
    const chats = page.getByRole('table', { name: `${server.adminName}’s chats` });
    await chats.getByRole('row', { name: new RegExp(PAGING_TOPIC) }).waitFor();
    assert.ok(tab.apiCalls.includes('GET /api/v1/recovery/chats'), 'the chats were read from the server');
    const open = chats.getByRole('button', { name: `Open ${PAGING_TOPIC}` });
    await open.click();

    const status = page.getByTestId('transcript-status');
    const lines = async () =>
      (await page.getByTestId('message').allTextContents())
        .flatMap((t) => /Line (\d+)/.exec(t)?.[1] ?? [])
        .map(Number);
    await status.filter({ hasText: 'older ones on earlier pages' }).waitFor();
    assert.equal(await page.getByTestId('message').count(), PAGE_SIZE, 'one page, not the whole chat');
    let shown = await lines();
    assert.equal(shown.at(-1), PAGING_LINES, 'the newest first');
    assert.equal(await page.getByRole('button', { name: 'Newer', exact: true }).isDisabled(), true);

    const older = page.waitForRequest((r) => r.url().includes('/transcript?') && r.url().includes('cursor='));
    await page.getByRole('button', { name: 'Older', exact: true }).click();
    assert.equal(new URL((await older).url()).searchParams.get('limit'), String(PAGE_SIZE));
    await status.filter({ hasText: 'newer ones on later pages' }).waitFor();
    const olderPage = await lines();
    assert.equal(olderPage[0], 1, 'back to the first line');
    assert.ok(Math.max(...olderPage) < shown[0]!, 'the page before the one shown');

    await page.getByRole('button', { name: 'Newer', exact: true }).click();
    await status.filter({ hasText: /older ones on earlier pages\.$/ }).waitFor();
    shown = await lines();
    assert.equal(shown.at(-1), PAGING_LINES);
    assert.equal(await page.getByTestId('message').count(), PAGE_SIZE);

    await page.getByRole('button', { name: 'Back to the chats' }).click();
    await waitForExpression(page, `document.activeElement?.textContent === 'Open ${PAGING_TOPIC}'`);
  });

  it('browses from a person to their chats and the transcript', async () => {
    const { page } = tab;
    const chats = page.getByRole('table', { name: `${server.adminName}’s chats` });
    await chats.getByRole('button', { name: `Open ${TOPIC}` }).click();

    await page.getByTestId('transcript-title').filter({ hasText: TOPIC }).waitFor();
    await page
      .getByTestId('transcript-status')
      .filter({ hasText: /messages \(latest backed-up state\)/ })
      .waitFor();
    const rare = messageItem(page, ids.rare);
    assert.match((await rare.textContent()) ?? '', new RegExp(`${server.adminName}.*${RARE_WORD} launch`));
    assert.match(
      (await messageItem(page, ids.bob).textContent()) ?? '',
      new RegExp(`${server.memberName}.*Bob here`),
    );
    const deleted = messageItem(page, ids.deleted);
    assert.equal(await deleted.getAttribute('data-deleted'), 'true');
    assert.match((await deleted.getByTestId('deleted').textContent()) ?? '', /^Deleted on /);
    assert.match((await deleted.textContent()) ?? '', /Its last text before it was deleted:A temporary note/);
    await screenshot(page, 'recovery-transcript');
  });

  it('shows a hostile message inert: no script ran, nothing loaded from elsewhere, no javascript: link', async () => {
    const { page } = tab;
    const hostile = messageItem(page, ids.hostile);
    await hostile.getByText('Hostile hello').waitFor();
    await hostile.getByText('click me').waitFor();
    assert.equal(await page.evaluate('typeof window.__pwned'), 'undefined');
    assert.deepEqual(dialogs, []);
    assert.equal(await page.locator('#root script').count(), 0);
    assert.equal(await page.locator('[onerror], [onclick], [onload]').count(), 0);
    assert.equal(await page.locator('a[href^="javascript" i]').count(), 0);
    assert.deepEqual(
      tab.blocked.filter((url) => url.includes(REMOTE_HOST)),
      [],
      'the remote image was never asked for',
    );
    // Every image the page shows comes from its own origin.
    const sources = await page.evaluate<string[]>(
      `[...document.querySelectorAll('img')].map((img) => new URL(img.src).origin)`,
    );
    assert.deepEqual([...new Set(sources)], [new URL(server.url).origin]);
  });

  it('shows an image from the backup through its signed link', async () => {
    const { page } = tab;
    const image = messageItem(page, ids.image).locator('img');
    await image.waitFor();
    const src = (await image.getAttribute('src')) ?? '';
    assert.match(src, /\/api\/v1\/recovery\/chats\/.+\/images\/[0-9a-f]{64}\?t=/);
    await waitForExpression(
      page,
      `document.querySelector('[data-message-id="${ids.image}"] img')?.complete === true`,
    );
    const width = await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    assert.equal(width, 8, 'the image loaded, with no token but its link');
  });

  it('marks an edited message and shows its earlier version one click away', async () => {
    const { page } = tab;
    const edited = messageItem(page, ids.edited);
    assert.match((await edited.textContent()) ?? '', /Draft two/);
    await edited.getByTestId('edited').waitFor();
    const earlier = edited.getByTestId('earlier-version').filter({ hasText: 'Draft one' });
    assert.equal(await earlier.isVisible(), false, 'folded until asked for');
    const disclosure = edited.getByRole('button', {
      name: /^Show (the earlier version|\d+ earlier versions)$/,
    });
    assert.equal(await disclosure.getAttribute('aria-expanded'), 'false');
    await disclosure.click();
    await earlier.waitFor({ state: 'visible' });
    assert.equal(await edited.getByRole('button', { name: /^Hide/ }).getAttribute('aria-expanded'), 'true');
    assert.match((await earlier.textContent()) ?? '', /As first posted, backed up/);
  });

  it('shows the chat as the backup saw it at an earlier moment, and the latest again', async () => {
    const { page } = tab;
    // The browser runs in UTC: the moment's local time is its UTC time.
    await page.getByLabel('Show the chat as it was at (your local time)').fill(firstMoment.slice(0, 19));
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByTestId('transcript-status').filter({ hasText: 'as the backup saw it at' }).waitFor();
    assert.ok(tab.apiCalls.some((c) => c.endsWith('/transcript')));
    const edited = messageItem(page, ids.edited);
    assert.match((await edited.textContent()) ?? '', /Draft one/);
    assert.doesNotMatch((await edited.textContent()) ?? '', /Draft two/);
    assert.equal(await edited.getByTestId('edited').count(), 0, 'not edited yet at that moment');
    assert.equal(await messageItem(page, ids.deleted).getByTestId('deleted').count(), 0, 'nor deleted');
    await screenshot(page, 'recovery-point-in-time');

    await page.getByRole('button', { name: 'Latest', exact: true }).click();
    await page.getByTestId('transcript-status').filter({ hasText: 'latest backed-up state' }).waitFor();
    assert.match((await messageItem(page, ids.edited).textContent()) ?? '', /Draft two/);
  });

  it('finds a word and opens the transcript at the message, highlighted and in view', async () => {
    const { page } = tab;
    await page.getByRole('tab', { name: 'Search' }).click();
    await page.getByLabel('Words').fill(RARE_WORD);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('search-status').filter({ hasText: '1 message matches' }).waitFor();
    const hit = page.getByTestId('search-hit');
    assert.equal(await hit.count(), 1);
    assert.match((await hit.textContent()) ?? '', new RegExp(`${TOPIC}.*${server.adminName}.*${RARE_WORD}`));
    assert.equal(await hit.locator('mark').first().textContent(), RARE_WORD);
    await screenshot(page, 'recovery-search');

    const aroundRequest = page.waitForRequest(
      (request) => request.url().includes('/transcript?') && request.url().includes('around='),
    );
    await hit.getByRole('button', { name: new RegExp(`^${TOPIC}`) }).click();
    const around = new URL((await aroundRequest).url());
    assert.equal(around.searchParams.get('around'), ids.rare, 'the transcript was read around the message');
    assert.ok(around.pathname.includes(encodeURIComponent(chatId)));
    const anchor = page.locator('[data-testid=message][data-anchor]');
    await anchor.waitFor();
    assert.equal(await anchor.getAttribute('data-message-id'), ids.rare);
    await waitForExpression(
      page,
      `document.activeElement?.dataset.messageId === ${JSON.stringify(ids.rare)}`,
    );
    const inView = await anchor.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= (globalThis as unknown as { innerHeight: number }).innerHeight;
    });
    assert.ok(inView, 'scrolled into view');
  });

  it('searches the chat open, marking what is deleted or only in an earlier version', async () => {
    const { page } = tab;
    await page.getByRole('tab', { name: 'Search' }).click();
    const form = page.getByRole('form', { name: 'Search messages' });
    await form.getByLabel('In', { exact: true }).selectOption({ label: `${TOPIC} (the chat open)` });
    const status = page.getByTestId('search-status');
    const hit = page.getByTestId('search-hit');
    const search = async (words: string) => {
      const asked = page.waitForRequest((r) => r.url().includes('/recovery/search?'));
      await form.getByLabel('Words').fill(words);
      await form.getByRole('button', { name: 'Search', exact: true }).click();
      assert.equal(new URL((await asked).url()).searchParams.get('chatId'), chatId);
      await status.filter({ hasText: `1 message matches “${words}”` }).waitFor();
      return (await hit.textContent()) ?? '';
    };
    assert.match(await search('temporary'), /A temporary note.*deleted/);
    const earlier = await search('Draft one');
    assert.match(earlier, /only in an earlier version/);
    assert.doesNotMatch(earlier, /deleted/);
    await page.getByRole('tab', { name: 'Browse' }).click();
  });

  it('exports the chat open; the download is the file the page names', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Export this chat…' }).click();
    const form = page.getByRole('form', { name: 'Export' });
    assert.equal(await form.getByRole('radio', { name: `The chat open: ${TOPIC}` }).isChecked(), true);
    const downloading = page.waitForEvent('download');
    await form.getByRole('button', { name: 'Export', exact: true }).click();
    const download = await downloading;
    const expected = `${chatCreated.slice(0, 10)}-recovery-drill-${createHash('sha256').update(chatId).digest('hex').slice(0, 8)}.html`;
    assert.equal(download.suggestedFilename(), expected);
    const saved = join(tempDir('chatvault-tab-export-'), expected);
    await download.saveAs(saved);
    const html = readFileSync(saved, 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /Draft two/);
    assert.doesNotMatch(html, /<script/i);
    const ready = page.getByTestId('export-ready');
    await ready.waitFor();
    assert.match(
      (await ready.textContent()) ?? '',
      new RegExp(`Downloading ${expected.replace(/\./g, '\\.')}.*expires at`),
    );
    await screenshot(page, 'recovery-export');
  });

  for (const theme of ['Default', 'Dark', 'High contrast'] as const) {
    it(`has no serious accessibility findings in the ${theme} theme`, async () => {
      const { page } = tab;
      await chooseTheme(page, theme);
      const findings = [];
      for (const panel of ['Browse', 'Search', 'Export', 'Retention and erasure'] as const) {
        await page.getByRole('tab', { name: panel }).click();
        await waitForExpression(page, `document.querySelector('.fui-Spinner') === null`);
        if (panel === 'Browse') {
          // The transcript with an earlier version unfolded, the hostile and image messages in it.
          const show = page.getByRole('button', {
            name: /^Show (the earlier version|\d+ earlier versions)$/,
          });
          if ((await show.count()) > 0) await show.first().click();
          await screenshot(page, `recovery-${theme.toLowerCase().replace(' ', '-')}`);
        }
        findings.push(...(await seriousAxeViolations(page)).map((f) => ({ panel, ...f })));
      }
      assert.deepEqual(findings, []);
    });
  }

  it('changes the retention policy after asking, and applies it, saying what it removed', async () => {
    const { page } = tab;
    await chooseTheme(page, 'Default');
    await page.getByRole('tab', { name: 'Retention and erasure' }).click();
    const policy = page.getByTestId('retention-policy');
    assert.match((await policy.textContent()) ?? '', /Messages are kept forever\./);
    const form = page.getByRole('form', { name: 'Retention policy' });
    await form.getByRole('radio', { name: /For a number of years/ }).check();
    await form.getByRole('spinbutton', { name: 'Years' }).fill('5');
    await form.getByRole('button', { name: 'Save policy' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('Keep messages for 5 years?').waitFor();
    await dialog.getByRole('button', { name: 'Change the policy' }).click();
    await page.getByText(/^Policy saved\. Messages are kept for 5 years/).waitFor();
    assert.match((await policy.textContent()) ?? '', /kept for 5 years after they were sent\. Set by/);

    await form.getByRole('button', { name: 'Apply now' }).click();
    await dialog.getByText('Remove old messages now?').waitFor();
    await dialog.getByRole('button', { name: 'Remove now' }).click();
    const applied = page.getByTestId('retention-applied');
    await applied.waitFor();
    // The simulated tenant's messages are all younger than five years: none goes.
    assert.match((await applied.textContent()) ?? '', /^Removed 0 messages sent before .+ \(0 versions\)/);
    assert.ok(tab.apiCalls.includes('POST /api/v1/recovery/retention/apply'));
  });

  it('refuses to erase while a backup runs, then erases a person after naming them', async () => {
    const { page } = tab;
    server.holdRuns();
    const runId = await startBackup(server, token);
    while (!(await backupStatus(server, token)).active) await new Promise((r) => setTimeout(r, 100));

    const form = page.getByRole('form', { name: 'Erase a person' });
    const erase = async () => {
      await form.getByLabel('Person to erase').fill(server.memberUpn);
      await form.getByRole('button', { name: 'Erase…' }).click();
      const dialog = page.getByRole('alertdialog');
      await dialog.getByText(`Erase ${server.memberUpn} from the backup?`).waitFor();
      assert.match((await dialog.textContent()) ?? '', /This cannot be undone\./);
      await dialog.getByRole('button', { name: `Erase ${server.memberUpn}` }).click();
    };
    await erase();
    await page.getByText('A backup is running; try again when it ends.').waitFor();
    server.releaseRuns();
    await finished(server, token, runId);

    await erase();
    const report = page.getByTestId('erasure-report');
    await report.waitFor();
    const text = (await report.textContent()) ?? '';
    assert.match(text, new RegExp(`${server.memberUpn.replace(/\./g, '\\.')} was erased from the backup\\.`));
    // Bob sent two messages in the drill chat and every other line of the paging one.
    assert.equal(Number(/Messages(\d+)/.exec(text)?.[1]), 2 + PAGING_LINES / 2, text);
    await screenshot(page, 'recovery-erased');
  });

  it('threw no errors in the page', () => {
    assert.deepEqual(tab.problems, []);
  });
});
