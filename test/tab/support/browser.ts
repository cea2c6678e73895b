import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot download browsers on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const PROJECT_ROOT = join(__dirname, '..', '..', '..');
const ARTIFACTS_DIR = join(PROJECT_ROOT, 'test-artifacts', 'tab');

/**
 * Skips the calling suite when there is no Chromium, saying so; on CI a missing browser fails
 * instead, so that the browser tests cannot silently stop running there.
 */
export function requireChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.env.CI) throw new Error(`No Chromium at ${CHROMIUM_PATH}: the tab's browser tests cannot run.`);
  process.stdout.write(`      skipped: no Chromium (${CHROMIUM_PATH})\n`);
  context.skip();
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

let built: Promise<string> | undefined;

/**
 * The tab built once per test process into a folder of its own (dist/tab may be rebuilt by someone
 * else meanwhile), removed when the process exits.
 */
export function builtTab(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'chatvault-tab-build-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    const buildScript = pathToFileURL(join(PROJECT_ROOT, 'tab', 'build.mjs')).href;
    const { buildTab } = (await import(buildScript)) as {
      buildTab(o: { outDir: string; quiet: boolean }): Promise<unknown>;
    };
    await buildTab({ outDir, quiet: true });
    return outDir;
  })();
  return built;
}

export interface TabPage {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send anywhere but loopback (all of them were stopped). */
  blocked: string[];
  /** Errors the page threw or logged, and CSP refusals. */
  problems: string[];
  /** Every call the page made to the API, in order, as "METHOD /api/v1/…". */
  apiCalls: string[];
}

/**
 * A fresh browser context on the tab. Nothing leaves loopback: any other request is aborted and
 * recorded (teams-js asks a Microsoft CDN for its list of host origins when it loads).
 */
export async function openTab(
  browser: Browser,
  url: string,
  options: {
    /** Pages answered by the test itself (nothing is fetched), by exact URL: a stand-in Teams host. */
    pages?: Record<string, string>;
    /**
     * Origins played by a loopback server, e.g. `https://chatvault.example` for the test server: the
     * browser sees an HTTPS site, the request goes to loopback from the test process. (Chromium does
     * not let a public HTTPS page frame a loopback one.)
     */
    proxies?: Record<string, string>;
  } = {},
): Promise<TabPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  const blocked: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const target = route.request().url();
    const page = options.pages?.[target];
    if (page !== undefined)
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page });
    const { hostname, origin, pathname, search } = new URL(target);
    const proxied = options.proxies?.[origin];
    if (proxied !== undefined) return proxy(route, `${proxied}${pathname}${search}`);
    if (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]') return route.continue();
    blocked.push(target);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const apiCalls: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/')) apiCalls.push(`${request.method()} ${pathname}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (
      message.type() === 'error' &&
      !/net::ERR_BLOCKED_BY_CLIENT|Failed to load resource/.test(message.text())
    ) {
      problems.push(`console: ${message.text()}`);
    }
  });
  await page.goto(url);
  return { context, page, blocked, problems, apiCalls };
}

async function proxy(route: Route, url: string): Promise<void> {
  const request = route.request();
  const response = await route.fetch({
    url,
    method: request.method(),
    headers: request.headers(),
    postData: request.postDataBuffer() ?? undefined,
    maxRedirects: 0,
  });
  await route.fulfill({ response });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * axe-core's serious and critical findings on the page as it is now (WCAG 2.1 A and AA rules, and
 * axe's best practices). One finding is left out, and only on the elements it is known to be wrong
 * about: Fluent UI's focus manager (tabster) keeps `<i data-tabster-dummy tabindex="0"
 * aria-hidden="true">` sentinels that hand the focus on the moment they get it, which
 * aria-hidden-focus reports although nothing hidden is ever left focused (microsoft/tabster#288,
 * closed as by design in microsoft/fluentui#27517).
 */
export async function seriousAxeViolations(page: Page): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  const findings: AxeFinding[] = [];
  for (const violation of results.violations) {
    if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
    const nodes = violation.nodes.filter(
      (node) => !(violation.id === 'aria-hidden-focus' && node.html.includes('data-tabster-dummy')),
    );
    if (nodes.length === 0) continue;
    findings.push({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: nodes.map((n) => n.target.join(' ')),
    });
  }
  return findings;
}

/** Signs in through the demo page offered outside Teams, as the named demo user. */
export async function demoSignIn(page: Page, displayName: string): Promise<void> {
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${escapeRegExp(displayName)}`) }).click();
  await page.getByTestId('demo-user').waitFor();
}

export async function chooseTheme(page: Page, label: 'Default' | 'Dark' | 'High contrast'): Promise<void> {
  await page.getByLabel('Theme').selectOption({ label });
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Waits until a page-side expression is true. `page.waitForFunction` compiles its predicate with
 * eval, which the tab's CSP rightly refuses; `page.evaluate` of an expression goes through the
 * debugger protocol instead.
 */
export async function waitForExpression(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(`Boolean(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`still false after ${timeoutMs} ms: ${expression}`);
    await page.waitForTimeout(100);
  }
}
