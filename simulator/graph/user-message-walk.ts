import type { PageRow } from './message-pages';
import { pageSql } from './message-pages';
import type { RouteContext } from './route-context';

/**
 * Walks the messages of every chat one user is a member of, chat after chat (by chat id), each
 * chat's messages ascending by one time column: the order getAllMessages and the first round of
 * its delta page in. The cursor (chat id, time, message id) makes every page index range scans —
 * the rest of the cursor's chat, then the following chats — however many chats the user is in.
 *
 * SQLite cannot keep a join of members and messages in index order without sorting each chat's
 * messages (it would read a whole chat to serve fifty rows), so the walk over chats is done here,
 * one page statement per chat that has something to give (see message-pages.ts).
 */

export type WalkColumn = 'created_ms' | 'last_modified_ms';

/** A fixed SQL condition on a `messages` row (never built from request text) with its parameters. */
export interface RowCondition {
  sql: string;
  params: readonly unknown[];
}

export interface WalkPosition {
  chatId: string;
  timeMs: number;
  id: string;
}

export interface UserMessageWalk {
  tenantId: string;
  userId: string;
  column: WalkColumn;
  /** Exclusive bounds on `column`, epoch milliseconds. */
  above: number;
  below: number;
  conditions: readonly RowCondition[];
  /** How each message is served: an SQL expression (message-pages.ts). */
  itemSql: string;
  /** Continue after this row; from the first chat when absent. */
  after?: WalkPosition;
  limit: number;
}

export interface WalkedPage {
  /** Comma-joined served messages, one piece per chat. */
  items: Buffer[];
  count: number;
  /** Where the next page starts; absent when the walk is over. */
  next?: WalkPosition;
}

/** How many chat ids to fetch at a time while looking for the next chat with messages. */
const CHAT_BATCH = 64;

export function walkUserMessages(ctx: RouteContext, walk: UserMessageWalk): WalkedPage {
  const { tenantId, userId, column } = walk;
  const where = walk.conditions.map((condition) => ` AND ${condition.sql}`).join('');
  const extra = walk.conditions.flatMap((condition) => condition.params);
  // The two shapes of a chat's range: from the cursor on, or a whole chat within the bounds.
  const rest = `FROM messages WHERE tenant_id = ? AND chat_id = ? AND (${column}, id) > (?, ?) AND ${column} < ?${where} ORDER BY ${column}, id`;
  const whole = `FROM messages WHERE tenant_id = ? AND chat_id = ? AND ${column} > ? AND ${column} < ?${where} ORDER BY ${column}, id`;
  const page: WalkedPage = { items: [], count: 0 };
  let last: { chatId: string; from: string; params: unknown[]; count: number } | undefined;

  const take = (chatId: string, from: string, params: unknown[]): void => {
    const [items, count] = ctx.sql
      .arraysOf(pageSql(walk.itemSql, from))
      .get(...params, walk.limit - page.count) as PageRow;
    if (!items || count === 0) return;
    page.items.push(items);
    page.count += count;
    last = { chatId, from, params, count };
  };

  let afterChat: string | undefined;
  if (walk.after) {
    afterChat = walk.after.chatId;
    if (ctx.lookups.isMember(tenantId, userId, afterChat)) {
      take(afterChat, rest, [tenantId, afterChat, walk.after.timeMs, walk.after.id, walk.below, ...extra]);
    }
  }
  const firstChats = ctx.sql.arraysOf(
    `SELECT DISTINCT chat_id FROM chat_members WHERE tenant_id = ? AND user_id = ? ORDER BY chat_id LIMIT ${CHAT_BATCH}`,
  );
  const nextChats = ctx.sql.arraysOf(
    `SELECT DISTINCT chat_id FROM chat_members WHERE tenant_id = ? AND user_id = ? AND chat_id > ? ORDER BY chat_id LIMIT ${CHAT_BATCH}`,
  );
  walking: while (page.count < walk.limit) {
    const chats = (
      afterChat === undefined ? firstChats.all(tenantId, userId) : nextChats.all(tenantId, userId, afterChat)
    ) as [string][];
    for (const [chatId] of chats) {
      take(chatId, whole, [tenantId, chatId, walk.above, walk.below, ...extra]);
      if (page.count >= walk.limit) break walking;
    }
    if (chats.length < CHAT_BATCH) return page;
    afterChat = chats[chats.length - 1][0];
  }
  if (!last) return page;

  // A full page: find its last row, and whether anything may follow. Within the last chat an index
  // walk tells; past it, only whether the user has a later chat is checked, so a listing can end
  // with an empty page, as Graph's may ("only a missing nextLink ends it").
  const { chatId, from, params, count } = last;
  const edge = ctx.sql
    .arraysOf(`SELECT ${column}, id ${from} LIMIT 2 OFFSET ?`)
    .all(...params, count - 1) as [number, string][];
  const laterChat = nextChats.get(tenantId, userId, chatId);
  if (edge.length === 2 || laterChat !== undefined)
    page.next = { chatId, timeMs: edge[0][0], id: edge[0][1] };
  return page;
}
