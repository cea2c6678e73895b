import type { GraphRequest, GraphResult } from '../contracts';
import { rebaseGraphUrls } from '../state/graph-urls';
import { teamsQueryErrors } from './graph-errors';
import { purgedBefore, stillReadable } from './message-visibility';
import { keySegment, metadataContext } from './odata/links';
import { QueryOptions } from './odata/query-options';
import { collectionBody, member } from './odata/raw-json';
import type { RouteContext } from './route-context';
import { visibleMessageJson, wantsUnknownEnumMembers } from './unknown-enum-members';

/**
 * `GET /chats/{id}/pinnedMessages`, with `$expand=message` for the pinned message itself
 * [chat-list-pinnedmessages]. Items are shaped as in the documented examples: plain
 * `{@odata.type, id}` infos, or `{id, message}` when expanded. Latest pin first.
 */
export function listPinnedMessages(ctx: RouteContext, req: GraphRequest): GraphResult {
  const { chatId } = req.params;
  const tenantId = req.caller.tenantId;
  const query = QueryOptions.read(req.query, ['$expand'], teamsQueryErrors);
  const expandMessage = query.expand(['message'] as const).has('message');
  ctx.lookups.requireChat(tenantId, chatId);

  let items: string[];
  if (expandMessage) {
    const statement = ctx.sql.arraysOf(
      `SELECT p.id, m.json, m.message_type FROM pinned_messages p
       LEFT JOIN messages m ON m.tenant_id = p.tenant_id AND m.chat_id = p.chat_id AND m.id = p.message_id AND ${stillReadable('m')}
       WHERE p.tenant_id = ? AND p.chat_id = ? ORDER BY p.pinned_ms DESC, p.id`,
    );
    const includeUnknown = wantsUnknownEnumMembers(req.headers);
    const rows = statement.all(purgedBefore(ctx.now()), tenantId, chatId) as [
      string,
      string | null,
      string | null,
    ][];
    items = rows.map(([id, json, messageType]) => {
      const message =
        json === null || messageType === null
          ? 'null'
          : visibleMessageJson(json, messageType, includeUnknown);
      return `{${member('id', id)},"message":${message}}`;
    });
  } else {
    const statement = ctx.sql.arraysOf(
      'SELECT id FROM pinned_messages WHERE tenant_id = ? AND chat_id = ? ORDER BY pinned_ms DESC, id',
    );
    const rows = statement.all(tenantId, chatId) as [string][];
    items = rows.map(
      ([id]) => `{"@odata.type":"#microsoft.graph.pinnedChatMessageInfo",${member('id', id)}}`,
    );
  }
  const context = metadataContext(
    req.baseUrl,
    `${keySegment('chats', chatId)}/pinnedMessages${expandMessage ? '(message())' : ''}`,
  );
  return { status: 200, rawJson: rebaseGraphUrls(collectionBody({ context, items }), req.baseUrl) };
}
