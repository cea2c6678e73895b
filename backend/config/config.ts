import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/**
 * The one place that reads the environment. Everything else receives a typed `AppConfig`.
 *
 * Values come from `env/.env.<name>` (committed, Teams Toolkit convention), then
 * `env/.env.<name>.user` (git-ignored, secrets prefixed SECRET_), then the process environment,
 * each later source overriding the earlier one.
 */

const httpsUrl = z
  .url({ message: 'must be an absolute URL' })
  .refine((u) => u.startsWith('https://'), { message: 'must start with https://' })
  .transform((u) => u.replace(/\/+$/, ''));

const optionalNonEmpty = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = z.coerce.number().int().min(0).max(65535);

const schema = z
  .object({
    CHATVAULT_ENV: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes only')
      .default('local'),
    PORT: port.default(3978),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // Where Microsoft lives. Both are settings: national clouds use other hosts. When neither is
    // set, `chatvault start` runs the tenant simulator and points these at it.
    GRAPH_BASE_URL: httpsUrl.optional(),
    AUTHORITY_HOST: httpsUrl.optional(),

    STORE: z.enum(['sqlite', 'cosmos']).default('sqlite'),
    COSMOS_ENDPOINT: httpsUrl.optional(),
    SECRET_COSMOS_KEY: optionalNonEmpty,
    COSMOS_DATABASE: z.string().min(1).default('chatvault'),

    BLOB_STORE: z.enum(['fs', 'azure']).default('fs'),
    SECRET_AZURE_STORAGE_CONNECTION_STRING: optionalNonEmpty,
    BLOB_CONTAINER: z
      .string()
      .regex(
        /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/,
        'an Azure container name: 3-63 lower-case letters, digits, dashes',
      )
      .default('chatvault'),

    // AES-256-GCM key for sealing app secrets: 32 bytes, base64. Unset: a 0600 key file under DATA_DIR.
    SECRET_SEALING_KEY: optionalNonEmpty.refine(
      (v) => v === undefined || Buffer.from(v, 'base64').length === 32,
      {
        message: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      },
    ),

    BOT_ID: optionalNonEmpty.refine((v) => v === undefined || /^[0-9a-f-]{36}$/i.test(v), {
      message: "must be the bot's Microsoft App ID (a GUID)",
    }),
    SECRET_BOT_PASSWORD: optionalNonEmpty,
    BOT_TENANT_ID: optionalNonEmpty,
    BOT_DOMAIN: optionalNonEmpty,
    // The tab's SSO audience is its app ID URI, api://<TAB_DOMAIN>/botid-<BOT_ID> (the manifest's
    // webApplicationInfo.resource); TAB_SSO_AUDIENCES adds others (comma-separated), e.g. after a move.
    TAB_DOMAIN: optionalNonEmpty,
    TAB_SSO_AUDIENCES: optionalNonEmpty,
  })
  .superRefine((c, ctx) => {
    if ((c.GRAPH_BASE_URL === undefined) !== (c.AUTHORITY_HOST === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.GRAPH_BASE_URL === undefined ? 'GRAPH_BASE_URL' : 'AUTHORITY_HOST'],
        message: 'set GRAPH_BASE_URL and AUTHORITY_HOST together, or neither (to use the tenant simulator)',
      });
    }
    if (c.STORE === 'cosmos' && !c.COSMOS_ENDPOINT) {
      ctx.addIssue({ code: 'custom', path: ['COSMOS_ENDPOINT'], message: 'is required when STORE=cosmos' });
    }
    if (c.STORE === 'cosmos' && !c.SECRET_COSMOS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_COSMOS_KEY'], message: 'is required when STORE=cosmos' });
    }
    if (c.BLOB_STORE === 'azure' && !c.SECRET_AZURE_STORAGE_CONNECTION_STRING) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET_AZURE_STORAGE_CONNECTION_STRING'],
        message: 'is required when BLOB_STORE=azure',
      });
    }
    if (c.BOT_ID && !c.SECRET_BOT_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET_BOT_PASSWORD'],
        message: 'is required when BOT_ID is set',
      });
    }
  });

export type RawConfig = z.infer<typeof schema>;

