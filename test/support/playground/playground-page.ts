import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Download, Locator, Page, Response } from 'playwright-core';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');
export const PLAYGROUND_ARTIFACTS_DIR = join(PROJECT_ROOT, 'test-artifacts', 'playground');

/** Generous: the machine is shared, and the Playground waits on the bot before it renders. */
const DEFAULT_TIMEOUT_MS = 20_000;

/** An export is produced while it downloads; on a busy machine that takes a while. */
const DOWNLOAD_TIMEOUT_MS = 90_000;

/**
 * The conversations of the Playground's left pane. A channel is named as the pane labels it:
 * "<team name> - <channel name>" (the General channel is "<team name> - General").
 */
export type PlaygroundConversation =
  'Personal Chat' | { groupChat: string } | { team: string; channel: string };

/** A file an Action.OpenUrl led to, downloaded by the browser as a person's would. */
export interface OpenUrlDownload {
  /** The address the action opened: the card's `url`. */
  url: string;
  /** The name the server gave the file (its Content-Disposition). */
  fileName: string;
  bytes: Buffer;
  /** New pages the press opened (the Playground: one, by window.open). */
  pagesOpened: number;
}

export interface OpenPlaygroundOptions {
  /** Closes the Playground's log panel, which repeats every message and would be in screenshots. */
  hideLogPanel?: boolean;
}

/**
 * Page object for the Microsoft 365 Agents Playground's Teams-like web client (0.2.x). Its DOM has
 * few test hooks; what this relies on, all seen in 0.2.28:
 * - the left pane is a `tree` of `treeitem`s labelled "Personal Chat", the group chat's name and
 *   "<team> - <channel>"; the log panel is headed "Log Panel";
 * - a chat has one Lexical `textbox` and a "Send Message" button (Enter sends); a channel has a
 *   "Start a new post" textbox first, a "Post" button, and one reply textbox per thread. Bots only
 *   get channel posts that @mention them, as in Teams;
 * - Adaptive Cards render with the adaptivecards library's `ac-adaptiveCard` class, inputs get
 *   `<label for>` from their `label` (their card ids are not put in the DOM), actions are buttons
 *   named by their title (an Action.OpenUrl's has the `link` role and its address as `title`), and
 *   an Action.Execute's answer card replaces the card in the same node.
 */
