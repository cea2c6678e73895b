import { isIP } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { AppConfig } from '../backend/config/config';
import type { Logger } from '../backend/observability/logger';
import { SAY } from './refusals';

/**
 * `authenticated`: a bot identity is configured, and every request to /api/messages must carry a
 * Bot Framework token for it (CloudAdapter checks issuer, audience, signature and service URL).
 * `local`: no identity (the Agents Playground), nothing is authenticated, so the bot answers only
 * on and to this machine.
 */
export type BotMode = { kind: 'authenticated'; appId: string; singleTenant: boolean } | { kind: 'local' };

export class BotSetupError extends Error {
  readonly reason = 'local_mode_not_on_loopback';
  constructor(host: string) {
    super(
      `No bot identity is configured (BOT_ID), so the bot would accept unauthenticated requests; it runs like that only on loopback, and HOST is ${host}. Set HOST=127.0.0.1 for local use, or set BOT_ID and SECRET_BOT_PASSWORD.`,
    );
    this.name = 'BotSetupError';
  }
}

export function botModeFor(config: Pick<AppConfig, 'bot' | 'host'>): BotMode {
  if (config.bot)
    return { kind: 'authenticated', appId: config.bot.appId, singleTenant: Boolean(config.bot.tenantId) };
  if (!isLoopbackHost(config.host)) throw new BotSetupError(config.host);
  return { kind: 'local' };
}

/** The botbuilder adapter for the configured mode; its turn errors are logged without any content. */
export function createBotAdapter(
  config: Pick<AppConfig, 'bot' | 'host'>,
  logger: Logger,
): { adapter: CloudAdapter; mode: BotMode; botAppId: string } {
  const mode = botModeFor(config);
  const auth =
    mode.kind === 'authenticated'
      ? new ConfigurationBotFrameworkAuthentication({
          MicrosoftAppId: config.bot!.appId,
          MicrosoftAppPassword: config.bot!.password,
          MicrosoftAppType: mode.singleTenant ? 'SingleTenant' : 'MultiTenant',
          ...(config.bot!.tenantId ? { MicrosoftAppTenantId: config.bot!.tenantId } : {}),
        })
      : new ConfigurationBotFrameworkAuthentication({});
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    const e = error as { name?: unknown; code?: unknown; statusCode?: unknown };
    logger.error(
      {
        activityType: context.activity.type,
        error: { name: e?.name, code: e?.code, statusCode: e?.statusCode },
      },
      'bot turn failed',
    );
    if (context.activity.type === 'message') await context.sendActivity(SAY.failed).catch(() => undefined);
  };
  return { adapter, mode, botAppId: mode.kind === 'authenticated' ? mode.appId : '' };
}

export function describeBotMode(mode: BotMode): string {
  return mode.kind === 'authenticated'
    ? `Bot: /api/messages, authenticated for bot ${mode.appId} (${mode.singleTenant ? 'single tenant' : 'multi-tenant'})`
    : 'Bot: /api/messages in LOCAL MODE: no bot identity (BOT_ID) configured, requests are not authenticated and are accepted only from this machine (loopback). Use the Agents Playground; set BOT_ID and SECRET_BOT_PASSWORD for Teams.';
}

export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || isLoopbackAddress(h);
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1';
}