export interface AppConfig {
  envName: string;
  host: string;
  port: number;
  dataDir: string;
  logLevel: RawConfig['LOG_LEVEL'];
  /** Undefined means "no tenant configured": the launcher starts the simulator. */
  microsoft?: { graphBaseUrl: string; authorityHost: string };
  store:
    { kind: 'sqlite'; file: string } | { kind: 'cosmos'; endpoint: string; key: string; database: string };
  blobs: { kind: 'fs'; dir: string } | { kind: 'azure'; connectionString: string; container: string };
  sealing: { kind: 'key'; key: Buffer } | { kind: 'keyFile'; file: string };
  bot?: { appId: string; password: string; tenantId?: string; domain?: string };
  /**
   * Which SSO tokens the tab API accepts. `teams`: a bot is configured, so Teams issues tokens for
   * the tab's app ID URI (or, in v1 tokens, the app id). `local`: no bot; only the local demo's
   * tokens, issued by the tenant simulator for `LOCAL_TAB_AUDIENCE`.
   */
  tabSso: { mode: 'teams' | 'local'; audiences: string[] };
  /**
   * Where browsers reach this server (`https://<TAB_DOMAIN>`), when the tab's domain is configured:
   * links handed out of a browser's context (the bot's export downloads) start with it.
   */
  publicUrl?: string;
}

/** The audience of the local demo's SSO tokens (no bot, no Teams: the simulator issues them). */
export const LOCAL_TAB_AUDIENCE = 'api://localhost/chatvault-local-tab';

export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; problem: string }[]) {
    super(
      'Configuration is not valid:\n' +
        problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n') +
        '\nSet these in env/.env.<name>, env/.env.<name>.user or the environment.',
    );
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** The process environment; tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /** Project root holding `env/`. */
  root?: string;
}

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const processEnv = options.env ?? process.env;
  const root = options.root ?? process.cwd();
  const envName = processEnv.CHATVAULT_ENV ?? processEnv.TEAMSFX_ENV ?? 'local';
  const merged: Record<string, string | undefined> = {
    ...readEnvFile(join(root, 'env', `.env.${envName}`)),
    ...readEnvFile(join(root, 'env', `.env.${envName}.user`)),
    ...processEnv,
    CHATVAULT_ENV: envName,
  };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(config)'), problem: i.message })),
    );
  }
  return toAppConfig(parsed.data, root);
}

function tabSso(c: RawConfig): AppConfig['tabSso'] {
  const extra = (c.TAB_SSO_AUDIENCES ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  if (!c.BOT_ID) return { mode: 'local', audiences: [...new Set([LOCAL_TAB_AUDIENCE, ...extra])] };
  const appIdUri = c.TAB_DOMAIN ? [`api://${c.TAB_DOMAIN}/botid-${c.BOT_ID}`] : [];
  return { mode: 'teams', audiences: [...new Set([...appIdUri, c.BOT_ID, ...extra])] };
}

function readEnvFile(file: string): Record<string, string> {
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

function toAppConfig(c: RawConfig, root: string): AppConfig {
  const dataDir = isAbsolute(c.DATA_DIR) ? c.DATA_DIR : resolve(root, c.DATA_DIR);
  return {
    envName: c.CHATVAULT_ENV,
    host: c.HOST,
    port: c.PORT,
    dataDir,
    logLevel: c.LOG_LEVEL,
    microsoft:
      c.GRAPH_BASE_URL && c.AUTHORITY_HOST
        ? { graphBaseUrl: c.GRAPH_BASE_URL, authorityHost: c.AUTHORITY_HOST }
        : undefined,
    store:
      c.STORE === 'cosmos'
        ? {
            kind: 'cosmos',
            endpoint: c.COSMOS_ENDPOINT!,
            key: c.SECRET_COSMOS_KEY!,
            database: c.COSMOS_DATABASE,
          }
        : { kind: 'sqlite', file: join(dataDir, 'chatvault.sqlite') },
    blobs:
      c.BLOB_STORE === 'azure'
        ? {
            kind: 'azure',
            connectionString: c.SECRET_AZURE_STORAGE_CONNECTION_STRING!,
            container: c.BLOB_CONTAINER,
          }
        : { kind: 'fs', dir: join(dataDir, 'blobs') },
    sealing: c.SECRET_SEALING_KEY
      ? { kind: 'key', key: Buffer.from(c.SECRET_SEALING_KEY, 'base64') }
      : { kind: 'keyFile', file: join(dataDir, 'sealing.key') },
    bot: c.BOT_ID
      ? { appId: c.BOT_ID, password: c.SECRET_BOT_PASSWORD!, tenantId: c.BOT_TENANT_ID, domain: c.BOT_DOMAIN }
      : undefined,
    tabSso: tabSso(c),
    publicUrl: c.TAB_DOMAIN ? `https://${c.TAB_DOMAIN}` : undefined,
  };
}
