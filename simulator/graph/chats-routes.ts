import { z } from 'zod';
import type { GraphRequest, GraphResult } from '../contracts';
import { rebaseGraphUrls } from '../state/graph-urls';
import { TEAMS_DEFAULT_PAGE_SIZE, TEAMS_MAX_PAGE_SIZE } from './chat-messages-routes';
import { forbidden, notFound, teamsQueryErrors } from './graph-errors';
import { exclusiveLowerBound, exclusiveUpperBound, type FilterComparison } from './odata/filter-expression';
import { keySegment, link, metadataContext, pathSegment } from './odata/links';
import { QueryOptions } from './odata/query-options';
import { collectionBody, member, withLeadingMembers, withTrailingMembers } from './odata/raw-json';
import { decodeToken, encodeToken, tokenInteger } from './odata/skip-token';
import { CHAT_MESSAGE_READ_ROLES, hasAnyRole } from './permissions';
import type { RouteContext } from './route-context';
import { visibleMessageType, wantsUnknownEnumMembers } from './unknown-enum-members';

/**
 * `GET /users/{id}/chats`, `GET /chats/{id}`, `GET /chats/{id}/members` [chat-list, chat-get,
 * chat-list-members]. The same group chat is listed once for every member asked about.
 *
 * List chats: `$top` at most 50; `$expand` members and/or lastMessagePreview — expanded members
 * stop at 25 (page `/chats/{id}/members` for bigger chats); `$orderby` only
 * `lastMessagePreview/createdDateTime desc`; `$filter` "filters results" with no documented list of
 * properties, so the simulator serves what a backup needs — `chatType eq '…'` and date ranges on
 * `lastUpdatedDateTime` (`gt`, `ge`, `lt`, `le`) — and refuses the rest with 400 rather than
 * silently returning every chat.
 */

/** "$expand=members returns at most 25 members" [chat-list]. */
export const EXPANDED_MEMBERS_LIMIT = 25;

const EXPANDABLE = ['members', 'lastMessagePreview'] as const;
type Expandable = (typeof EXPANDABLE)[number];

const CHAT_TYPES: ReadonlySet<string> = new Set(['oneOnOne', 'group', 'meeting', 'unknownFutureValue']);

const byIdToken = z.tuple([z.literal('chats'), z.string(), z.string()]);
const byPreviewToken = z.tuple([z.literal('chatsByPreview'), z.string(), tokenInteger, z.string()]);

/** Sorts chats without messages after all others when ordering by their last message. */
const NO_MESSAGE = -1;

interface ChatSelection {
  conditions: string[];
  params: unknown[];
}

