import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../connection/clock';
import type { DirectoryUser, UserState } from '../store/backup-records';
import { invalidInput } from './api-error';
import type { UsersQuery, UserSortKey } from './request-schemas';
import type { userRowSchema, usersPageSchema } from './response-schemas';
import type { TabBackupReads, TabScope } from './tab-api-ports';

export type UserRow = z.input<typeof userRowSchema>;
export type UsersPage = z.input<typeof usersPageSchema>;

/** What the table reads of the backup scope: its version, and each user's place in it. */
export type UserTableScope = Pick<TabScope, 'get' | 'placesOf'>;

/** A user's place in the scope, as the row shows it. */
type ScopePlace = Pick<UserRow, 'inScope' | 'inScopeSince'>;

/** A row as a build makes it: everything but the scope, which changes without a run. */
type CountedRow = Omit<UserRow, keyof ScopePlace>;

/** The counts and states of a tenant's users, built together and reused while no run finishes. */
interface TableBuild {
  key: string;
  builtAt: number;
  rows: CountedRow[];
  /** The scope places of those users, read again whenever the scope's version moves. */
  scope?: { version: number; places: Map<string, ScopePlace> };
}

export interface UserTableOptions {
  /** How long a tenant's table is reused while no run finishes (counts grow during a run). */
  cacheMs?: number;
  /** Chats whose members and messages are counted at once. */
  readsInFlight?: number;
}

const STORE_PAGE = 1000;
const NOT_IN_SCOPE: ScopePlace = { inScope: false, inScopeSince: null };
const DEFAULT_LIMIT = 50;

/** Why a user whose state is not `active` is not (or no longer) backed up: shown as a problem. */
const STATE_PROBLEM: Record<Exclude<UserState, 'active'>, string> = {
  unlicensed:
    'Has no Teams license, so Microsoft Graph refuses to list their chats. Chats shared with licensed people are still backed up.',
  disabled: 'The account is disabled: its chats are not read any more. What was backed up is kept.',
  deleted: 'The account was deleted from the directory. What was backed up is kept.',
  notFound: 'Microsoft Graph no longer finds this user. What was backed up is kept.',
};

/**
 * The per-user table of the tab: every user discovery recorded, with the chats they are (or were)
 * in, the messages backed up in those chats, when they were last backed up completely, whether they
 * are in the backup scope and since when, and what went wrong. The store keeps no per-user counts,
 * so a tenant's table is built from its chats (members and message counts of each) and reused until
 * a run finishes or `cacheMs` passes. The scope is not cached with them: an admin who just changed
 * it must see it in the table at once, so each page checks the scope's version (one small read)
 * and reads the users' places again when it moved.
 */
export class UserTable {
  private readonly cache = new Map<string, TableBuild>();
  private readonly building = new Map<string, Promise<CountedRow[]>>();

  constructor(
    private readonly reads: TabBackupReads,
    private readonly scope: UserTableScope,
    private readonly clock: Clock,
    private readonly options: UserTableOptions = {},
  ) {}

  async page(tenantId: string, query: UsersQuery): Promise<UsersPage> {
    const sort = query.sort ?? 'displayName';
    const order = query.order ?? 'asc';
    const filter = query.filter?.trim().toLowerCase() ?? '';
    const shape = queryShape({ sort, order, filter, state: query.state ?? '', inScope: query.inScope ?? '' });
    const offset = query.cursor === undefined ? 0 : readCursor(query.cursor, shape);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const inScope = query.inScope === undefined ? undefined : query.inScope === 'true';

    const rows = (await this.rows(tenantId)).filter(
      (row) =>
        (filter === '' ||
          row.displayName.toLowerCase().includes(filter) ||
          row.userPrincipalName.toLowerCase().includes(filter)) &&
        (query.state === undefined ||
          (query.state === 'problems' ? row.problems.length > 0 : row.state === query.state)) &&
        (inScope === undefined || row.inScope === inScope),
    );
    rows.sort(comparator(sort, order));
    const items = rows.slice(offset, offset + limit);
    const next = offset + limit;
    return { items, total: rows.length, ...(next < rows.length ? { cursor: writeCursor(next, shape) } : {}) };
  }

  private async rows(tenantId: string): Promise<UserRow[]> {
    const [table, { version }] = await Promise.all([this.table(tenantId), this.scope.get(tenantId)]);
    if (table.scope?.version !== version) {
      // Labelled with the version read before the places: a save landing in between makes the
      // next page read them again, never keeps stale places under a newer version.
      table.scope = {
        version,
        places: await this.places(
          tenantId,
          table.rows.map((row) => row.userId),
        ),
      };
    }
    const places = table.scope.places;
    // A user the scope's listing does not know is one no run reads (ScopeService.user says the same).
    return table.rows.map((row) => ({ ...row, ...(places.get(row.userId) ?? NOT_IN_SCOPE) }));
  }

