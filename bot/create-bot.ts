import { randomBytes } from 'node:crypto';
import type { CloudAdapter } from 'botbuilder';
import type { AppConfig } from '../backend/config/config';
import type { NoticeSender } from '../backend/notifications/notice-sender';
import type { HttpMount } from '../backend/server/http-server';
import { createBotAdapter, describeBotMode, type BotMode } from './bot-adapter';
import { createBotMount } from './bot-mount';
import type { BotServices } from './bot-services';
import { CardActionTokens } from './card-action-token';
import { ChatVaultActivityHandler } from './chatvault-bot';
import { LiveStatusCards } from './live-status-cards';
import { TeamsNoticeSender } from './teams-notice-sender';

export interface ChatVaultBotOptions {
  config: Pick<AppConfig, 'bot' | 'host'>;
  services: BotServices;
  /**
   * Signs card buttons (at least 32 bytes). Give one that outlives the process (e.g. derived from
   * the sealing key) so cards keep working after a restart; without it a random one is made and
   * cards sent before a restart answer "out of date".
   */
  actionSecret?: Uint8Array;
  /** Least time between two in-place updates of one status card (default 5 s). */
  liveUpdateIntervalMs?: number;
}

/** Everything the composition root wires: the route, proactive sends, and the adapter itself. */
export interface ChatVaultBot {
  mode: BotMode;
  /** The bot's Microsoft App ID ('' in local mode): what `continueConversationAsync` takes. */
  botAppId: string;
  adapter: CloudAdapter;
  handler: ChatVaultActivityHandler;
  /** POST /api/messages, for `createHttpServer({ mounts })`. */
  mount: HttpMount;
  /** For the notifier (backend/notifications): sends notice cards to stored conversations. */
  noticeSender: NoticeSender;
  /** One line for the start banner: which mode the bot runs in. */
  startupLine: string;
  /** Stops following status cards (waits for updates being sent). */
  close(): Promise<void>;
}

/**
 * Builds the bot. Throws BotSetupError when no bot identity is configured and the server would
 * listen beyond loopback (local mode authenticates nothing).
 */
export function createChatVaultBot(options: ChatVaultBotOptions): ChatVaultBot {
  const { services } = options;
  const logger = services.logger.child({ component: 'bot' });
  const { adapter, mode, botAppId } = createBotAdapter(options.config, logger);
  const startupLine = describeBotMode(mode);
  if (mode.kind === 'local') logger.warn(startupLine);
  else logger.info(startupLine);

  if (!options.actionSecret)
    logger.warn('no card action secret given: cards sent before a restart will not work after it');
  const tokens = new CardActionTokens(options.actionSecret ?? randomBytes(32), services.clock);
  const live = new LiveStatusCards({
    adapter,
    botAppId,
    services: { ...services, logger },
    tokens,
    ...(options.liveUpdateIntervalMs !== undefined ? { minIntervalMs: options.liveUpdateIntervalMs } : {}),
  });
  live.start();
  const handler = new ChatVaultActivityHandler({ services: { ...services, logger }, tokens, live });
  return {
    mode,
    botAppId,
    adapter,
    handler,
    mount: createBotMount({ adapter, bot: handler, mode, logger }),
    noticeSender: new TeamsNoticeSender({ adapter, botAppId, tokens, logger }),
    startupLine,
    close: () => live.stop(),
  };
}
