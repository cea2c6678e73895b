import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../../backend/observability/logger';
import {
  agentsPlaygroundConfig,
  writePlaygroundConfig,
  type PlaygroundTenant,
} from './agents-playground-config';
import { projectRoot } from '../../backend/config/project-root';

/**
 * The Microsoft 365 Agents Playground, for a person trying ChatVault's bot locally: a Teams-like web
 * client and mock Bot Connector (npm @microsoft/m365agentsplayground, a development dependency),
 * run as a child process pointed at the bot's /api/messages, on loopback, with telemetry off.
 */

const AGENTS_PLAYGROUND_PACKAGE = '@microsoft/m365agentsplayground';

/** The port the Playground is usually on; it takes a free one when this is taken. */
const AGENTS_PLAYGROUND_DEFAULT_PORT = 56150;

export type AgentsPlaygroundProblem =
  /** The package is not installed (e.g. `npm install --omit=dev`). */
  | 'not_installed'
  /** The bot endpoint is not on this machine: the Playground is never pointed anywhere else. */
  | 'not_loopback'
  /** The process exited or did not answer in time. */
  | 'did_not_start';

export class AgentsPlaygroundError extends Error {
  constructor(
    readonly reason: AgentsPlaygroundProblem,
    message: string,
    /** What the Playground printed, for a start that failed. */
    readonly output = '',
  ) {
    super(message);
    this.name = 'AgentsPlaygroundError';
  }
}

/** What to do when the package is absent, for the start banner. */
export const AGENTS_PLAYGROUND_MISSING = `The Agents Playground is not installed (${AGENTS_PLAYGROUND_PACKAGE} is a development dependency): run npm install in the project folder, without --omit=dev, then npm start again.`;

/** The Playground CLI's script, or undefined when the package is not installed. */
export function agentsPlaygroundCli(resolve: (id: string) => string = require.resolve): string | undefined {
  try {
    return resolve(`${AGENTS_PLAYGROUND_PACKAGE}/cli.js`);
  } catch {
    return undefined;
  }
}

export interface LaunchAgentsPlaygroundOptions {
  /** The bot's messaging endpoint, on loopback, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Its working directory: it writes a log folder there and looks for its config file there. */
  workDir: string;
  /** The config file (`writePlaygroundConfig`). */
  configFile: string;
  /** The port asked for; the Playground takes a free one when it is taken. */
  port: number;
  /** More modules for `node --require`, loaded after the one that keeps servers on loopback. */
  preload?: readonly string[];
  /** Called with each line the Playground prints (stderr lines start with "[stderr] "). */
  onLine?: (line: string) => void;
  /** How long to wait for it to listen and answer (a few seconds on a busy machine). */
  startTimeoutMs?: number;
}

export interface LaunchedAgentsPlayground {
  /** The web client, e.g. http://127.0.0.1:56150/ */
  url: string;
  port: number;
  /** Everything it printed lately, and its own log file. */
  output(): string;
  /** Stops its process group and waits until its port is free again. */
  close(): Promise<void>;
}

/**
 * Starts the Playground CLI as a child process group and resolves once its web client answers. What
 * keeps it local and quiet (each seen with 0.2.x):
 * - every server it starts listens on 127.0.0.1 (a preloaded module: it has no host option);
 * - `--dt` turns its telemetry off, and APPLICATION_INSIGHTS_NO_STATSBEAT=true the "Statsbeat" the
 *   Application Insights SDK it bundles would still send to an Azure host;
 * - TEAMSAPPTESTER_BROWSER=none: where no desktop browser can be opened it otherwise exits with
 *   status 1 right after "Listening on <port>";
 * - its AUTH_* variables (sign-in to Microsoft) and proxies are not passed on.
 */
export async function launchAgentsPlayground(
  options: LaunchAgentsPlaygroundOptions,
): Promise<LaunchedAgentsPlayground> {
  assertLoopbackEndpoint(options.botEndpoint);
  const cli = agentsPlaygroundCli();
  if (!cli) throw new AgentsPlaygroundError('not_installed', AGENTS_PLAYGROUND_MISSING);
  const logFile = join(options.workDir, 'playground.log');
  const preload = [
    join(projectRoot(), 'cli', 'app', 'agents-playground-loopback.cjs'),
    ...(options.preload ?? []),
  ];
  const child = spawn(
    process.execPath,
    [
      ...preload.flatMap((file) => ['--require', file]),
      cli,
      '--dt',
      '-c',
      'msteams',
      '-e',
      options.botEndpoint,
      '-p',
      String(options.port),
    ],
    {
      cwd: options.workDir,
      env: playgroundEnv(options.configFile, logFile),
      // Its own group: close() stops whatever it starts, too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  const lines: string[] = [];
  const collect = (prefix: string) => (chunk: Buffer) => {
    for (const text of chunk.toString('utf8').split(/\r?\n/)) {
      if (!text) continue;
      const line = `${prefix}${text}`;
      lines.push(line);
      if (lines.length > 500) lines.shift();
      options.onLine?.(line);
    }
  };
  child.stdout?.on('data', collect(''));
  child.stderr?.on('data', collect('[stderr] '));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // Not started at all (spawn failed): reported as an exit before listening.
    child.once('error', () => resolve(null));
  });
  const output = (): string => {
    let log = '';
    try {
      log = readFileSync(logFile, 'utf8');
    } catch {
      // Not written yet.
    }
    return [...lines, ...(log ? ['--- log file ---', log.trimEnd()] : [])].join('\n');
  };

  let port: number;
  try {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    port = await waitForListening(child, lines, exited, timeoutMs);
    await waitForPing(port, timeoutMs);
  } catch (error) {
    await stopGroup(child, exited);
    throw new AgentsPlaygroundError('did_not_start', (error as Error).message, output());
  }

  // Should this process end without close() (a crash), its own group would outlive it.
  const pid = child.pid!;
  const stopOnExit = () => signalGroup(pid, 'SIGTERM');
  process.once('exit', stopOnExit);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    output,
    close() {
      process.off('exit', stopOnExit);
      closing ??= stopGroup(child, exited).then(() => waitForPortFree(port));
      return closing;
    },
  };
}

