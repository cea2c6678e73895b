import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import FindMyWay from 'find-my-way';
import type { GraphCaller, GraphRequest, GraphResult, GraphRoute } from '../contracts';
import { ManualClock } from '../state/clock';
import { openSimulatorDb, type SimulatorDb } from '../state/schema';
import { GraphHttpError } from '../graph-error';
import { createGraphRoutes } from './routes';

/**
 * Test support for the Graph route specs: a tenant database filled with plain SQL inserts (the
 * routes' only contract with the state layer is the schema), and a caller that routes a request
 * the way the shell does and returns the parsed answer.
 */

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
export const BASE_URL = 'https://graph.microsoft.com/v1.0';
export const ALL_READ_ROLES = ['Chat.Read.All', 'User.Read.All'];

/** 2026-06-01T00:00:00Z, the fixtures' "now". */
export const NOW = Date.UTC(2026, 5, 1);

const EXAMPLES_DIR = join(__dirname, 'testdata', 'graph-examples');

/** A documented example response (testdata/graph-examples), parsed. */
export function example(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Record<string, unknown>;
}

/** Every example file whose name starts with `prefix`. */
export function examplesStartingWith(prefix: string): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .sort();
}

export interface MessageOptions {
  /** Row id; the JSON's own `id` when absent. */
  id?: string;
  createdMs?: number;
  modifiedMs?: number;
  deleted?: boolean;
  messageType?: string;
}

export interface CallOptions {
  query?: Record<string, string>;
  tenantId?: string;
  roles?: readonly string[];
  headers?: Record<string, string>;
  baseUrl?: string;
  method?: 'GET' | 'POST';
  body?: unknown;
}

export type CallOutcome =
  | { status: number; json: Record<string, unknown>; headers?: Record<string, string> }
  | { status: number; bytes: Buffer; contentType: string };

export class GraphFixture {
  readonly db: SimulatorDb = openSimulatorDb();
  readonly clock = new ManualClock(NOW);
  readonly routes: GraphRoute[] = createGraphRoutes(this.db, { clock: this.clock });
  private readonly router = FindMyWay({ maxParamLength: 2048 });
  private readonly seqs = new Map<string, number>();
  private ordinal = 0;

  constructor() {
    for (const route of this.routes) this.router.on(route.method, route.path, () => undefined, { route });
    for (const tenant of [TENANT, OTHER_TENANT]) {
      this.db
        .prepare('INSERT INTO tenants (id, domain, display_name) VALUES (?, ?, ?)')
        .run(tenant, `${tenant}.example`, tenant);
    }
  }

  close(): void {
    this.db.close();
  }

