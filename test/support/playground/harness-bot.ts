import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type TurnContext,
} from 'botbuilder';

/**
 * A tiny bot that proves the Playground harness, not ChatVault: it welcomes on install, echoes text,
 * shows a connect card (Adaptive Card 1.5, password input, Action.Execute) and a progress card that
 * a later message updates in place. It runs on plain node:http (restify patches Node's http
 * prototypes when loaded) behind a CloudAdapter with no app id, which the Playground answers without
 * any Microsoft sign-in.
 */
export interface HarnessBot {
  /** Its messaging endpoint on loopback. */
  endpoint: string;
  /** Every activity the bot received, in order. */
  received: Partial<Activity>[];
  /** The `action.data` of every Action.Execute it received. */
  executed: Record<string, unknown>[];
  /** Outcome of each updateActivity the bot made. */
  updates: { activityId: string; ok: boolean; error?: string }[];
  /** Errors any turn ended with. */
  errors: string[];
  close(): Promise<void>;
}

export const HARNESS_TEXT = {
  welcome: 'Welcome to the harness bot',
  connectTitle: 'Connect the harness',
  appIdLabel: 'Application (client) ID',
  secretLabel: 'Client secret',
  connectAction: 'Test & Save',
  progressStarted: 'Backup progress: 0 of 3 chats',
  progressDone: 'Backup progress: 3 of 3 chats, finished',
} as const;

const CARD_VERSION = '1.5';

type CardJson = Record<string, unknown>;

function card(body: object[], actions: object[] = []): CardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: CARD_VERSION,
    body,
    ...(actions.length > 0 ? { actions } : {}),
  };
}

function connectCard(): CardJson {
  return card(
    [
      { type: 'TextBlock', text: HARNESS_TEXT.connectTitle, weight: 'Bolder', wrap: true },
      { type: 'Input.Text', id: 'appId', label: HARNESS_TEXT.appIdLabel, isRequired: true },
      {
        type: 'Input.Text',
        id: 'secret',
        label: HARNESS_TEXT.secretLabel,
        style: 'Password',
        isRequired: true,
      },
    ],
    [
      {
        type: 'Action.Execute',
        title: HARNESS_TEXT.connectAction,
        verb: 'connect',
        data: { step: 'connect' },
      },
    ],
  );
}

/** Never echoes the secret: the card says only that one arrived. */
function connectedCard(appId: string, hadSecret: boolean): CardJson {
  return card([
    { type: 'TextBlock', text: `Connected application ${appId}`, weight: 'Bolder', wrap: true },
    { type: 'TextBlock', text: hadSecret ? 'A secret was received.' : 'No secret was received.', wrap: true },
  ]);
}

function progressCard(text: string): CardJson {
  return card([{ type: 'TextBlock', text, wrap: true }]);
}

class HarnessActivityHandler extends TeamsActivityHandler {
  private lastProgressId: string | undefined;

  constructor(private readonly bot: Pick<HarnessBot, 'received' | 'executed' | 'updates' | 'errors'>) {
    super();
    this.onTurn(async (context, next) => {
      this.bot.received.push(context.activity);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient.id;
      if ((context.activity.membersAdded ?? []).some((member) => member.id === botId)) {
        await context.sendActivity(HARNESS_TEXT.welcome);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.answer(context);
      await next();
    });
  }

  private async answer(context: TurnContext): Promise<void> {
    const text = messageText(context);
    switch (text) {
      case 'connect':
        await context.sendActivity({ attachments: [CardFactory.adaptiveCard(connectCard())] });
        return;
      case 'progress': {
        const sent = await context.sendActivity({
          attachments: [CardFactory.adaptiveCard(progressCard(HARNESS_TEXT.progressStarted))],
        });
        this.lastProgressId = sent?.id;
        return;
      }
      case 'finish':
        await this.finishProgress(context);
        return;
      default:
        await context.sendActivity(`echo: ${text}`);
    }
  }

  private async finishProgress(context: TurnContext): Promise<void> {
    const activityId = this.lastProgressId;
    if (!activityId) {
      await context.sendActivity('No progress card to update.');
      return;
    }
    try {
      await context.updateActivity({
        id: activityId,
        type: 'message',
        attachments: [CardFactory.adaptiveCard(progressCard(HARNESS_TEXT.progressDone))],
      });
      this.bot.updates.push({ activityId, ok: true });
    } catch (error) {
      this.bot.updates.push({ activityId, ok: false, error: (error as Error).message });
    }
  }

  protected override async onAdaptiveCardInvoke(
    _context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    const data = (invokeValue.action.data ?? {}) as Record<string, unknown>;
    this.bot.executed.push(data);
    const appId = typeof data.appId === 'string' ? data.appId : '';
    const hadSecret = typeof data.secret === 'string' && data.secret.length > 0;
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: connectedCard(appId, hadSecret),
    };
  }
}

/** The message text without the bot's <at> mention (channel posts must mention the bot). */
function messageText(context: TurnContext): string {
  return (context.activity.text ?? '')
    .replace(/<at>[^<]*<\/at>/g, '')
    .trim()
    .toLowerCase();
}

/**
 * What CloudAdapter.process needs of a request and a response (Express/restify shapes), made from
 * node:http ones. The body is read and parsed here: CloudAdapter expects a framework to have done it.
 */
async function handle(
  adapter: CloudAdapter,
  handler: TeamsActivityHandler,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (req.method !== 'POST' || req.url?.split('?')[0] !== '/api/messages') {
    res.writeHead(req.url?.startsWith('/api/messages') ? 405 : 404).end();
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    res.writeHead(400).end();
    return;
  }
  const response = {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return response;
    },
    header(name: string, value: string) {
      res.setHeader(name, value);
      return response;
    },
    send(payload: unknown) {
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
        res.write(payload);
      } else {
        res.setHeader('content-type', 'application/json');
        res.write(JSON.stringify(payload));
      }
      return response;
    },
    end() {
      res.end();
      return response;
    },
  };
  await adapter.process({ body, headers: req.headers, method: req.method }, response, (context) =>
    handler.run(context),
  );
}

export async function startHarnessBot(): Promise<HarnessBot> {
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const state: Pick<HarnessBot, 'received' | 'executed' | 'updates' | 'errors'> = {
    received: [],
    executed: [],
    updates: [],
    errors: [],
  };
  const handler = new HarnessActivityHandler(state);
  adapter.onTurnError = async (context, error) => {
    state.errors.push(`${context.activity.type}: ${error.message}`);
  };
  const server: Server = createServer((req, res) => {
    handle(adapter, handler, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    ...state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
