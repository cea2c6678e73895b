import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Clock } from '../connection/clock';
import type { DirectoryUser, UserState } from '../store/backup-records';
import { invalidInput } from './api-error';
import type { UsersQuery, UserSortKey } from './request-schemas';
import type { userRowSchema, usersPageSchema } from './response-schemas';
import type { TabBackupReads } from './tab-api-ports';

export type UserRow = z.input<typeof userRowSchema>;
export type UsersPage = z.input<typeof usersPageSchema>;

export interface UserTableOptions {
  /** How long a tenant's table is reused while no run finishes (counts grow during a run). */
  cacheMs?: number;
  /** Chats whose members and messages are counted at once. */
  readsInFlight?: number;
}

const STORE_PAGE = 1000;
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
 * in, the messages backed up in those chats, when they were last backed up completely, and what
 * went wrong. The store keeps no per-user counts, so a tenant's table is built from its chats
 * (members and message counts of each) and reused until a run finishes or `cacheMs` passes.
 */
export class UserTable {
  private readonly cache = new Map<string, { key: string; builtAt: number; rows: UserRow[] }>();
  private readonly building = new Map<string, Promise<UserRow[]>>();

  constructor(
    private readonly reads: TabBackupReads,
    private readonly clock: Clock,
    private readonly options: UserTableOptions = {},
  ) {}

  async page(tenantId: string, query: UsersQuery): Promise<UsersPage> {
    const sort = query.sort ?? 'displayName';
    const order = query.order ?? 'asc';
    const filter = query.filter?.trim().toLowerCase() ?? '';
    const shape = queryShape({ sort, order, filter, state: query.state ?? '' });
    const offset = query.cursor === undefined ? 0 : readCursor(query.cursor, shape);
    const limit = query.limit ?? DEFAULT_LIMIT;

    const rows = (await this.rows(tenantId)).filter(
      (row) =>
        (filter === '' ||
          row.displayName.toLowerCase().includes(filter) ||
          row.userPrincipalName.toLowerCase().includes(filter)) &&
        (query.state === undefined ||
          (query.state === 'problems' ? row.problems.length > 0 : row.state === query.state)),
    );
    rows.sort(comparator(sort, order));
    const items = rows.slice(offset, offset + limit);
    const next = offset + limit;
    return { items, total: rows.length, ...(next < rows.length ? { cursor: writeCursor(next, shape) } : {}) };
  }

  private async rows(tenantId: string): Promise<UserRow[]> {
    const latest = await this.reads.getLatestFinishedRun(tenantId);
    const key = latest?.runId ?? '';
    const cached = this.cache.get(tenantId);
    const now = this.clock.now().getTime();
    if (cached && cached.key === key && now - cached.builtAt < (this.options.cacheMs ?? 60_000)) {
      return [...cached.rows];
    }
    // Several admins opening the table at once share one build.
    let build = this.building.get(tenantId);
    if (!build) {
      build = this.build(tenantId).finally(() => this.building.delete(tenantId));
      this.building.set(tenantId, build);
    }
    const rows = await build;
    this.cache.set(tenantId, { key, builtAt: now, rows });
    return [...rows];
  }

  private async build(tenantId: string): Promise<UserRow[]> {
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
    const rows: UserRow[] = [];
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await this.reads.listUsers(tenantId, { limit: STORE_PAGE, ...(cursor ? { cursor } : {}) });
      for (const user of page.items) rows.push(rowOf(user, counts.get(user.userId)));
      cursor = page.next;
    }
    return rows;
  }
}

function rowOf(user: DirectoryUser, counts: { chats: number; messages: number } | undefined): UserRow {
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
