import type { GraphRequest, GraphResult } from '../contracts';
import { notFound, teamsQueryErrors } from './graph-errors';
import { STILL_READABLE_SQL, purgedBefore } from './message-visibility';
import { keySegment, metadataContext } from './odata/links';
import { QueryOptions } from './odata/query-options';
import { collectionBody, member, withLeadingMembers } from './odata/raw-json';
import type { RouteContext } from './route-context';

/**
 * Hosted contents of a chat message: inline images and the like referenced from the message's HTML
 * [chatmessage-list-hostedcontents, chatmessagehostedcontent-get]. In JSON `contentBytes` and
 * `contentType` are always null; the bytes come from `…/$value`, their kind in `content-type`.
 * None of these take OData query options.
 */

export function listHostedContents(ctx: RouteContext, req: GraphRequest): GraphResult {
  const { chatId, messageId } = req.params;
  QueryOptions.read(req.query, [], teamsQueryErrors);
  requireMessage(ctx, req);
  const statement = ctx.sql.arraysOf(
    'SELECT id FROM hosted_contents WHERE tenant_id = ? AND chat_id = ? AND message_id = ? ORDER BY id',
  );
  const ids = statement.all(req.caller.tenantId, chatId, messageId) as [string][];
  const items = ids.map(([id]) => hostedContentJson(id));
  const context = metadataContext(
    req.baseUrl,
    `${keySegment('chats', chatId)}/messages('${messageId}')/hostedContents`,
  );
  return { status: 200, rawJson: collectionBody({ context, count: items.length, items }) };
}

export function getHostedContent(ctx: RouteContext, req: GraphRequest): GraphResult {
  const { chatId, messageId, hostedContentId } = req.params;
  QueryOptions.read(req.query, [], teamsQueryErrors);
  requireMessage(ctx, req);
  const found = ctx.sql
    .arraysOf(
      'SELECT 1 FROM hosted_contents WHERE tenant_id = ? AND chat_id = ? AND message_id = ? AND id = ?',
    )
    .get(req.caller.tenantId, chatId, messageId, hostedContentId);
  if (!found) throw notFound(`The hosted content '${hostedContentId}' was not found.`);
  const context = metadataContext(
    req.baseUrl,
    `${keySegment('chats', chatId)}/messages('${messageId}')/hostedContents/$entity`,
  );
  return {
    status: 200,
    rawJson: withLeadingMembers(hostedContentJson(hostedContentId), member('@odata.context', context)),
  };
}

export function getHostedContentValue(ctx: RouteContext, req: GraphRequest): GraphResult {
  const { chatId, messageId, hostedContentId } = req.params;
  QueryOptions.read(req.query, [], teamsQueryErrors);
  requireMessage(ctx, req);
  const row = ctx.sql
    .arraysOf(
      `SELECT b.bytes, b.content_type FROM hosted_contents h JOIN content_blobs b ON b.sha256 = h.blob_sha256
       WHERE h.tenant_id = ? AND h.chat_id = ? AND h.message_id = ? AND h.id = ?`,
    )
    .get(req.caller.tenantId, chatId, messageId, hostedContentId) as [Buffer, string] | undefined;
  if (!row) throw notFound(`The hosted content '${hostedContentId}' was not found.`);
  return { status: 200, bytes: row[0], contentType: row[1] };
}

function hostedContentJson(id: string): string {
  return `{${member('id', id)},"contentBytes":null,"contentType":null}`;
}

/** Hosted contents live and die with their message: unknown, other-tenant or purged is 404. */
function requireMessage(ctx: RouteContext, req: GraphRequest): void {
  const { chatId, messageId } = req.params;
  const found = ctx.sql
    .arraysOf(
      `SELECT 1 FROM messages WHERE tenant_id = ? AND chat_id = ? AND id = ? AND ${STILL_READABLE_SQL}`,
    )
    .get(req.caller.tenantId, chatId, messageId, purgedBefore(ctx.now()));
  if (!found) throw notFound(`The message '${messageId}' was not found in chat '${chatId}'.`);
}
