import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { TestAdapter, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { ManualClock } from '../../test/support/manual-clock';
import { ScopeService } from '../../backend/backup/scope/scope-service';
import { ConnectionService } from '../../backend/connection/connection-service';
import type { ConnectionTester, TestRequest, TestVerdict } from '../../backend/connection/connection-tester';
import type { OutcomeCode, TestStage } from '../../backend/connection/outcomes';
import type { DirectoryPerson, UserDirectory } from '../../backend/directory/user-directory';
import { AdminService } from '../../backend/governance/admin-service';
import { AuditLog } from '../../backend/governance/audit-log';
import { NotificationService } from '../../backend/notifications/notification-service';
import { createLogger, type Logger } from '../../backend/observability/logger';
import { EnvelopeSealer } from '../../backend/secrets/envelope-sealer';
import { LocalKeyWrapper } from '../../backend/secrets/local-key-wrapper';
import { openSqlite } from '../../backend/store/sqlite/open-sqlite';
import type { BackupStore } from '../../backend/store/backup-store';
import { createSqliteBackupStore } from '../../backend/store/sqlite/sqlite-backup-store';
import { SqliteConnectionStore } from '../../backend/store/sqlite/sqlite-connection-store';
import { SqliteNotificationTargetStore } from '../../backend/store/sqlite/sqlite-notification-target-store';
import { SqliteTenantAdminStore } from '../../backend/store/sqlite/sqlite-tenant-admin-store';
import type { BotServices } from '../bot-services';
import { CardActionTokens } from '../card-action-token';
import type { AdaptiveCardJson } from '../cards/card-templates';
import { ChatVaultActivityHandler } from '../chatvault-bot';
import { LiveStatusCards } from '../live-status-cards';
import { FakeBackup } from './fake-backup';
import { FakeRecovery } from './fake-recovery';

export const TENANT_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
export const TENANT_B = 'bbbbbbbb-0000-4000-8000-00000000000b';
export const APP_ID = 'd0ef0cef-578e-411c-9c3d-3bf4ae424cb7';
/** Secrets the scripted tester knows, shaped like Entra's client secret Values. */
export const GOOD_SECRET = 'Qx8~goodGOOD0123456789.abcdefghij_klmnop';
export const EXPIRED_SECRET = 'Ex8~expiredEXP0123456789.abcdefghij_klm';
export const BOT_ID = '28:chatvault-bot';

export interface TestUser {
  tenantId: string;
  userId: string;
  name: string;
  upn: string;
}

function person(tenantId: string, n: number, name: string, domain: string): TestUser {
  return {
    tenantId,
    userId: `5f6a1d0e-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name,
    upn: `${name.toLowerCase()}@${domain}`,
  };
}

export const ADA = person(TENANT_A, 1, 'Ada', 'contoso.test');
export const GRACE = person(TENANT_A, 2, 'Grace', 'contoso.test');
export const LIN = person(TENANT_A, 3, 'Lin', 'contoso.test');
export const BORIS = person(TENANT_B, 4, 'Boris', 'fabrikam.test');

/** Where a turn happens. */
export interface Where {
  kind: 'personal' | 'channel' | 'groupChat';
  conversationId: string;
  team?: { id: string; name: string };
  channel?: { id: string; name?: string };
}

export function personalChat(user: TestUser): Where {
  return { kind: 'personal', conversationId: `a:1personal-${user.userId}` };
}

export function teamChannel(tenantId: string, name: string, thread?: string): Where {
  const hash = createHash('sha256').update(`${tenantId}/${name}`).digest('hex').slice(0, 24);
  const channelId = `19:${hash}@thread.tacv2`;
  return {
    kind: 'channel',
    conversationId: thread ? `${channelId};messageid=${thread}` : channelId,
    team: { id: `19:team-${hash}@thread.tacv2`, name: 'IT Operations' },
    channel: { id: channelId, name },
  };
}

export function groupChat(tenantId: string): Where {
  return { kind: 'groupChat', conversationId: `19:group-${tenantId}@thread.v2` };
}

/**
 * A TestAdapter that also continues conversations (TestAdapter rejects it): the proactive turn
 * runs on this adapter, so what it sends and updates lands in `activeQueue` like any reply. Like
 * the product's adapter it has a turn error handler that swallows what a turn throws.
 */
export class ProactiveTestAdapter extends TestAdapter {
  readonly continued: Partial<ConversationReference>[] = [];
  /** Thrown by the next send or update instead of it (a Bot Connector refusal). */
  failNext?: unknown;
  readonly turnErrors: unknown[] = [];

  constructor() {
    super();
    this.onTurnError = async (_context, error) => {
      this.turnErrors.push(error);
    };
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]) {
    this.throwIfFailing();
    return super.sendActivities(context, activities);
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>) {
    this.throwIfFailing();
    return super.updateActivity(context, activity);
  }

  private throwIfFailing(): void {
    if (this.failNext === undefined) return;
    const error = this.failNext;
    this.failNext = undefined;
    throw error;
  }

  override async continueConversationAsync(
    _botAppIdOrClaimsIdentity: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: ((context: TurnContext) => Promise<void>) | string,
    maybeLogic?: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic!;
    this.continued.push(reference);
    const activity = TurnContext.applyConversationReference(
      { type: 'event', name: 'ContinueConversation' },
      reference,
      true,
    );
    await this.runMiddleware(this.createContext(activity), logic);
  }
}

/** A tester whose answer per secret the test sets (the simulator specs use the real one). */
export class ScriptedTester implements ConnectionTester {
  readonly answers = new Map<string, { code: OutcomeCode; stage: TestStage }>([
    [GOOD_SECRET, { code: 'active', stage: 'graph' }],
    [EXPIRED_SECRET, { code: 'expired_secret', stage: 'token' }],
  ]);
  readonly calls: TestRequest[] = [];

  async test(request: TestRequest): Promise<TestVerdict> {
    this.calls.push(request);
    const answer = this.answers.get(request.secret) ?? { code: 'invalid_secret', stage: 'token' };
    return {
      code: answer.code,
      stage: answer.stage,
      details: { appId: request.appId, tenantId: request.tenantId },
      permissions: answer.code === 'active' ? ['Chat.Read.All', 'Chat.ReadWrite.All', 'User.Read.All'] : [],
      proof: answer.code === 'active' ? 'messages' : 'none',
      durationMs: 1,
    };
  }
}

/** Each tenant's people, by UPN or id: what AdminService looks admins up in. */
export class MapDirectory implements UserDirectory {
  private readonly people = new Map<string, DirectoryPerson[]>();

  add(tenantId: string, ...users: TestUser[]): void {
    const list = this.people.get(tenantId) ?? [];
    for (const u of users) list.push({ id: u.userId, userPrincipalName: u.upn, displayName: u.name });
    this.people.set(tenantId, list);
  }

  async find(tenantId: string, upnOrId: string): Promise<DirectoryPerson | undefined> {
    const key = upnOrId.trim().toLowerCase();
    return (this.people.get(tenantId) ?? []).find(
      (p) => p.id.toLowerCase() === key || p.userPrincipalName.toLowerCase() === key,
    );
  }

  async search(tenantId: string, text: string, limit: number): Promise<DirectoryPerson[]> {
    const key = text.toLowerCase();
    return (this.people.get(tenantId) ?? [])
      .filter((p) => p.displayName.toLowerCase().startsWith(key))
      .slice(0, limit);
  }
}

export interface HarnessOptions {
  /** The connection test to use; the scripted one by default. */
  tester?: ConnectionTester;
  /** Least time between two updates of a followed status card. */
  liveIntervalMs?: number;
  /** false: the bot runs without the recovery port, as where recovery is not wired. */
  recovery?: boolean;
}

export interface InvokeAnswer {
  status: number;
  body: { statusCode: number; type: string; value: unknown };
}

/**
 * The bot as the product wires it, on a TestAdapter: the real ConnectionService (SQLite in memory,
 * a scripted or real tester), the real AdminService, AuditLog and NotificationService, a fake
 * backup engine, a fake recovery port, a manual clock, and a logger whose lines the specs read.
 */
export class BotHarness {
  readonly clock = new ManualClock('2026-05-01T10:00:00Z');
  readonly logLines: string[] = [];
  readonly logger: Logger;
  readonly db: Database.Database;
  readonly directory = new MapDirectory();
  readonly backup: FakeBackup;
  /** The recovery port (in the services unless the options say `recovery: false`). */
  readonly recovery: FakeRecovery;
  readonly connection: ConnectionService;
  readonly admins: AdminService;
  readonly audit: AuditLog;
  readonly targets: NotificationService;
  readonly scope: ScopeService;
  /** Where the scope is kept and the users a backup found are read (the summary's numbers). */
  readonly backupStore: BackupStore;
  readonly tokens: CardActionTokens;
  readonly adapter: ProactiveTestAdapter;
  readonly live: LiveStatusCards;
  readonly handler: ChatVaultActivityHandler;
  readonly services: BotServices;
  readonly tester: ConnectionTester;

  constructor(options: HarnessOptions = {}) {
    this.logger = createLogger({
      level: 'trace',
      destination: { write: (line: string) => void this.logLines.push(line) },
    });
    this.db = openSqlite(':memory:');
    const connectionStore = new SqliteConnectionStore(this.db);
    this.tester = options.tester ?? new ScriptedTester();
    this.connection = new ConnectionService({
      store: connectionStore,
      sealer: new EnvelopeSealer(new LocalKeyWrapper(randomBytes(32))),
      tester: this.tester,
      clock: this.clock,
      logger: this.logger,
    });
    this.audit = new AuditLog({ store: connectionStore, clock: this.clock });
    this.admins = new AdminService({
      store: new SqliteTenantAdminStore(this.db),
      directory: this.directory,
      audit: this.audit,
      clock: this.clock,
      logger: this.logger,
    });
    this.targets = new NotificationService({
      store: new SqliteNotificationTargetStore(this.db),
      admins: this.admins,
      audit: this.audit,
      clock: this.clock,
      logger: this.logger,
    });
    this.backup = new FakeBackup(this.clock);
    this.recovery = new FakeRecovery(this.clock);
    this.backupStore = createSqliteBackupStore(this.db);
    this.scope = new ScopeService({
      store: this.backupStore,
      directory: this.directory,
      audit: connectionStore,
      clock: this.clock,
    });
    this.directory.add(TENANT_A, ADA, GRACE, LIN);
    this.directory.add(TENANT_B, BORIS);
    this.services = {
      connection: this.connection,
      backup: this.backup,
      admins: this.admins,
      audit: this.audit,
      targets: this.targets,
      scope: this.scope,
      ...(options.recovery === false ? {} : { recovery: this.recovery }),
      clock: this.clock,
      logger: this.logger,
    };
    this.tokens = new CardActionTokens(randomBytes(32), this.clock);
    this.adapter = new ProactiveTestAdapter();
    this.live = new LiveStatusCards({
      adapter: this.adapter,
      botAppId: '',
      services: this.services,
      tokens: this.tokens,
      minIntervalMs: options.liveIntervalMs ?? 5000,
    });
    this.live.start();
    this.handler = new ChatVaultActivityHandler({
      services: this.services,
      tokens: this.tokens,
      live: this.live,
    });
  }

  async close(): Promise<void> {
    await this.live.stop();
    this.db.close();
  }

  /** Makes `user` an admin directly (as if they had connected first, or been added). */
  async makeAdmin(user: TestUser): Promise<void> {
    if (await this.admins.claimFirstAdmin(user.tenantId, { userId: user.userId, displayName: user.name }))
      return;
    const anyAdmin = (await this.admins.list(user.tenantId))[0]!;
    await this.admins.addAdmin(user.tenantId, { kind: 'user', id: anyAdmin.userId }, user.upn);
  }

  /** Saves a working connection for the tenant straight through the service. */
  async connect(user: TestUser): Promise<void> {
    const report = await this.connection.testAndSave(
      { tenantId: user.tenantId, source: 'teams-activity' },
      { appId: APP_ID, secret: GOOD_SECRET },
      { kind: 'user', id: user.userId, name: user.name },
    );
    if (!report.ok) throw new Error(`connect failed: ${report.code}`);
  }

  /** A typed message; resolves what the bot sent in that turn. */
  async say(user: TestUser, text: string, where: Where = personalChat(user)): Promise<Partial<Activity>[]> {
    const mentioned = where.kind === 'personal' ? text : `<at>ChatVault</at> ${text}`;
    const activity: Partial<Activity> = {
      ...this.base(user, where),
      type: 'message',
      text: mentioned,
      ...(where.kind === 'personal'
        ? {}
        : {
            entities: [
              { type: 'mention', mentioned: { id: BOT_ID, name: 'ChatVault' }, text: '<at>ChatVault</at>' },
            ],
          }),
    };
    return this.turn(activity);
  }

  /** Any activity of `user` in `where`, with the fields given on top. */
  async send(user: TestUser, where: Where, fields: Partial<Activity>): Promise<Partial<Activity>[]> {
    return this.turn({ ...this.base(user, where), ...fields });
  }

  /** An `adaptiveCard/action` invoke with this value; resolves the invoke response. */
  async invoke(
    user: TestUser,
    value: unknown,
    where: Where = personalChat(user),
    replyToId?: string,
  ): Promise<InvokeAnswer> {
    const sent = await this.turn({
      ...this.base(user, where),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value,
      ...(replyToId ? { replyToId } : {}),
    });
    const response = sent.find((a) => a.type === 'invokeResponse');
    if (!response) throw new Error('the bot sent no invoke response');
    return response.value as InvokeAnswer;
  }

  /**
   * Presses the card's Action.Execute with this verb, as Teams does: the action's data with the
   * inputs typed in merged over it.
   */
  async press(
    user: TestUser,
    card: AdaptiveCardJson,
    verb: string,
    inputs: Record<string, unknown> = {},
    where: Where = personalChat(user),
    replyToId?: string,
  ): Promise<InvokeAnswer> {
    const action = findAction(card, verb);
    if (!action) throw new Error(`the card has no button ${verb}`);
    return this.invoke(
      user,
      {
        action: { type: 'Action.Execute', verb, data: { ...(action.data as object), ...inputs } },
        trigger: 'manual',
      },
      where,
      replyToId,
    );
  }

  /** Every activity in the adapter's queue (sent, then possibly updated in place). */
  queue(): Partial<Activity>[] {
    return this.adapter.activeQueue;
  }

  private async turn(activity: Partial<Activity>): Promise<Partial<Activity>[]> {
    const before = this.adapter.activeQueue.length;
    await this.adapter.processActivity(activity, (context) => this.handler.run(context));
    return this.adapter.activeQueue.slice(before);
  }

  private base(user: TestUser, where: Where): Partial<Activity> {
    return {
      channelId: 'msteams',
      serviceUrl: 'https://smba.example.test/teams/',
      from: { id: `29:${user.userId}`, aadObjectId: user.userId, name: user.name },
      recipient: { id: BOT_ID, name: 'ChatVault' },
      conversation: {
        id: where.conversationId,
        conversationType: where.kind,
        isGroup: where.kind !== 'personal',
        tenantId: user.tenantId,
        name: '',
      },
      channelData: {
        tenant: { id: user.tenantId },
        ...(where.team ? { team: where.team } : {}),
        ...(where.channel ? { channel: where.channel } : {}),
      },
      locale: 'en-US',
    };
  }
}

type ActionJson = { type: string; verb?: string; title?: string; data?: unknown };

/** The Action.Execute with this verb anywhere in the card (card actions, action sets). */
export function findAction(card: unknown, verb: string): ActionJson | undefined {
  return allActions(card).find((a) => a.type === 'Action.Execute' && a.verb === verb);
}

export function allActions(node: unknown): ActionJson[] {
  const found: ActionJson[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.type === 'string' && record.type.startsWith('Action.'))
      found.push(record as ActionJson);
    for (const child of Object.values(record)) visit(child);
  };
  visit(node);
  return found;
}

/** The Adaptive Card attached to a sent activity. */
export function cardOf(activity: Partial<Activity> | undefined): AdaptiveCardJson {
  const content = activity?.attachments?.[0]?.content as AdaptiveCardJson | undefined;
  if (!content || activity?.attachments?.[0]?.contentType !== 'application/vnd.microsoft.card.adaptive')
    throw new Error(`not a card: ${JSON.stringify(activity?.text ?? activity?.type)}`);
  return content;
}

/** Every text of a card (TextBlocks, facts, titles), joined: what a reader sees. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    for (const key of ['text', 'title', 'value', 'label', 'placeholder']) {
      if (typeof record[key] === 'string') parts.push(record[key] as string);
    }
    for (const child of Object.values(record)) visit(child);
  };
  visit(card);
  return parts.join('\n');
}

/** The card an invoke answer carries (a card replacing the pressed one). */
export function answerCard(answer: InvokeAnswer): AdaptiveCardJson {
  if (answer.body.type !== 'application/vnd.microsoft.card.adaptive')
    throw new Error(`not a card answer: ${JSON.stringify(answer.body)}`);
  return answer.body.value as AdaptiveCardJson;
}

/** The text an invoke answer shows to the person who pressed (the card stays). */
export function answerText(answer: InvokeAnswer): string {
  if (answer.body.type !== 'application/vnd.microsoft.activity.message')
    throw new Error(`not a message answer: ${JSON.stringify(answer.body.type)}`);
  return answer.body.value as string;
}