  user(
    id: string,
    options: {
      tenantId?: string;
      upn?: string;
      licensed?: boolean;
      deleted?: boolean;
      enabled?: boolean;
      userType?: string;
    } = {},
  ): void {
    const upn = options.upn ?? `${id}@contoso.example`;
    const json = JSON.stringify({
      businessPhones: [],
      displayName: `User ${id}`,
      mail: upn,
      userPrincipalName: upn,
      id,
    });
    this.db
      .prepare(
        `INSERT INTO users (tenant_id, id, upn, display_name, account_enabled, teams_licensed, user_type, deleted, ordinal, json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        options.tenantId ?? TENANT,
        id,
        upn,
        `User ${id}`,
        options.enabled === false ? 0 : 1,
        options.licensed === false ? 0 : 1,
        options.userType ?? 'Member',
        options.deleted ? 1 : 0,
        ++this.ordinal,
        json,
      );
  }

  chat(
    id: string,
    options: {
      tenantId?: string;
      chatType?: string;
      createdMs?: number;
      updatedMs?: number;
      json?: object;
    } = {},
  ): void {
    const createdMs = options.createdMs ?? NOW - 86_400_000;
    const updatedMs = options.updatedMs ?? createdMs;
    const chatType = options.chatType ?? 'group';
    const json = options.json ?? {
      id,
      topic: chatType === 'oneOnOne' ? null : `Topic of ${id}`,
      createdDateTime: new Date(createdMs).toISOString(),
      lastUpdatedDateTime: new Date(updatedMs).toISOString(),
      chatType,
    };
    this.db
      .prepare(
        'INSERT INTO chats (tenant_id, id, chat_type, created_ms, last_updated_ms, json) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(options.tenantId ?? TENANT, id, chatType, createdMs, updatedMs, JSON.stringify(json));
  }

  member(
    chatId: string,
    userId: string,
    options: { tenantId?: string; ordinal?: number; json?: { id?: string } } = {},
  ): void {
    const membershipId = options.json?.id ?? Buffer.from(`0##${chatId}##${userId}`).toString('base64');
    const json = options.json ?? {
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      id: membershipId,
      roles: ['owner'],
      displayName: `User ${userId}`,
      userId,
      email: null,
      tenantId: options.tenantId ?? TENANT,
      visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    };
    this.db
      .prepare(
        'INSERT INTO chat_members (tenant_id, chat_id, membership_id, user_id, ordinal, json) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        options.tenantId ?? TENANT,
        chatId,
        membershipId,
        userId,
        options.ordinal ?? ++this.ordinal,
        JSON.stringify(json),
      );
  }

  /** Stores a message (object or exact JSON text) and returns its seq. Times default to its own. */
  message(
    chatId: string,
    message: object | string,
    options: MessageOptions & { tenantId?: string } = {},
  ): number {
    const tenantId = options.tenantId ?? TENANT;
    const json = typeof message === 'string' ? message : JSON.stringify(message);
    const parsed = JSON.parse(json) as {
      id?: string;
      createdDateTime?: string;
      lastModifiedDateTime?: string;
      messageType?: string;
      from?: { user?: { id?: string } | null } | null;
    };
    const createdMs = options.createdMs ?? Date.parse(parsed.createdDateTime ?? '');
    const modifiedMs = options.modifiedMs ?? Date.parse(parsed.lastModifiedDateTime ?? '');
    assert.ok(
      Number.isFinite(createdMs) && Number.isFinite(modifiedMs),
      `fixture message needs times: ${json.slice(0, 80)}`,
    );
    const seq = (this.seqs.get(tenantId) ?? 0) + 1;
    this.seqs.set(tenantId, seq);
    this.db
      .prepare(
        `INSERT INTO messages (tenant_id, chat_id, id, created_ms, last_modified_ms, seq, version, deleted, message_type, from_user_id, json)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
      )
      .run(
        tenantId,
        chatId,
        options.id ?? parsed.id,
        createdMs,
        modifiedMs,
        seq,
        options.deleted ? 1 : 0,
        options.messageType ?? parsed.messageType ?? 'message',
        parsed.from?.user?.id ?? null,
        json,
      );
    return seq;
  }

  /** A plain text message from `userId` at `createdMs`, modified at `modifiedMs`. */
  textMessage(
    chatId: string,
    userId: string,
    createdMs: number,
    options: MessageOptions & { tenantId?: string } = {},
  ): number {
    const modifiedMs = options.modifiedMs ?? createdMs;
    const id = options.id ?? String(createdMs);
    return this.message(
      chatId,
      {
        id,
        replyToId: null,
        etag: String(modifiedMs),
        messageType: options.messageType ?? 'message',
        createdDateTime: new Date(createdMs).toISOString(),
        lastModifiedDateTime: new Date(modifiedMs).toISOString(),
        deletedDateTime: options.deleted ? new Date(modifiedMs).toISOString() : null,
        chatId,
        from: {
          application: null,
          device: null,
          user: { id: userId, displayName: `User ${userId}`, userIdentityType: 'aadUser' },
        },
        body: { contentType: 'text', content: `message ${id} in ${chatId}` },
      },
      { ...options, id, createdMs, modifiedMs },
    );
  }

  /** Rewrites a stored message as a later write would: new JSON, new modification time, new seq. */
  touch(chatId: string, id: string, modifiedMs: number, tenantId = TENANT): void {
    const seq = (this.seqs.get(tenantId) ?? 0) + 1;
    this.seqs.set(tenantId, seq);
    const row = this.db
      .prepare('SELECT json FROM messages WHERE tenant_id = ? AND chat_id = ? AND id = ?')
      .get(tenantId, chatId, id) as {
      json: string;
    };
    const message = JSON.parse(row.json) as Record<string, unknown>;
    message.lastModifiedDateTime = new Date(modifiedMs).toISOString();
    message.etag = String(modifiedMs);
    this.db
      .prepare(
        'UPDATE messages SET json = ?, last_modified_ms = ?, seq = ?, version = version + 1 WHERE tenant_id = ? AND chat_id = ? AND id = ?',
      )
      .run(JSON.stringify(message), modifiedMs, seq, tenantId, chatId, id);
  }

  /** Calls the route that matches `path` (below /v1.0, query separate) and parses its answer. */
  async call(path: string, options: CallOptions = {}): Promise<CallOutcome> {
    const result = await this.result(path, options);
    if ('bytes' in result)
      return { status: result.status, bytes: result.bytes, contentType: result.contentType };
    const text = 'rawJson' in result ? result.rawJson.toString() : JSON.stringify(result.json);
    return {
      status: result.status,
      json: JSON.parse(text) as Record<string, unknown>,
      headers: result.headers,
    };
  }

  /** The raw result of the route, or the GraphHttpError it threw (as the shell receives them). */
  async result(path: string, options: CallOptions = {}): Promise<GraphResult> {
    const { route, params } = this.match(options.method ?? 'GET', path);
    const request = this.request(path, params, options);
    return route.handle(request);
  }

  request(path: string, params: Record<string, string>, options: CallOptions = {}): GraphRequest {
    const caller: GraphCaller = {
      tenantId: options.tenantId ?? TENANT,
      appId: 'app',
      roles: options.roles ?? ALL_READ_ROLES,
    };
    return {
      caller,
      method: options.method ?? 'GET',
      path,
      params,
      query: options.query ?? {},
      headers: options.headers ?? {},
      baseUrl: options.baseUrl ?? BASE_URL,
      body: options.body,
    };
  }

  match(method: 'GET' | 'POST', path: string): { route: GraphRoute; params: Record<string, string> } {
    const found = this.router.find(method, encodeURI(path));
    assert.ok(found, `no route for ${method} ${path}`);
    const route = (found.store as { route: GraphRoute }).route;
    return { route, params: found.params as Record<string, string> };
  }

  /** The error a call fails with; fails the test if it succeeds. */
  async error(path: string, options: CallOptions = {}): Promise<GraphHttpError> {
    try {
      const result = await this.result(path, options);
      assert.fail(`expected ${path} to fail, got ${result.status}`);
    } catch (error) {
      if (!(error instanceof GraphHttpError)) throw error;
      return error;
    }
  }

  /** Follows `@odata.nextLink` from `path` to the end; returns every page's body. */
  async pages(path: string, options: CallOptions = {}): Promise<Record<string, unknown>[]> {
    const bodies: Record<string, unknown>[] = [];
    let next: { path: string; query: Record<string, string> } | undefined = {
      path,
      query: options.query ?? {},
    };
    while (next) {
      const outcome = await this.call(next.path, { ...options, query: next.query });
      assert.ok('json' in outcome);
      assert.equal(outcome.status, 200);
      bodies.push(outcome.json);
      const link = outcome.json['@odata.nextLink'];
      next = typeof link === 'string' ? splitLink(link, options.baseUrl ?? BASE_URL) : undefined;
      assert.ok(bodies.length < 10_000, 'paging does not end');
    }
    return bodies;
  }

  /** Every item of every page, in order. */
  async all(path: string, options: CallOptions = {}): Promise<Record<string, unknown>[]> {
    return (await this.pages(path, options)).flatMap((page) => page.value as Record<string, unknown>[]);
  }
}

/** A link the simulator handed out, as the shell would hand it back: path below the base, decoded query. */
export function splitLink(link: string, baseUrl = BASE_URL): { path: string; query: Record<string, string> } {
  assert.ok(link.startsWith(`${baseUrl}/`), `link ${link} is not on ${baseUrl}`);
  const url = new URL(link);
  const basePath = new URL(baseUrl).pathname;
  return {
    path: decodeURIComponent(url.pathname.slice(basePath.length)),
    query: Object.fromEntries(url.searchParams),
  };
}