  private async table(tenantId: string): Promise<TableBuild> {
    const latest = await this.reads.getLatestFinishedRun(tenantId);
    const key = latest?.runId ?? '';
    const cached = this.cache.get(tenantId);
    const now = this.clock.now().getTime();
    if (cached && cached.key === key && now - cached.builtAt < (this.options.cacheMs ?? 60_000)) {
      return cached;
    }
    // Several admins opening the table at once share one build.
    let build = this.building.get(tenantId);
    if (!build) {
      build = this.build(tenantId).finally(() => this.building.delete(tenantId));
      this.building.set(tenantId, build);
    }
    const table: TableBuild = { key, builtAt: now, rows: await build };
    this.cache.set(tenantId, table);
    return table;
  }

  private async places(tenantId: string, userIds: readonly string[]): Promise<Map<string, ScopePlace>> {
    const places = new Map<string, ScopePlace>();
    for (const [userId, place] of await this.scope.placesOf(tenantId, userIds)) {
      // `since` is when they last crossed the scope's edge, either way: only an entry counts here.
      places.set(userId, { inScope: place.inScope, inScopeSince: place.inScope ? place.since : null });
    }
    return places;
  }

  private async build(tenantId: string): Promise<CountedRow[]> {
    const counts = new Map<string, { chats: number; messages: number }>();
    const chatIds: string[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await this.reads.listChats(tenantId, { limit: STORE_PAGE, ...(cursor ? { cursor } : {}) });
      chatIds.push(...page.items.map((chat) => chat.chatId));
      cursor = page.next;
    }
    const inFlight = Math.max(1, this.options.readsInFlight ?? 8);
    for (let i = 0; i < chatIds.length; i += inFlight) {
      await Promise.all(
        chatIds.slice(i, i + inFlight).map(async (chatId) => {
          const [members, messages] = await Promise.all([
            this.reads.getMembers(tenantId, chatId),
            this.reads.countMessages(tenantId, { chatId }),
          ]);
          for (const userId of new Set(members.map((m) => m.userId))) {
            const c = counts.get(userId) ?? { chats: 0, messages: 0 };
            c.chats += 1;
            c.messages += messages.messages;
            counts.set(userId, c);
          }
        }),
      );
    }
    const rows: CountedRow[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await this.reads.listUsers(tenantId, { limit: STORE_PAGE, ...(cursor ? { cursor } : {}) });
      for (const user of page.items) rows.push(rowOf(user, counts.get(user.userId)));
      cursor = page.next;
    }
    return rows;
  }
}

function rowOf(user: DirectoryUser, counts: { chats: number; messages: number } | undefined): CountedRow {
  const problems: UserRow['problems'] = [];
  if (user.state !== 'active') problems.push({ code: user.state, message: STATE_PROBLEM[user.state] });
  if (user.lastError) {
    problems.push({ code: user.lastError.kind, message: user.lastError.message, at: user.lastError.at });
  }
  return {
    userId: user.userId,
    displayName: user.displayName,
    userPrincipalName: user.upn,
    chats: counts?.chats ?? 0,
    messages: counts?.messages ?? 0,
    lastBackedUpAt: user.lastBackedUpAt ?? null,
    problems,
    state: user.state,
  };
}

function comparator(sort: UserSortKey, order: 'asc' | 'desc'): (a: UserRow, b: UserRow) => number {
  const sign = order === 'asc' ? 1 : -1;
  const text = (x: string, y: string) => x.localeCompare(y, 'en', { sensitivity: 'base' });
  const byKey = (a: UserRow, b: UserRow): number => {
    switch (sort) {
      case 'displayName':
        return text(a.displayName, b.displayName);
      case 'userPrincipalName':
        return text(a.userPrincipalName, b.userPrincipalName);
      case 'chats':
        return a.chats - b.chats;
      case 'messages':
        return a.messages - b.messages;
      case 'lastBackedUpAt':
        // Never backed up sorts as the oldest.
        return (a.lastBackedUpAt ?? '').localeCompare(b.lastBackedUpAt ?? '');
      case 'state':
        return text(a.state, b.state);
      case 'inScope':
        // As the cells read: "In scope since…" (from the start first, then the longest in) before
        // "Not in scope".
        return (
          Number(b.inScope) - Number(a.inScope) || (a.inScopeSince ?? '').localeCompare(b.inScopeSince ?? '')
        );
      default: {
        const unreachable: never = sort;
        throw new Error(`unknown sort ${String(unreachable)}`);
      }
    }
  };
  // The user id breaks ties, so pages never overlap or skip a row.
  return (a, b) => sign * byKey(a, b) || a.userId.localeCompare(b.userId);
}

/** A cursor is only valid with the sort and filter it was made for. */
function queryShape(parts: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

function writeCursor(offset: number, shape: string): string {
  return Buffer.from(JSON.stringify({ o: offset, s: shape })).toString('base64url');
}

function readCursor(cursor: string, shape: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const value = parsed as { o?: unknown; s?: unknown } | undefined;
  if (
    !value ||
    typeof value.o !== 'number' ||
    !Number.isInteger(value.o) ||
    value.o < 0 ||
    typeof value.s !== 'string'
  ) {
    throw invalidInput('cursor', 'The cursor is not one this API handed out. Start again without it.');
  }
  if (value.s !== shape) {
    throw invalidInput('cursor', 'The cursor belongs to another sort or filter. Start again without it.');
  }
  return value.o;
}
