import { z } from 'zod';
import type { GraphRequest, GraphResult } from '../contracts';
import { rebaseGraphUrls } from '../state/graph-urls';
import { notFound, teamsQueryErrors } from './graph-errors';
import { STILL_READABLE_SQL, purgedBefore } from './message-visibility';
import { exclusiveLowerBound, exclusiveUpperBound, type FilterComparison } from './odata/filter-expression';
import { keySegment, link, metadataContext, pathSegment } from './odata/links';
import { QueryOptions } from './odata/query-options';
import {
  frameParams,
  pageBodySql,
  rebaseGraphUrlBytes,
  servedMessageSql,
  type PageBodyRow,
} from './message-pages';
import { member, withLeadingMembers } from './odata/raw-json';
import { decodeToken, encodeToken, tokenInteger } from './odata/skip-token';
import type { RouteContext } from './route-context';
import { visibleMessageJson, wantsUnknownEnumMembers } from './unknown-enum-members';

/**
 * `GET /chats/{id}/messages` and `GET /chats/{id}/messages/{id}`, with the documented semantics
 * [chat-list-messages]: `$top` at most 50; `$orderby` lastModifiedDateTime (default) or
 * createdDateTime, descending only; `$filter` is a date range on lastModifiedDateTime (`gt`, `lt`)
 * or createdDateTime (`lt` only) and applies only when `$orderby` names the same property, otherwise
 * it is silently ignored; no other OData options.
 */

const ORDER_PROPERTIES = ['lastModifiedDateTime', 'createdDateTime'] as const;
type OrderProperty = (typeof ORDER_PROPERTIES)[number];

const SORT_COLUMN: Record<OrderProperty, 'last_modified_ms' | 'created_ms'> = {
  lastModifiedDateTime: 'last_modified_ms',
  createdDateTime: 'created_ms',
};

/** Operators each ordering property takes in `$filter` when the filter applies. */
const RANGE_OPERATORS: Record<OrderProperty, ReadonlySet<string>> = {
  lastModifiedDateTime: new Set(['gt', 'lt']),
  createdDateTime: new Set(['lt']),
};

/** chatMessage properties: a filter naming anything else is a client error, not a silent no-op. */
const CHAT_MESSAGE_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'replyToId',
  'etag',
  'messageType',
  'createdDateTime',
  'lastModifiedDateTime',
  'lastEditedDateTime',
  'deletedDateTime',
  'subject',
  'summary',
  'chatId',
  'importance',
  'locale',
  'webUrl',
  'channelIdentity',
  'policyViolation',
  'eventDetail',
  'from',
  'body',
  'attachments',
  'mentions',
  'reactions',
  'messageHistory',
  'onBehalfOf',
]);

/** Graph's page size when `$top` is not given on the Teams list endpoints. */
export const TEAMS_DEFAULT_PAGE_SIZE = 20;
export const TEAMS_MAX_PAGE_SIZE = 50;

const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;
const NO_LOWER_BOUND = Number.MIN_SAFE_INTEGER;

const pageToken = z.tuple([
  z.literal('chatMessages'),
  z.string(),
  z.enum(ORDER_PROPERTIES),
  tokenInteger,
  z.string(),
]);

interface MessageRange {
  /** Exclusive bounds on the ordering column, in epoch milliseconds. */
  above: number;
  below: number;
}