export function listUserChats(ctx: RouteContext, req: GraphRequest): GraphResult {
  const tenantId = req.caller.tenantId;
  const query = QueryOptions.read(
    req.query,
    ['$top', '$expand', '$filter', '$orderby', '$skiptoken'],
    teamsQueryErrors,
  );
  const top = query.top(TEAMS_MAX_PAGE_SIZE, TEAMS_DEFAULT_PAGE_SIZE);
  const expand = readExpand(query, req);
  const byPreview = query.orderByDescending(['lastMessagePreview/createdDateTime']) !== undefined;
  const selection = chatSelection(query, query.filter());
  const user = ctx.lookups.teamsUser(tenantId, req.params.userId);
  const where = selection.conditions.map((condition) => ` AND ${condition}`).join('');

  let rows: [string, string, number][];
  let token: (row: [string, string, number]) => string;
  if (byPreview) {
    const after = query.skipToken((text) => {
      const tuple = decodeToken(text, byPreviewToken);
      return tuple && tuple[1] === user.id ? { lastMs: tuple[2], chatId: tuple[3] } : undefined;
    });
    // Every chat's last message time is one index probe; a user's chats number in the hundreds.
    const statement = ctx.sql.arraysOf(
      `SELECT id, json, last_ms FROM (
         SELECT c.id, c.json,
           coalesce((SELECT max(created_ms) FROM messages x WHERE x.tenant_id = c.tenant_id AND x.chat_id = c.id), ${NO_MESSAGE}) AS last_ms
         FROM chat_members m JOIN chats c ON c.tenant_id = m.tenant_id AND c.id = m.chat_id
         WHERE m.tenant_id = ? AND m.user_id = ?${where} GROUP BY m.chat_id)
       WHERE (last_ms, id) < (?, ?) ORDER BY last_ms DESC, id DESC LIMIT ?`,
    );
    rows = statement.all(
      tenantId,
      user.id,
      ...selection.params,
      after ? after.lastMs : Number.MAX_SAFE_INTEGER,
      after ? after.chatId : '',
      top + 1,
    ) as [string, string, number][];
    token = (row) => encodeToken(['chatsByPreview', user.id, row[2], row[0]]);
  } else {
    const after = query.skipToken((text) => {
      const tuple = decodeToken(text, byIdToken);
      return tuple && tuple[1] === user.id ? tuple[2] : undefined;
    });
    const statement = ctx.sql.arraysOf(
      `SELECT c.id, c.json, 0 FROM chat_members m JOIN chats c ON c.tenant_id = m.tenant_id AND c.id = m.chat_id
       WHERE m.tenant_id = ? AND m.user_id = ? AND m.chat_id > ?${where} GROUP BY m.chat_id ORDER BY m.chat_id LIMIT ?`,
    );
    rows = statement.all(tenantId, user.id, after ?? '', ...selection.params, top + 1) as [
      string,
      string,
      number,
    ][];
    token = (row) => encodeToken(['chats', user.id, row[0]]);
  }

  const includeUnknown = wantsUnknownEnumMembers(req.headers);
  const count = Math.min(rows.length, top);
  const items = new Array<string>(count);
  for (let i = 0; i < count; i++)
    items[i] = expandedChat(
      ctx,
      { tenantId, chatId: rows[i][0], json: rows[i][1] },
      { expand, includeUnknown },
    );

  let nextLink: string | undefined;
  if (rows.length > top) {
    nextLink = link(req.baseUrl, `/users/${pathSegment(req.params.userId)}/chats`, [
      ...query.carried(['$top', '$expand', '$filter', '$orderby']),
      ['$skiptoken', token(rows[top - 1])],
    ]);
  }
  const context = metadataContext(req.baseUrl, `chats${expansionSuffix(expand)}`);
  return {
    status: 200,
    rawJson: rebaseGraphUrls(collectionBody({ context, count, nextLink, items }), req.baseUrl),
  };
}

export function getChat(ctx: RouteContext, req: GraphRequest): GraphResult {
  const tenantId = req.caller.tenantId;
  const chatId = req.params.chatId;
  const query = QueryOptions.read(req.query, ['$expand'], teamsQueryErrors);
  const expand = readExpand(query, req);
  const row = ctx.sql
    .arraysOf('SELECT json FROM chats WHERE tenant_id = ? AND id = ?')
    .get(tenantId, chatId) as [string] | undefined;
  if (!row) throw notFound(`The chat '${chatId}' was not found.`);
  const json = expandedChat(
    ctx,
    { tenantId, chatId, json: row[0] },
    {
      expand,
      includeUnknown: wantsUnknownEnumMembers(req.headers),
      membersContext: metadataContext(req.baseUrl, `${keySegment('chats', chatId)}/members`),
    },
  );
  const context = metadataContext(req.baseUrl, `chats${expansionSuffix(expand)}/$entity`);
  return {
    status: 200,
    rawJson: rebaseGraphUrls(withLeadingMembers(json, member('@odata.context', context)), req.baseUrl),
  };
}

/** All members, in their listed order: no cap and no paging [chat-list-members]. */
export function listChatMembers(ctx: RouteContext, req: GraphRequest): GraphResult {
  const tenantId = req.caller.tenantId;
  const chatId = req.params.chatId;
  QueryOptions.read(req.query, [], teamsQueryErrors);
  ctx.lookups.requireChat(tenantId, chatId);
  const items = chatMembers(ctx, tenantId, chatId, -1);
  const context = metadataContext(req.baseUrl, `${keySegment('chats', chatId)}/members`);
  return { status: 200, rawJson: collectionBody({ context, count: items.length, items }) };
}

function readExpand(query: QueryOptions, req: GraphRequest): Set<Expandable> {
  const expand = query.expand(EXPANDABLE);
  // Chat.ReadBasic.All reads names and members only: a message preview is message content.
  if (expand.has('lastMessagePreview') && !hasAnyRole(req.caller.roles, CHAT_MESSAGE_READ_ROLES)) {
    throw forbidden('Expanding lastMessagePreview needs Chat.Read.All or Chat.ReadWrite.All.');
  }
  return expand;
}

function expansionSuffix(expand: ReadonlySet<Expandable>): string {
  return expand.size === 0 ? '' : `(${[...expand].map((name) => `${name}()`).join(',')})`;
}

