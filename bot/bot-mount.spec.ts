import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningHttpServer } from '../backend/server/http-server';
import { BotSetupError, isLoopbackAddress, isLoopbackHost } from './bot-adapter';
import { createChatVaultBot, type ChatVaultBot } from './create-bot';
import { adaptiveCardProblems } from './testing/adaptive-card-check';
import { ADA, BOT_ID, BotHarness, TENANT_A, cardText, findAction } from './testing/bot-harness';

/** A stand-in for the Bot Connector on loopback: records what the bot posts, answers 200. */
async function startConnector(): Promise<{
  url: string;
  posts: Record<string, unknown>[];
  close(): Promise<void>;
}> {
  const posts: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posts.push(JSON.parse(body || '{}'));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${posts.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function activity(serviceUrl: string, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    channelId: 'msteams',
    serviceUrl,
    id: 'incoming-1',
    from: { id: `29:${ADA.userId}`, aadObjectId: ADA.userId, name: ADA.name },
    recipient: { id: BOT_ID, name: 'ChatVault' },
    conversation: { id: 'a:1personal-ada', conversationType: 'personal', tenantId: TENANT_A },
    channelData: { tenant: { id: TENANT_A } },
    ...fields,
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('the bot on the HTTP server', function () {
  this.timeout(30_000);
  let h: BotHarness;
  let bot: ChatVaultBot;
  let http: RunningHttpServer;
  let connector: Awaited<ReturnType<typeof startConnector>>;

  async function serve(config: Parameters<typeof createChatVaultBot>[0]['config']): Promise<string> {
    bot = createChatVaultBot({ config, services: h.services, actionSecret: randomBytes(32) });
    // restify patches Node's http prototypes when loaded: only where a server really starts.
    const { createHttpServer, listen } =
      require('../backend/server/http-server') as typeof import('../backend/server/http-server');
    http = await listen(createHttpServer({ logger: h.logger, mounts: [bot.mount] }), '127.0.0.1', 0);
    return `${http.url}/api/messages`;
  }

  beforeEach(async () => {
    h = new BotHarness();
    connector = await startConnector();
  });
  afterEach(async () => {
    await http?.close();
    await bot?.close();
    await connector.close();
    await h.close();
  });

  describe('in local mode (no bot identity)', () => {
    it('answers a message from this machine through the service URL it names, and says it is local', async () => {
      const endpoint = await serve({ host: '127.0.0.1' });
      assert.match(bot.startupLine, /LOCAL MODE.*not authenticated.*loopback/);
      assert.ok(
        h.logLines.some((l) => l.includes('LOCAL MODE')),
        'said at start',
      );
      const answer = await post(endpoint, activity(connector.url, { type: 'message', text: 'help' }));
      assert.equal(answer.status, 200);
      assert.equal(connector.posts.length, 1);
      const card = (connector.posts[0]!.attachments as { content: unknown }[])[0]!.content;
      assert.deepEqual(adaptiveCardProblems(card), []);
      assert.match(cardText(card), /What ChatVault can do/);
    });

    it('returns the card of a button press in the HTTP response (the invoke response)', async () => {
      const endpoint = await serve({ host: '127.0.0.1' });
      await post(endpoint, activity(connector.url, { type: 'message', text: 'connect' }));
      const form = (connector.posts[0]!.attachments as { content: unknown }[])[0]!.content;
      const save = findAction(form, 'connect.save')!;
      const answer = await post(
        endpoint,
        activity(connector.url, {
          type: 'invoke',
          name: 'adaptiveCard/action',
          value: {
            action: {
              type: 'Action.Execute',
              verb: 'connect.save',
              data: { ...(save.data as object), appId: '', secret: '' },
            },
          },
        }),
      );
      assert.equal(answer.status, 200);
      assert.equal(answer.body?.type, 'application/vnd.microsoft.card.adaptive');
      assert.match(cardText(answer.body?.value), /Enter the Application ID/);
    });

    it('refuses an activity whose service URL is not on this machine, and sends nothing anywhere', async () => {
      const endpoint = await serve({ host: '127.0.0.1' });
      const answer = await post(
        endpoint,
        activity('https://smba.trafficmanager.net/teams/', { type: 'message', text: 'help' }),
      );
      assert.equal(answer.status, 403);
      assert.equal(connector.posts.length, 0);
    });

    it('refuses to start beyond loopback', () => {
      assert.throws(
        () => createChatVaultBot({ config: { host: '0.0.0.0' }, services: h.services }),
        BotSetupError,
      );
      assert.throws(
        () => createChatVaultBot({ config: { host: '192.168.1.10' }, services: h.services }),
        /only on loopback/,
      );
    });

    it('tells loopback hosts and addresses from the rest', () => {
      for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'])
        assert.ok(isLoopbackHost(host), host);
      for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) assert.ok(!isLoopbackHost(host), host);
      assert.ok(isLoopbackAddress('::ffff:127.0.0.1'));
      assert.ok(!isLoopbackAddress(undefined));
    });
  });

  describe('with a bot identity', () => {
    const identity = {
      host: '0.0.0.0',
      bot: { appId: '11111111-2222-4333-8444-555555555555', password: 'not-used-here' },
    };

    it('rejects a request without a Bot Framework token, or with a token of no known issuer', async () => {
      const endpoint = await serve(identity);
      assert.match(bot.startupLine, /authenticated for bot 11111111-2222-4333-8444-555555555555/);
      const body = activity(connector.url, { type: 'message', text: 'help' });
      assert.equal((await post(endpoint, body)).status, 401);
      const forged = [
        'eyJhbGciOiJIUzI1NiJ9',
        Buffer.from(JSON.stringify({ iss: 'https://evil.test', aud: identity.bot.appId })).toString(
          'base64url',
        ),
        'sig',
      ].join('.');
      assert.equal((await post(endpoint, body, { authorization: `Bearer ${forged}` })).status, 401);
      assert.equal(connector.posts.length, 0, 'nothing answered');
    });
  });
});
