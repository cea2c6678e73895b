import assert from 'node:assert/strict';
import type { RunRecord } from '../../backend/store/backup-records';
import type { TenantAdmin } from '../../backend/governance/tenant-admins';
import type { Notice } from '../../backend/notifications/notice';
import type { CardArgs, CardVerb } from '../card-action-token';
import { adaptiveCardProblems } from '../testing/adaptive-card-check';
import { APP_ID, BotHarness, EXPIRED_SECRET, GOOD_SECRET, TENANT_A, cardText } from '../testing/bot-harness';
import { adminsCard } from '../views/admins-view';
import { connectCard } from '../views/connect-view';
import { exportCard, exportFormCard } from '../views/export-view';
import { helpCard } from '../views/help-view';
import { historyCard } from '../views/history-view';
import { noticeCard } from '../views/notice-views';
import { scheduleCard } from '../views/schedule-view';
import { statusCard, type StatusFacts } from '../views/status-view';
import { welcomeCard } from '../views/welcome-view';
import { CARD_TEMPLATES, renderCard, type AdaptiveCardJson } from './card-templates';

const ACTOR = { kind: 'user' as const, id: '5f6a1d0e-0000-4000-8000-000000000001', name: 'Ada' };
const sign = async (verb: CardVerb, args: CardArgs = {}) => `token:${verb}:${JSON.stringify(args)}`;

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    tenantId: TENANT_A,
    runId: 'run-7',
    trigger: { kind: 'manual', by: { userId: ACTOR.id, displayName: 'Ada' } },
    startedAt: '2026-05-01T09:00:00.000Z',
    updatedAt: '2026-05-01T09:20:00.000Z',
    finishedAt: '2026-05-01T09:20:00.000Z',
    status: 'finished',
    outcome: 'succeeded',
    phase: 'finishing',
    percent: 100,
    counters: {
      users: 12,
      chats: 40,
      messagesNew: 1500,
      messagesChanged: 20,
      messagesDeleted: 3,
      versions: 1523,
      blobs: 4,
      bytes: 2_500_000,
      requests: 300,
      throttled: 2,
    },
    errors: [],
    ...overrides,
  };
}

const admin = (n: number, via: TenantAdmin['via']): TenantAdmin => ({
  tenantId: TENANT_A,
  userId: `5f6a1d0e-0000-4000-8000-00000000000${n}`,
  displayName: `Person ${n}`,
  userPrincipalName: `person${n}@contoso.test`,
  addedAt: '2026-04-01T08:00:00.000Z',
  addedBy: ACTOR,
  via,
});

