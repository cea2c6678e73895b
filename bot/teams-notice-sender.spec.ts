import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../test/support/manual-clock';
import type { Notice } from '../backend/notifications/notice';
import { NoticeSendError } from '../backend/notifications/notice-sender';
import type { NotificationTarget } from '../backend/notifications/notification-targets';
import { silentLogger } from '../backend/observability/logger';
import type { RunRecord } from '../backend/store/backup-records';
import { createBotAdapter } from './bot-adapter';
import { CardActionTokens } from './card-action-token';
import { TeamsNoticeSender } from './teams-notice-sender';
import { adaptiveCardProblems } from './testing/adaptive-card-check';
import {
  ADA,
  APP_ID,
  BORIS,
  BotHarness,
  TENANT_A,
  TENANT_B,
  answerCard,
  answerText,
  cardOf,
  cardText,
  teamChannel,
} from './testing/bot-harness';

function finishedRun(outcome: RunRecord['outcome'], errors: RunRecord['errors'] = []): RunRecord {
  return {
    tenantId: TENANT_A,
    runId: 'run-9',
    trigger: { kind: 'schedule' },
    startedAt: '2026-05-01T09:00:00.000Z',
    updatedAt: '2026-05-01T09:30:00.000Z',
    finishedAt: '2026-05-01T09:30:00.000Z',
    status: 'finished',
    outcome,
    phase: 'finishing',
    percent: 100,
    counters: {
      users: 4,
      chats: 10,
      messagesNew: 120,
      messagesChanged: 3,
      messagesDeleted: 1,
      versions: 124,
      blobs: 0,
      bytes: 0,
      requests: 50,
      throttled: 0,
    },
    errors,
  };
}

const NOTICES: { notice: Notice; says: RegExp }[] = [
  {
    notice: { kind: 'run-finished', tenantId: TENANT_A, run: finishedRun('succeeded') },
    says: /Backup finished[\s\S]*120 new/,
  },
  {
    notice: {
      kind: 'run-problem',
      tenantId: TENANT_A,
      run: finishedRun('partial', [{ kind: 'graph_forbidden', count: 2, examples: [] }]),
    },
    says: /Backup partly done[\s\S]*Why[\s\S]*refused the app[\s\S]*What to do[\s\S]*Grant admin consent/,
  },
  {
    notice: {
      kind: 'run-problem',
      tenantId: TENANT_A,
      run: finishedRun('failed', [{ kind: 'graph_unauthorized', count: 1, examples: [] }]),
    },
    says: /Backup failed[\s\S]*expired or was replaced[\s\S]*new client secret/,
  },
  {
    notice: {
      kind: 'secret-expiring',
      tenantId: TENANT_A,
      appId: APP_ID,
      expiresAt: '2026-05-08T10:00:00.000Z',
      daysLeft: 7,
    },
    says: /expires in 7 days[\s\S]*new client secret/,
  },
  {
    notice: {
      kind: 'connection-failing',
      tenantId: TENANT_A,
      code: 'consent_missing',
      message:
        'The app has no permission granted yet: admin consent is missing. (Guide: Setup The Registered Application, step 12 (Grant admin consent).)',
      step: 'setup-12',
      since: '2026-04-30T10:00:00.000Z',
    },
    says: /connection is failing[\s\S]*admin consent is missing\.\nWhat to redo: Setup The Registered Application, step 12/,
  },
];

