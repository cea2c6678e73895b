import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { Logger } from '../backend/observability/logger';
import type { HttpMount } from '../backend/server/http-server';
import { isLoopbackAddress, type BotMode } from './bot-adapter';

export const BOT_MESSAGES_PATH = '/api/messages';

export interface BotMountDeps {
  adapter: Pick<CloudAdapter, 'process'>;
  bot: Pick<ActivityHandler, 'run'>;
  mode: BotMode;
  logger: Logger;
}

/**
 * POST /api/messages on the shared server. The adapter authenticates each request in
 * authenticated mode; in local mode, where nothing is authenticated, only requests from this
 * machine are taken, and only with a service URL on this machine (the bot posts its answers
 * there, so a foreign one would make it send to anywhere).
 */
export function createBotMount(deps: BotMountDeps): HttpMount {
  return (server) => {
    server.post(BOT_MESSAGES_PATH, async (req: Request, res: Response) => {
      if (deps.mode.kind === 'local') {
        const refusal = localRefusal(req);
        if (refusal) {
          deps.logger.warn({ refusal }, 'bot request refused in local mode');
          res.send(403, { error: { code: 'local_mode', message: refusal } });
          return;
        }
      }
      try {
        await deps.adapter.process(req, res, (context) => deps.bot.run(context));
      } catch (error) {
        // The adapter answers what it can; this is a body it could not even read as an activity.
        deps.logger.warn({ error: { name: (error as Error)?.name } }, 'bot request not processed');
        if (!res.headersSent)
          res.send(400, { error: { code: 'invalid_activity', message: 'Not a Bot Framework activity.' } });
      }
    });
  };
}

function localRefusal(req: Request): string | undefined {
  if (!isLoopbackAddress(req.socket?.remoteAddress))
    return 'The bot runs without a bot identity and takes requests from this machine only.';
  const serviceUrl = (req.body as { serviceUrl?: unknown } | undefined)?.serviceUrl;
  if (typeof serviceUrl !== 'string') return undefined;
  let host: string;
  try {
    host = new URL(serviceUrl).hostname;
  } catch {
    return 'The activity names no valid service URL.';
  }
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || isLoopbackAddress(bare)
    ? undefined
    : 'The bot runs without a bot identity and answers only to a service on this machine.';
}
