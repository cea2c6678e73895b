import {
  collectionBytes,
  frameParams,
  pageBodySql,
  pageSql,
  type PageBodyRow,
  type PageFrame,
  type PageRow,
} from './message-pages';
import type { RouteContext } from './route-context';

/**
 * Walks the messages of every chat one user is a member of, chat after chat (by chat id), each
 * chat's messages ascending by one time column: the order getAllMessages and the first round of
 * its delta page in. The cursor (chat id, time, message id) makes every page index range scans —
 * the rest of the cursor's chat, then the following chats — however many chats the user is in.
 *
 * SQLite cannot keep a join of members and messages in index order without sorting each chat's
 * messages (it would read a whole chat to serve fifty rows), so the walk over chats is done here.
 * Most pages lie inside one chat: an index walk finds that out first, and one statement then
 * writes the whole page. A page that spans chats takes one statement per chat that has something
 * to give, joined here (see message-pages.ts).
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
  /** The annotations of the page, which depend on where the next page starts (absent: none). */
  frame(next: WalkPosition | undefined): PageFrame;
}

export interface WalkedPage {
  /** The whole page as JSON bytes: the frame's annotations and the messages. */
  body: Buffer;
  count: number;
  /** Where the next page starts; absent when the walk is over. */
  next?: WalkPosition;
}

/** How many chat ids to fetch at a time while looking for the next chat with messages. */
const CHAT_BATCH = 64;

/** One chat's part of the walk: a range statement's tail and its parameters (limit excluded). */
interface ChatRange {
  chatId: string;
  from: string;
  params: unknown[];
}

export function walkUserMessages(ctx: RouteContext, walk: UserMessageWalk): WalkedPage {
  const { tenantId, userId, column } = walk;
  const where = walk.conditions.map((condition) => ` AND ${condition.sql}`).join('');
  const extra = walk.conditions.flatMap((condition) => condition.params);
  // The two shapes of a chat's range: from the cursor on, or a whole chat within the bounds.
  const rest = `FROM messages WHERE tenant_id = ? AND chat_id = ? AND (${column}, id) > (?, ?) AND ${column} < ?${where} ORDER BY ${column}, id`;
  const whole = `FROM messages WHERE tenant_id = ? AND chat_id = ? AND ${column} > ? AND ${column} < ?${where} ORDER BY ${column}, id`;
  const wholeChat = (chatId: string): ChatRange => ({
    chatId,
    from: whole,
    params: [tenantId, chatId, walk.above, walk.below, ...extra],
  });
  const firstChats = ctx.sql.arraysOf(
    `SELECT DISTINCT chat_id FROM chat_members WHERE tenant_id = ? AND user_id = ? ORDER BY chat_id LIMIT ${CHAT_BATCH}`,
  );
  const nextChats = ctx.sql.arraysOf(
    `SELECT DISTINCT chat_id FROM chat_members WHERE tenant_id = ? AND user_id = ? AND chat_id > ? ORDER BY chat_id LIMIT ${CHAT_BATCH}`,
  );
  /** The user's first chat after `chatId` (from the first when absent). */
  const chatAfter = (chatId: string | undefined): string | undefined => {
    const row = (
      chatId === undefined ? firstChats.get(tenantId, userId) : nextChats.get(tenantId, userId, chatId)
    ) as [string] | undefined;
    return row?.[0];
  };
  /**
   * The page's last row when `range` alone fills the page, and whether anything may follow it:
   * an index walk. Within the chat the walk tells; past it, only whether the user has a later
   * chat is checked, so a listing can end with an empty page, as Graph's may ("only a missing
   * nextLink ends it").
   */
  const fullPageEdge = (range: ChatRange, offset: number): { next?: WalkPosition } | undefined => {
    const edge = ctx.sql
      .arraysOf(`SELECT ${column}, id ${range.from} LIMIT 2 OFFSET ?`)
      .all(...range.params, offset) as [number, string][];
    if (edge.length === 0) return undefined;
    const more = edge.length === 2 || chatAfter(range.chatId) !== undefined;
    return { next: more ? { chatId: range.chatId, timeMs: edge[0][0], id: edge[0][1] } : undefined };
  };

  // Most pages lie inside one chat: the edge is found first, and one statement writes the page.
  let first: ChatRange | undefined;
  if (walk.after && ctx.lookups.isMember(tenantId, userId, walk.after.chatId)) {
    const { chatId, timeMs, id } = walk.after;
    first = { chatId, from: rest, params: [tenantId, chatId, timeMs, id, walk.below, ...extra] };
  } else {
    const chatId = chatAfter(walk.after?.chatId);
    first = chatId === undefined ? undefined : wholeChat(chatId);
  }
  const full = first && fullPageEdge(first, walk.limit - 1);
  if (first && full) {
    const frame = walk.frame(full.next);
    const [body, count] = ctx.sql
      .arraysOf(pageBodySql(walk.itemSql, first.from, frame.counted))
      .get(...frameParams(frame), ...first.params, walk.limit) as PageBodyRow;
    return { body, count, next: full.next };
  }

  // Otherwise the page gathers the rest of `first` and the chats after it, each chat's messages
  // joined in SQLite, until the page is full or the user's chats run out.
  const pieces: Buffer[] = [];
  let count = 0;
  let last: (ChatRange & { taken: number }) | undefined;
  const take = (range: ChatRange): void => {
    const [items, taken] = ctx.sql
      .arraysOf(pageSql(walk.itemSql, range.from))
      .get(...range.params, walk.limit - count) as PageRow;
    if (!items || taken === 0) return;
    pieces.push(items);
    count += taken;
    last = { ...range, taken };
  };
  if (first) take(first);
  let afterChat = first?.chatId;
  walking: while (first && count < walk.limit) {
    const chats = nextChats.all(tenantId, userId, afterChat) as [string][];
    for (const [chatId] of chats) {
      take(wholeChat(chatId));
      if (count >= walk.limit) break walking;
    }
    if (chats.length < CHAT_BATCH) break;
    afterChat = chats[chats.length - 1][0];
  }
  const next = count >= walk.limit && last ? fullPageEdge(last, last.taken - 1)?.next : undefined;
  return { body: collectionBytes(walk.frame(next), count, pieces), count, next };
}