describe('TeamsNoticeSender', function () {
  this.timeout(30_000);

  describe('on the bot adapter', () => {
    let h: BotHarness;
    let sender: TeamsNoticeSender;
    let target: NotificationTarget;
    const channel = teamChannel(TENANT_A, 'Backups');

    beforeEach(async () => {
      h = new BotHarness();
      await h.connect(ADA);
      await h.makeAdmin(ADA);
      await h.say(ADA, 'subscribe', channel);
      target = (await h.targets.list(TENANT_A))[0]!;
      sender = new TeamsNoticeSender({
        adapter: h.adapter,
        botAppId: '',
        tokens: h.tokens,
        logger: h.logger,
      });
    });
    afterEach(() => h.close());

    it('sends each kind of notice as its card into the subscribed channel', async () => {
      for (const { notice, says } of NOTICES) {
        const before = h.queue().length;
        assert.equal(await sender.send(target, notice), 'sent');
        const sent = h.queue().slice(before);
        assert.equal(sent.length, 1);
        assert.equal(sent[0]!.conversation?.id, channel.channel!.id);
        const card = cardOf(sent[0]);
        assert.deepEqual(adaptiveCardProblems(card), [], notice.kind);
        assert.match(cardText(card), says, notice.kind);
      }
    });

    it("signs the card's buttons for that channel and tenant only", async () => {
      await sender.send(target, NOTICES[0]!.notice);
      const card = cardOf(h.queue().at(-1));
      const inThread = teamChannel(TENANT_A, 'Backups', '1714557600000');
      assert.match(
        cardText(answerCard(await h.press(ADA, card, 'status', {}, inThread))),
        /ChatVault status/,
      );
      await h.makeAdmin(BORIS);
      assert.match(answerText(await h.press(BORIS, card, 'status', {}, inThread)), /did not make this card/);
    });

    it('reports a target the bot was removed from as gone, and a 429 with its Retry-After', async () => {
      for (const status of [403, 404]) {
        h.adapter.failNext = Object.assign(new Error('Forbidden'), {
          statusCode: status,
          code: 'BotNotInConversationRoster',
        });
        assert.equal(await sender.send(target, NOTICES[0]!.notice), 'gone');
      }
      h.adapter.failNext = Object.assign(new Error('Too Many Requests'), {
        statusCode: 429,
        response: { status: 429, headers: new Map([['retry-after', '7']]) },
      });
      await assert.rejects(sender.send(target, NOTICES[0]!.notice), (e: unknown) => {
        assert.ok(e instanceof NoticeSendError);
        assert.equal(e.retryAfterMs, 7000);
        return true;
      });
      h.adapter.failNext = Object.assign(new Error('Bad Gateway'), { statusCode: 502 });
      await assert.rejects(sender.send(target, NOTICES[0]!.notice), (e: unknown) => {
        assert.ok(e instanceof NoticeSendError);
        assert.equal(e.retryAfterMs, undefined);
        return true;
      });
    });

    it('refuses to cross tenants, and drops a target whose stored reference is unusable', async () => {
      const foreign: Notice = { ...NOTICES[0]!.notice, tenantId: TENANT_B } as Notice;
      await assert.rejects(sender.send(target, foreign), /another tenant/);
      const mislabelled = {
        ...target,
        conversation: { ...target.conversation, conversation: { id: 'x', tenantId: TENANT_B } },
      };
      assert.equal(await sender.send(mislabelled, NOTICES[0]!.notice), 'gone');
      assert.equal(
        await sender.send({ ...target, conversation: { nothing: true } }, NOTICES[0]!.notice),
        'gone',
      );
      assert.equal(h.adapter.continued.length, 0, 'nothing was sent');
    });
  });

  describe('through CloudAdapter to a Bot Connector on loopback', () => {
    let connector: Server;
    let answer: { status: number; headers?: Record<string, string> };
    let received: { url: string; body: Record<string, unknown> }[];
    let sender: TeamsNoticeSender;
    let target: NotificationTarget;

    before(async () => {
      connector = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({ url: req.url ?? '', body: JSON.parse(body || '{}') });
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          res.end(
            JSON.stringify(
              answer.status < 300 ? { id: 'activity-1' } : { error: { code: 'X', message: 'no' } },
            ),
          );
        });
      });
      await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
      const port = (connector.address() as AddressInfo).port;
      const clock = new ManualClock('2026-05-01T10:00:00Z');
      const { adapter, botAppId } = createBotAdapter({ host: '127.0.0.1' }, silentLogger());
      sender = new TeamsNoticeSender({
        adapter,
        botAppId,
        tokens: new CardActionTokens(randomBytes(32), clock),
        logger: silentLogger(),
      });
      target = {
        tenantId: TENANT_A,
        targetId: 'channel-x',
        kind: 'channel',
        label: 'Ops > Backups',
        conversation: {
          channelId: 'msteams',
          serviceUrl: `http://127.0.0.1:${port}/`,
          conversation: {
            id: '19:backups@thread.tacv2',
            tenantId: TENANT_A,
            conversationType: 'channel',
            isGroup: true,
          },
          bot: { id: '28:chatvault-bot', name: 'ChatVault' },
        },
        addedAt: '2026-05-01T10:00:00.000Z',
        addedBy: { kind: 'user', id: ADA.userId },
      };
    });
    after(() => new Promise<void>((resolve) => connector.close(() => resolve())));
    beforeEach(() => {
      received = [];
    });

    it('posts the card to the conversation, and maps 403/404 to gone and 429 to a retryable error', async () => {
      answer = { status: 201 };
      assert.equal(await sender.send(target, NOTICES[0]!.notice), 'sent');
      assert.equal(received.length, 1);
      assert.match(received[0]!.url, /^\/v3\/conversations\/19%3Abackups%40thread\.tacv2\/activities/);
      const attachment = (received[0]!.body.attachments as { contentType: string; content: unknown }[])[0]!;
      assert.equal(attachment.contentType, 'application/vnd.microsoft.card.adaptive');
      assert.deepEqual(adaptiveCardProblems(attachment.content), []);

      for (const status of [403, 404]) {
        answer = { status };
        assert.equal(await sender.send(target, NOTICES[0]!.notice), 'gone', String(status));
      }
      // Retry-After 0: the connector client's own retries (it honours Retry-After) take no time here.
      answer = { status: 429, headers: { 'retry-after': '0' } };
      await assert.rejects(sender.send(target, NOTICES[0]!.notice), NoticeSendError);
    });
  });
});
