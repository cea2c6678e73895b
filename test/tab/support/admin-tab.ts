import type { Browser } from 'playwright-core';
import { demoSignIn, launchChromium, openTab, type TabPage } from './browser';
import { connectTenant, startTabServer, type TabTestServer } from './tab-servers';

export interface AdminTab {
  server: TabTestServer;
  browser: Browser;
  tab: TabPage;
  close(): Promise<void>;
}

/**
 * A server with its tenant app connected, and the tab opened at `#/route` in Chromium with the
 * admin signed in, once the page's `heading` shows. What was opened is closed again if a step fails.
 */
export async function openAdminTab(route: string, heading: string): Promise<AdminTab> {
  const server = await startTabServer();
  let browser: Browser | undefined;
  let tab: TabPage | undefined;
  const close = async () => {
    await tab?.context.close();
    await browser?.close();
    await server.close();
  };
  try {
    await connectTenant(server);
    browser = await launchChromium();
    tab = await openTab(browser, `${server.url}/tab/index.html#/${route}`);
    await demoSignIn(tab.page, server.adminName);
    await tab.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    return { server, browser, tab, close };
  } catch (failure) {
    await close();
    throw failure;
  }
}