export class PlaygroundPage {
  /** Requests the page tried to send anywhere but loopback (all were stopped): CDN fonts, icons. */
  readonly blockedRequests: string[] = [];
  /** Errors the page threw. */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly configResponse: Promise<Response>,
  ) {}

  static async open(
    browser: Browser,
    url: string,
    options: OpenPlaygroundOptions = {},
  ): Promise<PlaygroundPage> {
    const context = await browser.newContext({
      viewport: { width: 1400, height: 900 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    context.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
    const page = await context.newPage();
    // The client asks its server for its config, which first waits (up to 15 s) for the bot.
    const configResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/_internal/v1/config', {
      timeout: 60_000,
    });
    configResponse.catch(() => undefined);
    const playground = new PlaygroundPage(context, page, configResponse);
    await context.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]')
        return route.continue();
      playground.blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    page.on('pageerror', (error) => playground.pageErrors.push(error.message));
    await page.goto(url);
    if (options.hideLogPanel) await page.getByRole('button', { name: 'Hide log panel' }).click();
    return playground;
  }

  /**
   * Resolves once the client has its config and says it reached the bot; throws with the
   * Playground's own words when it could not.
   */
  async waitForBotReady(): Promise<void> {
    const response = await this.configResponse;
    if (!response.ok()) throw new Error(`The Playground's config request failed: ${response.status()}`);
    const failed = this.page.getByText('Cannot connect to your app', { exact: false });
    if (await failed.count())
      throw new Error(`The Playground cannot reach the bot: ${await failed.first().innerText()}`);
    await this.composer().waitFor();
  }

  /** The conversation shown: the region between the left pane and the log panel. */
  pane(): Locator {
    return this.page
      .locator('div')
      .filter({ has: this.page.locator('[data-lexical-editor]') })
      .filter({ hasNot: this.page.getByRole('tree') })
      .filter({ hasNot: this.page.getByText('Log Panel', { exact: true }) })
      .first();
  }

  /**
   * Opens a conversation from the left pane. The first time one is opened the Playground sends the
   * bot an installationUpdate and a conversationUpdate (bot and user added), as installing does.
   */
  async openConversation(conversation: PlaygroundConversation): Promise<void> {
    const name =
      conversation === 'Personal Chat'
        ? 'Personal Chat'
        : 'groupChat' in conversation
          ? conversation.groupChat
          : `${conversation.team} - ${conversation.channel}`;
    await this.page.getByRole('treeitem', { name, exact: true }).click();
    await this.composer().waitFor();
  }

  async openChannel(team: string, channel: string): Promise<void> {
    await this.openConversation({ team, channel });
  }

  /**
   * Sends a message as the current user. In a channel it starts a new post; `mention` (the bot's
   * name) is then needed for the bot to get it, and is picked from the @-mention menu.
   */
  async sendMessage(text: string, options: { mention?: string } = {}): Promise<void> {
    const inChannel = (await this.postButton().count()) > 0;
    await this.composer().click();
    if (options.mention) {
      await this.page.keyboard.type(`@${options.mention.slice(0, 4)}`);
      const exactly = new RegExp(`^\\s*${escapeRegExp(options.mention)}\\s*$`);
      await this.page.getByRole('menuitem').filter({ hasText: exactly }).first().click();
      await this.page.keyboard.type(' ');
    }
    await this.page.keyboard.type(text);
    if (inChannel) {
      await this.postButton().click();
    } else {
      await this.page.keyboard.press('Enter');
    }
  }

  /** Waits until the conversation shows `text` (in a message or a card) and returns that element. */
  async waitForText(text: string | RegExp): Promise<Locator> {
    const found = this.pane().getByText(text).last();
    await found.waitFor();
    return found;
  }

  /** Every Adaptive Card of the conversation shown, in order. */
  cards(): Locator {
    return this.pane().locator('.ac-adaptiveCard');
  }

  lastCard(): Locator {
    return this.cards().last();
  }

  /** Waits for the (last) card showing `text` and returns it. */
  async waitForCardText(text: string | RegExp): Promise<Locator> {
    const card = this.cards().filter({ hasText: text }).last();
    await card.waitFor();
    return card;
  }

  /** The card's visible text, whitespace collapsed (input values are not text). */
  async readCardText(card: Locator): Promise<string> {
    return (await card.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Fills the card input whose `label` is `label`. */
  async fillInput(card: Locator, label: string | RegExp, value: string): Promise<void> {
    await (await this.input(card, label)).fill(value);
  }

  /**
   * The card input labelled `label`, e.g. to check that a Password input is masked. Found through
   * its `<label for>`: the accessible name also holds the required mark and error text.
   */
  async input(card: Locator, label: string | RegExp): Promise<Locator> {
    const text = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*\\*?\\s*$`) : label;
    const labelElement = card.locator('label[for]').filter({ hasText: text }).first();
    const id = await labelElement.getAttribute('for');
    if (!id) throw new Error(`No input labelled ${String(label)} on the card`);
    return card.locator(`[id="${id}"]`);
  }

  /** Clicks the card action titled `title` (Action.Execute, Action.Submit; see openUrlAction). */
  async clickAction(card: Locator, title: string): Promise<void> {
    await card.getByRole('button', { name: title, exact: true }).click();
  }

  /**
   * The card's Action.OpenUrl titled `title`. The adaptivecards renderer gives it the `link` role
   * (other actions are buttons), and its tooltip (`title` attribute) ends with the address.
   */
  openUrlAction(card: Locator, title: string): Locator {
    return card.getByRole('link', { name: title, exact: true });
  }

  /**
   * Presses the card's Action.OpenUrl titled `title` and waits for the file it leads to. The
   * Playground (0.2.28) handles the action with `window.open(url)`, as Teams opens a browser tab: a
   * blank new page appears and, once the answer turns out to be an attachment, Chromium hands the
   * download to the opener (Playwright emits it on the Playground's page) and the new page closes.
   * Both are listened to (each new page as it appears, so an early download is not missed).
   */
  async downloadFrom(card: Locator, title: string): Promise<OpenUrlDownload> {
    const opened: Page[] = [];
    let timer: NodeJS.Timeout | undefined;
    let onPage: (page: Page) => void = () => undefined;
    let onDownload: (download: Download) => void = () => undefined;
    const started = new Promise<Download>((resolve, reject) => {
      onDownload = resolve;
      onPage = (page) => {
        opened.push(page);
        page.once('download', resolve);
      };
      timer = setTimeout(() => {
        const pages = opened.map((p) => p.url() || 'blank').join(', ') || 'none';
        reject(new Error(`No download after pressing ${title}; new pages: ${pages}`));
      }, DOWNLOAD_TIMEOUT_MS);
    });
    started.catch(() => undefined);
    this.context.on('page', onPage);
    this.page.on('download', onDownload);
    try {
      await this.openUrlAction(card, title).click();
      const download = await started;
      // Resolves once the file is complete; a cut answer is a failure, not a short file.
      const failure = await download.failure();
      if (failure !== null) throw new Error(`The download from ${title} failed: ${failure}`);
      return {
        url: download.url(),
        fileName: download.suggestedFilename(),
        bytes: readFileSync(await download.path()),
        pagesOpened: opened.length,
      };
    } finally {
      clearTimeout(timer);
      this.context.off('page', onPage);
      this.page.off('download', onDownload);
      for (const page of opened) await page.close().catch(() => undefined);
    }
  }

  /**
   * Sends an item of the Playground's "Mock an Activity" menu, e.g. "Install application" or
   * "Uninstall application", for the conversation shown: the item opens a dialog showing the
   * activity it generated, whose "Send activity" sends it unchanged. (To change the activity, use
   * the Playground handle's sendMockActivity or sendCustomActivity: the dialog's editor is Monaco.)
   */
  async mockActivity(item: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Mock an Activity' }).click();
    // Menu items' accessible names include their icons' labels: match on the visible text.
    const exactly = new RegExp(`^\\s*${escapeRegExp(item)}\\s*$`);
    await this.page.getByRole('menuitem').filter({ hasText: exactly }).first().click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Send activity', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(PLAYGROUND_ARTIFACTS_DIR, { recursive: true });
    const path = join(PLAYGROUND_ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path, fullPage: true });
    return path;
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  private composer(): Locator {
    return this.page.locator('[data-lexical-editor][role="textbox"]').first();
  }

  private postButton(): Locator {
    return this.page.getByRole('button', { name: 'Post', exact: true });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
