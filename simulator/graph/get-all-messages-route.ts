import { z } from 'zod';
import type { GraphRequest, GraphResult } from '../contracts';
import { TEAMS_DEFAULT_PAGE_SIZE, TEAMS_MAX_PAGE_SIZE } from './chat-messages-routes';
import { badRequest, teamsQueryErrors } from './graph-errors';
import { rebaseGraphUrlBytes, servedMessageSql } from './message-pages';
import { STILL_READABLE_SQL, purgedBefore } from './message-visibility';
import { exclusiveLowerBound, exclusiveUpperBound, type FilterComparison } from './odata/filter-expression';
import { link, metadataContext, pathSegment } from './odata/links';
import { QueryOptions } from './odata/query-options';
import { decodeToken, encodeToken, tokenInteger } from './odata/skip-token';
import type { RouteContext } from './route-context';
import { wantsUnknownEnumMembers } from './unknown-enum-members';
import { walkUserMessages, type RowCondition, type WalkColumn } from './user-message-walk';

/**
 * `GET /users/{id}/chats/getAllMessages` [chats-getallmessages]: every message of every chat (1:1,
 * group, meeting) the user is a member of, so a group chat's messages come back once per member
 * asked. `$top` at most 50; `$filter` on `lastModifiedDateTime` (`gt`/`lt`), `from/user/id`,
 * `from/user/userIdentityType`, `from/application/applicationIdentityType`, `messageType` (`eq`),
 * joined by `and`. Optional `model=A|B` (payment model) is accepted and carried along.
 */

const ORDER_TAG: Record<WalkColumn, 'created' | 'modified'> = {
  created_ms: 'created',
  last_modified_ms: 'modified',
};

const pageToken = z.tuple([
  z.literal('allMessages'),
  z.string(),
  z.enum(['created', 'modified']),
  z.string(),
  tokenInteger,
  z.string(),
]);

/** Conditions for the `eq` filters the export API documents, each on a column or the stored JSON. */
const EQUALITY_FILTERS: Record<string, string> = {
  'from/user/id': 'from_user_id = ?',
  messageType: 'message_type = ?',
  'from/user/userIdentityType': "json_extract(json, '$.from.user.userIdentityType') = ?",
  'from/application/applicationIdentityType':
    "json_extract(json, '$.from.application.applicationIdentityType') = ?",
};

interface ExportSelection {
  column: WalkColumn;
  above: number;
  below: number;
  conditions: RowCondition[];
}

export function getAllMessages(ctx: RouteContext, req: GraphRequest): GraphResult {
  const tenantId = req.caller.tenantId;
  const query = QueryOptions.read(req.query, ['$top', '$filter', '$skiptoken'], teamsQueryErrors);
  const top = query.top(TEAMS_MAX_PAGE_SIZE, TEAMS_DEFAULT_PAGE_SIZE);
  const model = paymentModel(req.query);
  const selection = exportSelection(query, query.filter());
  const user = ctx.lookups.teamsUser(tenantId, req.params.userId);
  const order = ORDER_TAG[selection.column];
  const after = query.skipToken((token) => {
    const tuple = decodeToken(token, pageToken);
    return tuple && tuple[1] === user.id && tuple[2] === order
      ? { chatId: tuple[3], timeMs: tuple[4], id: tuple[5] }
      : undefined;
  });

  const context = metadataContext(req.baseUrl, 'Collection(chatMessage)');
  const path = `/users/${pathSegment(req.params.userId)}/chats/getAllMessages`;
  const page = walkUserMessages(ctx, {
    tenantId,
    userId: user.id,
    column: selection.column,
    above: selection.above,
    below: selection.below,
    conditions: [...selection.conditions, { sql: STILL_READABLE_SQL, params: [purgedBefore(ctx.now())] }],
    itemSql: servedMessageSql({ includeUnknown: wantsUnknownEnumMembers(req.headers), exported: true }),
    after,
    limit: top,
    frame: (next) => ({
      context,
      counted: true,
      nextLink:
        next &&
        link(req.baseUrl, path, [
          ...query.carried(['$top', '$filter']),
          ...(model ? [['model', model] as const] : []),
          ['$skiptoken', encodeToken(['allMessages', user.id, order, next.chatId, next.timeMs, next.id])],
        ]),
    }),
  });
  return { status: 200, rawJson: rebaseGraphUrlBytes(page.body, req.baseUrl) };
}

/** `model=A` / `model=B` pick a payment model; without it Graph runs in evaluation mode. */
export function paymentModel(query: Record<string, string>): string | undefined {
  const entry = Object.entries(query).find(([name]) => name.toLowerCase() === 'model');
  if (!entry) return undefined;
  if (entry[1] !== 'A' && entry[1] !== 'B')
    throw badRequest(`Invalid model '${entry[1]}': use model=A or model=B.`);
  return entry[1];
}

function exportSelection(query: QueryOptions, filter: FilterComparison[]): ExportSelection {
  const selection: ExportSelection = {
    column: 'created_ms',
    above: Number.MIN_SAFE_INTEGER,
    below: Number.MAX_SAFE_INTEGER,
    conditions: [],
  };
  for (const comparison of filter) {
    const { property, operator, literal } = comparison;
    if (property === 'lastModifiedDateTime') {
      if (operator !== 'gt' && operator !== 'lt') {
        throw query.errors.unsupported(
          `$filter on lastModifiedDateTime supports only gt and lt; '${operator}' is not supported.`,
        );
      }
      if (literal.kind !== 'dateTime')
        throw query.errors.malformed('$filter on lastModifiedDateTime needs a DateTimeOffset value.');
      // A date range walks each chat by modification time: an index range, not a scan of every message.
      selection.column = 'last_modified_ms';
      if (operator === 'gt') selection.above = Math.max(selection.above, exclusiveLowerBound(literal));
      else selection.below = Math.min(selection.below, exclusiveUpperBound(literal));
      continue;
    }
    const condition = EQUALITY_FILTERS[property];
    if (condition === undefined)
      throw query.errors.unsupported(`$filter on '${property}' is not supported by getAllMessages.`);
    if (operator !== 'eq') throw query.errors.unsupported(`$filter on '${property}' supports only eq.`);
    if (literal.kind !== 'string')
      throw query.errors.malformed(`$filter on '${property}' needs a quoted string value.`);
    selection.conditions.push({ sql: condition, params: [literal.value] });
  }
  return selection;
}
