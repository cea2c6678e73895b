import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentsPlaygroundError, launchAgentsPlayground } from '../../../cli/app/agents-playground';
import { DEFAULT_PLAYGROUND_CONFIG, writePlaygroundConfig, type PlaygroundConfig } from './playground-config';

const GUARD = join(__dirname, 'loopback-guard.cjs');
const GUARD_MARKER = '[loopback-guard] refused ';

/** Activity templates the Playground generates for a conversation (its "Mock an Activity" menu). */
export type MockActivityType =
  | 'install'
  | 'uninstall'
  | 'userAdded'
  | 'userRemoved'
  | 'botAdded'
  | 'botRemoved'
  | 'channelCreated'
  | 'channelRenamed'
  | 'channelDeleted'
  | 'teamRenamed'
  | 'teamDeleted';

export interface StartPlaygroundOptions {
  /** The bot's messaging endpoint, on loopback, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Port for the Playground's web client and mock connector; a free one when left out. */
  port?: number;
  /** The mock tenant; DEFAULT_PLAYGROUND_CONFIG when left out. */
  config?: PlaygroundConfig;
  /** How long to wait for the Playground to listen (it needs a few seconds on a busy machine). */
  startTimeoutMs?: number;
}

export interface PlaygroundHandle {
  /** The web client, e.g. http://127.0.0.1:56150/ */
  url: string;
  port: number;
  /** The Playground's mock Bot Connector service (activities carry it as `serviceUrl`). */
  serviceUrl: string;
  config: PlaygroundConfig;
  /** Conversation ids of the mock Teams context, for custom activities and bot-side assertions. */
  conversations: { personal: string; group: string; general: string; channel?: string };
  /** Connections the Playground tried to open to anything but loopback (all refused). */
  refusedConnections(): string[];
  /** Everything the Playground printed, and its own log file, for error messages. */
  output(): string;
  /**
   * Sends an activity the Playground generates for a conversation (as "Mock an Activity" does),
   * after applying `patch` to its top-level fields. Resolves once the Playground accepted it; the
   * bot gets it right after.
   */
  sendMockActivity(
    conversationId: string,
    type: MockActivityType,
    patch?: Record<string, unknown>,
  ): Promise<void>;
  /** Sends a custom activity built on the Playground's template for the conversation. */
  sendCustomActivity(conversationId: string, activity: Record<string, unknown>): Promise<void>;
  /** Stops the Playground's process group and waits until its port is free again. */
  close(): Promise<void>;
}

export class PlaygroundStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n--- Agents Playground output ---\n${output}`);
    this.name = 'PlaygroundStartError';
  }
}

/**
 * Starts the Microsoft 365 Agents Playground as `npm start` does (the product's launcher: loopback,
 * telemetry off, `msteams` channel), pointed at `botEndpoint`, with a mock tenant of the test's
 * choosing, a free port, and the test's loopback guard, which refuses and reports any outgoing
 * connection to anything but loopback. The process runs in a temporary working directory, so the
 * log folder it creates and the config files it looks up in its cwd never touch the project.
 */
export async function startPlayground(options: StartPlaygroundOptions): Promise<PlaygroundHandle> {
  const config = options.config ?? DEFAULT_PLAYGROUND_CONFIG;
  const workDir = mkdtempSync(join(tmpdir(), 'chatvault-playground-'));
  const refused: string[] = [];
  let launched: Awaited<ReturnType<typeof launchAgentsPlayground>>;
  try {
    launched = await launchAgentsPlayground({
      botEndpoint: options.botEndpoint,
      workDir,
      configFile: writePlaygroundConfig(workDir, config),
      port: options.port ?? (await freePort()),
      preload: [GUARD],
      onLine: (line) => {
        const at = line.indexOf(GUARD_MARKER);
        if (at >= 0) refused.push(line.slice(at + GUARD_MARKER.length));
      },
      ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
    });
  } catch (error) {
    rmSync(workDir, { recursive: true, force: true });
    if (error instanceof AgentsPlaygroundError && error.reason === 'did_not_start')
      throw new PlaygroundStartError(error.message, error.output);
    throw error;
  }

  const { port } = launched;
  const base = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    url: launched.url,
    port,
    serviceUrl: `http://localhost:${port}/_connector`,
    config,
    conversations: {
      personal: config.personalChatId,
      group: config.groupChat.id,
      general: config.team.id,
      ...(config.team.channel ? { channel: config.team.channel.id } : {}),
    },
    refusedConnections: () => [...refused],
    output: () => launched.output(),
    async sendMockActivity(conversationId, type, patch = {}) {
      const template = await internalGet(base, conversationId, type);
      await internalPost(base, { ...template, ...patch });
    },
    async sendCustomActivity(conversationId, activity) {
      const template = await internalGet(base, conversationId);
      await internalPost(base, { ...template, ...activity });
    },
    async close() {
      if (closed) return;
      closed = true;
      await launched.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

async function internalGet(base: string, conversationId: string, type?: MockActivityType): Promise<object> {
  const query = new URLSearchParams({ conversationId, ...(type ? { type } : {}) });
  const response = await fetch(`${base}/_internal/v1/customActivities/template?${query.toString()}`);
  if (!response.ok) {
    throw new Error(
      `No activity template for ${conversationId}/${type ?? 'custom'}: ${await response.text()}`,
    );
  }
  return (await response.json()) as object;
}

async function internalPost(base: string, activity: object): Promise<void> {
  const response = await fetch(`${base}/_internal/v1/customActivities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  if (!response.ok) throw new Error(`The Playground refused the activity: ${await response.text()}`);
}

/** A port free on loopback right now (the Playground copes if it is taken meanwhile). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
