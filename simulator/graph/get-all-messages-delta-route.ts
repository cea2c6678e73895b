import { z } from 'zod';
import type { GraphRequest, GraphResult } from '../contracts';
import { TEAMS_DEFAULT_PAGE_SIZE, TEAMS_MAX_PAGE_SIZE } from './chat-messages-routes';
import { paymentModel } from './get-all-messages-route';
import { teamsQueryErrors } from './graph-errors';
import {
  frameParams,
  pageBodySql,
  rebaseGraphUrlBytes,
  servedMessageSql,
  type PageBodyRow,
  type PageFrame,
} from './message-pages';
import { STILL_READABLE_SQL, purgedBefore } from './message-visibility';
import { exclusiveLowerBound } from './odata/filter-expression';
import { link, metadataContext, pathSegment } from './odata/links';
import { QueryOptions } from './odata/query-options';
import { decodeToken, encodeToken, tokenInteger } from './odata/skip-token';
import type { RouteContext } from './route-context';
import { wantsUnknownEnumMembers } from './unknown-enum-members';
import { walkUserMessages } from './user-message-walk';

/**
 * `GET /users/{id}/chats/getAllMessages/delta` [chatmessage-delta]: the user's chat messages of the
 * last eight months, then, from the `@odata.deltaLink`, only the messages written since.
 *
 * Every message write bumps the tenant's `seq`, so a round is a `seq` interval: a first round is a
 * snapshot of everything up to the `seq` current when it started (walked chat by chat, like
 * getAllMessages); each later round returns the messages whose `seq` rose past the previous round's
 * end, in `seq` order (one index range over the tenant's changes, kept to the user's chats). A
 * message changed while a round is paged falls into the next round, never into none.
 */

const DELTA_WINDOW_MONTHS = 8;

const snapshotToken = z.tuple([
  z.literal('deltaSnapshot'),
  z.string(), // user id
  tokenInteger, // upper seq
  tokenInteger, // exclusive lower bound on last_modified_ms
  tokenInteger, // page size
  z.string(), // cursor: chat id
  tokenInteger, // cursor: last_modified_ms
  z.string(), // cursor: message id
]);

const changesToken = z.tuple([
  z.literal('deltaChanges'),
  z.string(), // user id
  tokenInteger, // upper seq
  tokenInteger, // window start (last_modified_ms)
  tokenInteger, // page size
  tokenInteger, // cursor: last seq served
]);

const deltaLinkToken = z.tuple([z.literal('deltaLink'), z.string(), tokenInteger, tokenInteger]); // user, seq, page size

type RoundPage =
  | {
      kind: 'snapshot';
      upper: number;
      above: number;
      top: number;
      after?: { chatId: string; timeMs: number; id: string };
    }
  | { kind: 'changes'; upper: number; windowStart: number; top: number; afterSeq: number };

export function getAllMessagesDelta(ctx: RouteContext, req: GraphRequest): GraphResult {
  const tenantId = req.caller.tenantId;
  const query = QueryOptions.read(
    req.query,
    ['$top', '$filter', '$skiptoken', '$deltatoken'],
    teamsQueryErrors,
  );
  const model = paymentModel(req.query);
  const user = ctx.lookups.teamsUser(tenantId, req.params.userId);
  const page = roundPage(ctx, query, tenantId, user.id);

  const itemSql = servedMessageSql({ includeUnknown: wantsUnknownEnumMembers(req.headers), exported: true });
  // Delta links carry their state in the token alone, as Graph's do.
  const path = `/users/${pathSegment(req.params.userId)}/chats/getAllMessages/delta`;
  const carried: [string, string][] = model ? [['model', model]] : [];
  const context = metadataContext(req.baseUrl, 'Collection(chatMessage)');
  const frame = (next: string | undefined): PageFrame =>
    next !== undefined
      ? { context, counted: false, nextLink: link(req.baseUrl, path, [...carried, ['$skiptoken', next]]) }
      : {
          context,
          counted: false,
          deltaLink: link(req.baseUrl, path, [
            ...carried,
            ['$deltatoken', encodeToken(['deltaLink', user.id, page.upper, page.top])],
          ]),
        };
  const body =
    page.kind === 'snapshot'
      ? snapshotPage(ctx, tenantId, user.id, page, itemSql, frame)
      : changesPage(ctx, tenantId, user.id, page, itemSql, frame);
  return { status: 200, rawJson: rebaseGraphUrlBytes(body, req.baseUrl) };
}