export function listChatMessages(ctx: RouteContext, req: GraphRequest): GraphResult {
  const chatId = req.params.chatId;
  const tenantId = req.caller.tenantId;
  const query = QueryOptions.read(req.query, ['$top', '$orderby', '$filter', '$skiptoken'], teamsQueryErrors);
  const top = query.top(TEAMS_MAX_PAGE_SIZE, TEAMS_DEFAULT_PAGE_SIZE);
  const explicitOrder = query.orderByDescending(ORDER_PROPERTIES);
  const order: OrderProperty = explicitOrder ?? 'lastModifiedDateTime';
  const range = messageRange(query, query.filter(), explicitOrder);
  const cursor = query.skipToken((token) => {
    const tuple = decodeToken(token, pageToken);
    return tuple && tuple[1] === chatId && tuple[2] === order
      ? { sortMs: tuple[3], id: tuple[4] }
      : undefined;
  });
  ctx.lookups.requireChat(tenantId, chatId);

  const column = SORT_COLUMN[order];
  // The cursor and the filter's upper bound are one row-value bound, so every page is a single
  // index range scan however deep it lies (a separate `< bound` would make SQLite scan from the top).
  const fromWhereOrder = `FROM messages
     WHERE tenant_id = ? AND chat_id = ? AND ${column} > ? AND (${column}, id) < (?, ?) AND ${STILL_READABLE_SQL}
     ORDER BY ${column} DESC, id DESC`;
  const params = [
    tenantId,
    chatId,
    range.above,
    cursor ? cursor.sortMs : range.below,
    cursor ? cursor.id : '',
    purgedBefore(ctx.now()),
  ];
  // The page's last row, and whether another follows it: an index walk that reads no message
  // text, done first so that the page statement can write the nextLink into the page itself.
  const edge = ctx.sql
    .arraysOf(`SELECT ${column}, id ${fromWhereOrder} LIMIT 2 OFFSET ?`)
    .all(...params, top - 1) as [number, string][];
  let nextLink: string | undefined;
  if (edge.length === 2) {
    const token = encodeToken(['chatMessages', chatId, order, edge[0][0], edge[0][1]]);
    nextLink = link(req.baseUrl, `/chats/${pathSegment(chatId)}/messages`, [
      ...query.carried(['$top', '$orderby', '$filter']),
      ['$skiptoken', token],
    ]);
  }
  const context = metadataContext(req.baseUrl, `${keySegment('chats', chatId)}/messages`);
  const itemSql = servedMessageSql({ includeUnknown: wantsUnknownEnumMembers(req.headers), exported: false });
  const [body] = ctx.sql
    .arraysOf(pageBodySql(itemSql, fromWhereOrder, true))
    .get(...frameParams({ context, counted: true, nextLink }), ...params, top) as PageBodyRow;
  return { status: 200, rawJson: rebaseGraphUrlBytes(body, req.baseUrl) };
}

/**
 * The date range a `$filter` sets on the ordering column. Comparisons on another property than an
 * explicit `$orderby` are ignored, as Graph ignores them; they must still name real properties.
 */
function messageRange(
  query: QueryOptions,
  filter: FilterComparison[],
  order: OrderProperty | undefined,
): MessageRange {
  const range: MessageRange = { above: NO_LOWER_BOUND, below: NO_UPPER_BOUND };
  for (const comparison of filter) {
    if (!CHAT_MESSAGE_PROPERTIES.has(comparison.property)) {
      throw query.errors.malformed(
        `Could not find a property named '${comparison.property}' on type 'microsoft.graph.chatMessage'.`,
      );
    }
    if (comparison.property !== order) continue;
    if (!RANGE_OPERATORS[order].has(comparison.operator)) {
      throw query.errors.unsupported(
        `$filter on ${order} supports only: ${[...RANGE_OPERATORS[order]].join(', ')}; '${comparison.operator}' is not supported.`,
      );
    }
    if (comparison.literal.kind !== 'dateTime') {
      throw query.errors.malformed(`$filter on ${order} needs a DateTimeOffset value.`);
    }
    if (comparison.operator === 'gt')
      range.above = Math.max(range.above, exclusiveLowerBound(comparison.literal));
    else range.below = Math.min(range.below, exclusiveUpperBound(comparison.literal));
  }
  return range;
}

export function getChatMessage(ctx: RouteContext, req: GraphRequest): GraphResult {
  const { chatId, messageId } = req.params;
  // "This method does not support the OData query parameters to customize the response." [chatmessage-get]
  QueryOptions.read(req.query, [], teamsQueryErrors);
  const row = ctx.sql
    .arraysOf(
      `SELECT json, message_type FROM messages WHERE tenant_id = ? AND chat_id = ? AND id = ? AND ${STILL_READABLE_SQL}`,
    )
    .get(req.caller.tenantId, chatId, messageId, purgedBefore(ctx.now())) as [string, string] | undefined;
  if (!row) throw notFound(`The message '${messageId}' was not found in chat '${chatId}'.`);
  const json = visibleMessageJson(row[0], row[1], wantsUnknownEnumMembers(req.headers));
  const context = metadataContext(req.baseUrl, `${keySegment('chats', chatId)}/messages/$entity`);
  return {
    status: 200,
    rawJson: rebaseGraphUrls(withLeadingMembers(json, member('@odata.context', context)), req.baseUrl),
  };
}