/**
 * The stored chat with its expansions appended. Expanded members stop at 25 on the list and on a
 * single chat alike: the cap is documented for the list, and nothing says a single chat is exempt.
 */
function expandedChat(
  ctx: RouteContext,
  chat: { tenantId: string; chatId: string; json: string },
  how: { expand: ReadonlySet<Expandable>; includeUnknown: boolean; membersContext?: string },
): string {
  if (how.expand.size === 0) return chat.json;
  const parts: string[] = [];
  if (how.expand.has('members')) {
    // A single chat annotates its expanded collection, as in the documented example [chat-get].
    if (how.membersContext) parts.push(member('members@odata.context', how.membersContext));
    parts.push(
      `"members":[${chatMembers(ctx, chat.tenantId, chat.chatId, EXPANDED_MEMBERS_LIMIT).join(',')}]`,
    );
  }
  if (how.expand.has('lastMessagePreview')) {
    parts.push(
      `"lastMessagePreview":${lastMessagePreview(ctx, chat.tenantId, chat.chatId, how.includeUnknown)}`,
    );
  }
  return withTrailingMembers(chat.json, parts.join(','));
}

function chatMembers(ctx: RouteContext, tenantId: string, chatId: string, limit: number): string[] {
  const statement = ctx.sql.arraysOf(
    'SELECT json FROM chat_members WHERE tenant_id = ? AND chat_id = ? ORDER BY ordinal, membership_id LIMIT ?',
  );
  return (statement.all(tenantId, chatId, limit) as [string][]).map((row) => row[0]);
}

/**
 * The chatMessageInfo Graph shows for a chat's latest message (deleted ones included, flagged):
 * id, createdDateTime, isDeleted, messageType, eventDetail, body, from [chat-list, lastMessagePreview].
 */
function lastMessagePreview(
  ctx: RouteContext,
  tenantId: string,
  chatId: string,
  includeUnknown: boolean,
): string {
  const statement = ctx.sql.arraysOf(
    'SELECT json, message_type, deleted FROM messages WHERE tenant_id = ? AND chat_id = ? ORDER BY created_ms DESC, id DESC LIMIT 1',
  );
  const row = statement.get(tenantId, chatId) as [string, string, number] | undefined;
  if (!row) return 'null';
  const message = JSON.parse(row[0]) as Record<string, unknown>;
  return JSON.stringify({
    id: message.id,
    createdDateTime: message.createdDateTime,
    isDeleted: row[2] === 1,
    messageType: visibleMessageType(row[1], includeUnknown),
    eventDetail: message.eventDetail ?? null,
    body: message.body ?? null,
    from: message.from ?? null,
  });
}

function chatSelection(query: QueryOptions, filter: FilterComparison[]): ChatSelection {
  const selection: ChatSelection = { conditions: [], params: [] };
  for (const { property, operator, literal } of filter) {
    if (property === 'chatType') {
      if (operator !== 'eq' || literal.kind !== 'string')
        throw query.errors.unsupported("$filter on chatType supports only eq '…'.");
      if (!CHAT_TYPES.has(literal.value))
        throw query.errors.malformed(`'${literal.value}' is not a chatType.`);
      selection.conditions.push('c.chat_type = ?');
      selection.params.push(literal.value);
    } else if (property === 'lastUpdatedDateTime') {
      if (literal.kind !== 'dateTime')
        throw query.errors.malformed('$filter on lastUpdatedDateTime needs a DateTimeOffset value.');
      switch (operator) {
        case 'gt':
          selection.conditions.push('c.last_updated_ms > ?');
          selection.params.push(exclusiveLowerBound(literal));
          break;
        case 'ge':
          selection.conditions.push('c.last_updated_ms > ?');
          selection.params.push(literal.ms - (literal.subMs ? 0 : 1));
          break;
        case 'lt':
          selection.conditions.push('c.last_updated_ms < ?');
          selection.params.push(exclusiveUpperBound(literal));
          break;
        case 'le':
          selection.conditions.push('c.last_updated_ms < ?');
          selection.params.push(literal.ms + 1);
          break;
        case 'eq':
        case 'ne':
          throw query.errors.unsupported(`$filter on lastUpdatedDateTime does not support '${operator}'.`);
      }
    } else {
      throw query.errors.unsupported(`$filter on '${property}' is not supported when listing chats.`);
    }
  }
  return selection;
}