function roundPage(ctx: RouteContext, query: QueryOptions, tenantId: string, userId: string): RoundPage {
  const skip = query.get('$skiptoken');
  const delta = query.get('$deltatoken');
  if (skip !== undefined && delta !== undefined)
    throw query.errors.malformed('Use either $skiptoken or $deltatoken, not both.');
  const filter = query.filter();
  if ((skip !== undefined || delta !== undefined) && filter.length > 0) {
    throw query.errors.unsupported(
      '$filter applies to the first request of a delta round only; the links carry it on.',
    );
  }
  const explicitTop =
    query.get('$top') === undefined ? undefined : query.top(TEAMS_MAX_PAGE_SIZE, TEAMS_DEFAULT_PAGE_SIZE);

  if (skip !== undefined) {
    const page = query.skipToken((token): RoundPage | undefined => {
      const snapshot = decodeToken(token, snapshotToken);
      if (snapshot && snapshot[1] === userId) {
        const [, , upper, above, top, chatId, timeMs, id] = snapshot;
        return { kind: 'snapshot', upper, above, top: explicitTop ?? top, after: { chatId, timeMs, id } };
      }
      const changes = decodeToken(token, changesToken);
      if (changes && changes[1] === userId) {
        const [, , upper, windowStart, top, afterSeq] = changes;
        return { kind: 'changes', upper, windowStart, top: explicitTop ?? top, afterSeq };
      }
      return undefined;
    });
    if (page) return page;
  }

  const upper = currentSeq(ctx, tenantId);
  const windowStart = monthsBefore(ctx.now(), DELTA_WINDOW_MONTHS);
  if (delta !== undefined) {
    const since = query.deltaToken((token) => {
      const tuple = decodeToken(token, deltaLinkToken);
      return tuple && tuple[1] === userId ? { seq: tuple[2], top: tuple[3] } : undefined;
    });
    if (since)
      return { kind: 'changes', upper, windowStart, top: explicitTop ?? since.top, afterSeq: since.seq };
  }
  const top = explicitTop ?? TEAMS_DEFAULT_PAGE_SIZE;

  // The channel-message delta documents `$filter` on lastModifiedDateTime with gt only; the same here.
  let above = windowStart - 1;
  for (const comparison of filter) {
    if (comparison.property !== 'lastModifiedDateTime' || comparison.operator !== 'gt') {
      throw query.errors.unsupported('delta supports only $filter=lastModifiedDateTime gt {DateTimeOffset}.');
    }
    if (comparison.literal.kind !== 'dateTime')
      throw query.errors.malformed('$filter needs a DateTimeOffset value.');
    above = Math.max(above, exclusiveLowerBound(comparison.literal));
  }
  return { kind: 'snapshot', upper, above, top };
}

/** The annotations of a page, given the skip token of the next page (absent on a round's last). */
type DeltaFrame = (next: string | undefined) => PageFrame;

function snapshotPage(
  ctx: RouteContext,
  tenantId: string,
  userId: string,
  page: Extract<RoundPage, { kind: 'snapshot' }>,
  itemSql: string,
  frame: DeltaFrame,
): Buffer {
  return walkUserMessages(ctx, {
    tenantId,
    userId,
    column: 'last_modified_ms',
    above: page.above,
    below: Number.MAX_SAFE_INTEGER,
    conditions: [
      { sql: 'seq <= ?', params: [page.upper] },
      { sql: STILL_READABLE_SQL, params: [purgedBefore(ctx.now())] },
    ],
    itemSql,
    after: page.after,
    limit: page.top,
    frame: (next) =>
      frame(
        next &&
          encodeToken([
            'deltaSnapshot',
            userId,
            page.upper,
            page.above,
            page.top,
            next.chatId,
            next.timeMs,
            next.id,
          ]),
      ),
  }).body;
}

function changesPage(
  ctx: RouteContext,
  tenantId: string,
  userId: string,
  page: Extract<RoundPage, { kind: 'changes' }>,
  itemSql: string,
  frame: DeltaFrame,
): Buffer {
  const fromWhereOrder = `FROM messages m
     WHERE tenant_id = ? AND seq > ? AND seq <= ? AND last_modified_ms >= ? AND ${STILL_READABLE_SQL}
       AND EXISTS (SELECT 1 FROM chat_members cm WHERE cm.tenant_id = m.tenant_id AND cm.user_id = ? AND cm.chat_id = m.chat_id)
     ORDER BY seq`;
  const params = [tenantId, page.afterSeq, page.upper, page.windowStart, purgedBefore(ctx.now()), userId];
  // The page's last row and whether another follows, first: the page statement writes the link.
  const edge = ctx.sql
    .arraysOf(`SELECT seq ${fromWhereOrder} LIMIT 2 OFFSET ?`)
    .all(...params, page.top - 1) as [number][];
  const next =
    edge.length === 2
      ? encodeToken(['deltaChanges', userId, page.upper, page.windowStart, page.top, edge[0][0]])
      : undefined;
  const pageFrame = frame(next);
  const [body] = ctx.sql
    .arraysOf(pageBodySql(itemSql, fromWhereOrder, pageFrame.counted))
    .get(...frameParams(pageFrame), ...params, page.top) as PageBodyRow;
  return body;
}

/** The highest `seq` written in the tenant: where a round that starts now ends. */
function currentSeq(ctx: RouteContext, tenantId: string): number {
  const row = ctx.sql.arraysOf('SELECT max(seq) FROM messages WHERE tenant_id = ?').get(tenantId) as [
    number | null,
  ];
  return row[0] ?? 0;
}

function monthsBefore(now: number, months: number): number {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.getTime();
}