export interface StartAgentsPlaygroundOptions {
  /** The bot's messaging endpoint, on loopback (`<server url>/api/messages`). */
  botEndpoint: string;
  /** ChatVault's data folder: the Playground's config file and log go to `agents-playground/` in it. */
  dataDir: string;
  /** The tenant the mock Teams context belongs to, and the person using it. */
  tenant: PlaygroundTenant;
  logger: Logger;
  /** The port asked for (56150 unless told; a free one when that is taken). */
  port?: number;
}

export interface RunningAgentsPlayground {
  /** Open this in a browser: the personal chat with ChatVault. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * `npm start` in local mode: the Playground pointed at the bot, as the tenant's person. Throws
 * AgentsPlaygroundError: `not_installed` (say AGENTS_PLAYGROUND_MISSING), `not_loopback`,
 * `did_not_start`.
 */
export async function startAgentsPlayground(
  options: StartAgentsPlaygroundOptions,
): Promise<RunningAgentsPlayground> {
  assertLoopbackEndpoint(options.botEndpoint);
  const workDir = join(options.dataDir, 'agents-playground');
  mkdirSync(workDir, { recursive: true });
  const configFile = writePlaygroundConfig(workDir, agentsPlaygroundConfig(options.tenant));
  // Its output is not logged: it repeats activities, and those hold what people typed (secrets too).
  const launched = await launchAgentsPlayground({
    botEndpoint: options.botEndpoint,
    workDir,
    configFile,
    port: options.port ?? AGENTS_PLAYGROUND_DEFAULT_PORT,
  });
  options.logger.info({ url: launched.url, tenantId: options.tenant.id }, 'Agents Playground started');
  return { url: launched.url, port: launched.port, close: () => launched.close() };
}

/** The Playground only ever talks to a bot on this machine. */
function assertLoopbackEndpoint(endpoint: string): void {
  let hostname: string;
  try {
    hostname = new URL(endpoint).hostname;
  } catch {
    throw new AgentsPlaygroundError('not_loopback', `The bot endpoint is not a URL: ${endpoint}`);
  }
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (bare !== 'localhost' && bare !== '::1' && !/^127(\.\d{1,3}){3}$/.test(bare)) {
    throw new AgentsPlaygroundError(
      'not_loopback',
      `The Agents Playground is pointed only at a bot on this machine, not at ${hostname}.`,
    );
  }
}

/**
 * The child's environment: this process's, less what would make the Playground sign in to
 * Microsoft (AUTH_*), reroute its traffic, or read another config; plus the switches above.
 */
function playgroundEnv(configFile: string, logFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^(AUTH_|M365_AGENTS_PLAYGROUND_|TEAMSAPPTESTER_|TEAMS_APP_TEST_TOOL_|APPLICATIONINSIGHTS_)/.test(key)
    )
      continue;
    if (
      /^(https?_proxy|no_proxy|BOT_ENDPOINT|DEFAULT_CHANNEL_ID|SEND_INSTALLATION_ACTIVITY|NODE_OPTIONS)$/i.test(
        key,
      )
    )
      continue;
    env[key] = value;
  }
  return {
    ...env,
    TEAMSAPPTESTER_BROWSER: 'none',
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
    M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
  };
}

/** The Playground falls back to a random port when the one asked for is taken: read the real one. */
async function waitForListening(
  child: ChildProcess,
  lines: readonly string[],
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    for (const line of lines) {
      const match = /^Listening on (\d+)$/.exec(line.trim());
      if (match) return Number(match[1]);
    }
    if (exitCode !== undefined || child.exitCode !== null)
      throw new Error(`The Agents Playground exited (status ${exitCode ?? child.exitCode}) before listening`);
    await delay(100);
  }
  throw new Error(`The Agents Playground did not listen within ${timeoutMs} ms`);
}

async function waitForPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/_debug/ping`);
      if (response.ok) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await delay(200);
  }
  throw new Error(`The Agents Playground's /_debug/ping did not answer (${last})`);
}

/** SIGTERM to the whole group, SIGKILL if it lingers; resolves when nothing of the group is left. */
async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup(child.pid, 'SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), delay(5_000).then(() => false)]);
    if (!stopped) {
      signalGroup(child.pid, 'SIGKILL');
      await exited;
    }
  }
  for (let attempt = 0; groupAlive(child.pid) && attempt < 50; attempt++) {
    if (attempt === 20) signalGroup(child.pid, 'SIGKILL');
    await delay(100);
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForPortFree(port: number): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (!(await accepts(port))) return;
    await delay(100);
  }
  throw new Error(`Port ${port} still accepts connections after the Agents Playground stopped`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