describe('card templates', function () {
  this.timeout(30_000);
  let h: BotHarness;
  beforeEach(() => {
    h = new BotHarness();
  });
  afterEach(() => h.close());

  /** Every card the bot makes, in the states it shows, with its template's name. */
  async function everyCard(): Promise<[string, AdaptiveCardJson][]> {
    const tenant = { tenantId: TENANT_A, source: 'teams-activity' as const };
    const failed = await h.connection.testAndSave(tenant, { appId: APP_ID, secret: EXPIRED_SECRET }, ACTOR);
    const badInput = await h.connection.testAndSave(tenant, { appId: TENANT_A, secret: '' }, ACTOR);
    const ok = await h.connection.testAndSave(tenant, { appId: APP_ID, secret: GOOD_SECRET }, ACTOR);
    const connection = await h.connection.status(TENANT_A);
    const failing: StatusFacts['connection'] = {
      ...connection,
      status: 'failing',
      failing: {
        since: '2026-04-30T10:00:00.000Z',
        code: 'consent_missing',
        step: 'setup-12',
        stepTitle: 'Setup The Registered Application, step 12 (Grant admin consent)',
        message: 'Admin consent is missing.',
      },
    };
    const schedule = {
      schedule: { enabled: true, incrementalEveryMinutes: 60, fullEveryDays: 7 },
      nextRunAt: '2026-05-01T11:00:00.000Z',
    };
    const partial = run({
      outcome: 'partial',
      errors: [
        { kind: 'graph_forbidden', count: 3, examples: [] },
        { kind: 'user_unlicensed', count: 1, examples: [] },
        { kind: 'something_new', count: 1, examples: [] },
      ],
    });
    const notices: Notice[] = [
      { kind: 'run-finished', tenantId: TENANT_A, run: run() },
      { kind: 'run-problem', tenantId: TENANT_A, run: partial },
      {
        kind: 'run-problem',
        tenantId: TENANT_A,
        run: run({ outcome: 'failed', errors: [{ kind: 'graph_unauthorized', count: 1, examples: [] }] }),
      },
      { kind: 'run-problem', tenantId: TENANT_A, run: run({ outcome: 'cancelled' }) },
      {
        kind: 'secret-expiring',
        tenantId: TENANT_A,
        appId: APP_ID,
        expiresAt: '2026-05-31T10:00:00.000Z',
        daysLeft: 30,
      },
      {
        kind: 'secret-expiring',
        tenantId: TENANT_A,
        appId: APP_ID,
        expiresAt: '2026-05-02T10:00:00.000Z',
        daysLeft: 1,
      },
      {
        kind: 'connection-failing',
        tenantId: TENANT_A,
        code: 'consent_missing',
        message:
          'The app has no permission granted yet. (Guide: Setup The Registered Application, step 12 (Grant admin consent).)',
        step: 'setup-12',
        since: '2026-04-30T10:00:00.000Z',
      },
      {
        kind: 'connection-failing',
        tenantId: TENANT_A,
        code: 'unexpected',
        message: 'Something odd.',
        step: null,
        since: '2026-04-30T10:00:00.000Z',
      },
    ];
    const active = {
      run: run({
        status: 'running',
        outcome: undefined,
        finishedAt: undefined,
        percent: 42,
        phase: 'reading messages',
      }),
      mode: 'full' as const,
    };
    const cards: [string, AdaptiveCardJson][] = [
      ['welcome', await welcomeCard(TENANT_A, sign)],
      ['connect', await connectCard({ tenantId: TENANT_A }, sign)],
      ['connect', await connectCard({ tenantId: TENANT_A, appId: APP_ID, report: failed }, sign)],
      ['connect', await connectCard({ tenantId: TENANT_A, report: badInput }, sign)],
      [
        'connect',
        await connectCard(
          { tenantId: TENANT_A, report: ok, becameFirstAdmin: true, adminActions: true },
          sign,
        ),
      ],
      [
        'connect',
        await connectCard({ tenantId: TENANT_A, problem: 'The card sent values of the wrong kind.' }, sign),
      ],
      [
        'status',
        await statusCard(
          {
            now: h.clock.now(),
            connection: { tenantId: TENANT_A, status: 'inactive' },
            backup: { tenantId: TENANT_A },
            schedule,
          },
          sign,
        ),
      ],
      [
        'status',
        await statusCard(
          {
            now: h.clock.now(),
            connection,
            backup: { tenantId: TENANT_A, active, last: run() },
            schedule,
            totals: { messages: 10, versions: 12, deleted: 1 },
            notice: 'Backup started.',
          },
          sign,
        ),
      ],
      [
        'status',
        await statusCard(
          {
            now: h.clock.now(),
            connection: failing,
            backup: { tenantId: TENANT_A, last: partial },
            schedule: { schedule: { ...schedule.schedule, enabled: false } },
          },
          sign,
        ),
      ],
      ['history', await historyCard([], sign)],
      [
        'history',
        await historyCard(
          [
            active.run,
            run(),
            partial,
            run({ trigger: { kind: 'schedule' } }),
            run({ trigger: { kind: 'cli' } }),
          ],
          sign,
        ),
      ],
      ['schedule', await scheduleCard(schedule, sign)],
      [
        'schedule',
        await scheduleCard(
          {
            schedule: { ...schedule.schedule, enabled: false },
            result: { ok: false, message: 'Not saved.' },
          },
          sign,
        ),
      ],
      ['admins', await adminsCard({ admins: [admin(1, 'first-connect')] }, sign)],
      [
        'admins',
        await adminsCard(
          {
            admins: [admin(1, 'first-connect'), admin(2, 'added'), admin(3, 'added')],
            result: { ok: true, message: 'Added.' },
          },
          sign,
        ),
      ],
      ['help', await helpCard({ isAdmin: true, tenantHasAdmins: true, scope: 'channel' }, sign)],
      ['help', await helpCard({ isAdmin: true, tenantHasAdmins: true, scope: 'groupChat' }, sign)],
      ['help', await helpCard({ isAdmin: false, tenantHasAdmins: false, scope: 'personal' }, sign)],
      ['help', await helpCard({ isAdmin: false, tenantHasAdmins: true, scope: 'personal' }, sign)],
      ['export-form', await exportFormCard(sign)],
    ];
    const link = {
      url: 'https://chatvault.contoso.test/api/v1/recovery/downloads?t=abc',
      expiresAt: '2026-05-01T10:15:00.000Z',
    };
    for (const [request, fileName] of [
      [{ scope: { kind: 'chat', chatId: '19:abc_def@unq.gbl.spaces' }, format: 'html' }, 'a.html'],
      [{ scope: { kind: 'chat', chatId: '19:abc@thread.v2' }, format: 'json' }, 'a.json'],
      [
        { scope: { kind: 'user', user: 'ada@contoso.test' }, format: 'json', at: '2026-03-02T08:00:00.000Z' },
        'x.zip',
      ],
      [{ scope: { kind: 'all' }, format: 'html' }, 'x.zip'],
    ] as const)
      cards.push(['export', exportCard({ request, link: { ...link, fileName }, now: h.clock.now() })]);
    for (const notice of notices) cards.push([`notice-${notice.kind}`, await noticeCard(notice, sign)]);
    return cards;
  }

  it('renders every card, in every state, as a valid Adaptive Card 1.5 with signed buttons', async () => {
    const cards = await everyCard();
    const covered = new Set(cards.map(([name]) => name));
    assert.deepEqual([...covered].sort(), Object.keys(CARD_TEMPLATES).sort(), 'every template is rendered');
    for (const [name, card] of cards)
      assert.deepEqual(adaptiveCardProblems(card), [], `${name}: ${JSON.stringify(card)}`);
  });

  it('finds what breaks a card: unknown types, bad values, typos, unfilled fields, unsigned buttons', () => {
    const broken = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlok', text: 'x' },
        { type: 'TextBlock', text: '${missing}', color: 'Purple' },
        { type: 'TextBlock', text: 'typo', wieght: 'Bolder' },
        { type: 'Input.Text', id: 'a', isRequired: true },
        {
          type: 'Input.Text',
          id: 'a',
          label: 'A',
          isRequired: true,
          errorMessage: 'e',
          style: 'Password',
          value: 'x',
        },
      ],
      actions: [
        { type: 'Action.Execute', title: 'Go', verb: 'delete.everything', data: { t: 'x' } },
        { type: 'Action.Execute', title: 'Go', verb: 'status', data: {} },
        { type: 'Action.OpenUrl', title: 'Open', url: '/api/v1/recovery/downloads?t=x' },
      ],
    };
    const problems = adaptiveCardProblems(broken).join('\n');
    for (const expected of [
      /Unknown element type "TextBlok"/,
      /Invalid value "Purple"/,
      /dropped by the parser: .body\[2\]\.wieght/,
      /Duplicate Id "a"/,
      /Required inputs should have a label/,
      /unfilled expression/,
      /unknown verb .*delete\.everything/,
      /no token at .actions\[1\]/,
      /not an https url at .actions\[2\]/,
      /password field with a value/,
    ])
      assert.match(problems, expected);
  });

  it('fills the welcome card with the three parts of the guide, each linked to the tenant in Entra', async () => {
    const card = await welcomeCard(TENANT_A, sign);
    const text = cardText(card);
    assert.match(text, /1\. Register the app/);
    assert.match(text, /2\. Create a client secret and copy its Value/);
    assert.match(text, /3\. Add the permissions and grant admin consent/);
    assert.match(text, /Chat\.Read\.All.*Chat\.ReadWrite\.All/s);
    const urls = JSON.stringify(card).match(/https:\/\/entra\.microsoft\.com\/[^"]+/g) ?? [];
    assert.equal(urls.length, 3);
    for (const url of urls) assert.ok(url.startsWith(`https://entra.microsoft.com/${TENANT_A}/#view/`), url);
    assert.ok(urls.some((u) => u.includes('CreateApplicationBlade')));
  });

  it("links the connect card to the app's own pages once its Application ID is known", async () => {
    const card = JSON.stringify(await connectCard({ tenantId: TENANT_A, appId: APP_ID }, sign));
    assert.match(card, new RegExp(`ApplicationMenuBlade/~/Credentials/appId/${APP_ID}`));
    assert.match(card, new RegExp(`ApplicationMenuBlade/~/CallAnAPI/appId/${APP_ID}`));
  });

  it('keeps the template language out of the data: a value with ${…} is shown as it is', () => {
    const card = renderCard('schedule', {
      result: { shown: true, ok: false, message: 'Not saved: ${tokens.save}' },
      summary: 's',
      enabled: 'true',
      minMinutes: 5,
      incrementalEveryMinutes: 60,
      fullEveryDays: 7,
      tokens: { save: 'secret-token', status: 'x' },
    });
    assert.match(cardText(card), /Not saved: \$\{tokens\.save\}/);
  });
});
