import { GRAPH_CANONICAL_BASE } from '../state/graph-urls';

/**
 * Pages of messages are assembled inside SQLite: one statement returns a page's items already
 * joined, as UTF-8 bytes (`CAST(group_concat(…) AS BLOB)`), and the response is those bytes between
 * the annotations. Reading fifty stored JSON strings into JavaScript, joining them and encoding the
 * result back to UTF-8 costs more than the queries themselves; this way no message text is ever
 * decoded. The rewrites a message may need on the way out are SQL expressions that touch only the
 * rows concerned: system messages (`json_set`, see unknown-enum-members.ts) and, for the export
 * APIs, the leading `@odata.type`. Stored message JSON is compact, as JSON.stringify writes it: it
 * starts with its `{`.
 */

/** The SQL expression of one message as served, over the `messages` columns `json` and `message_type`. */
export function servedMessageSql(options: { includeUnknown: boolean; exported: boolean }): string {
  // Members added after unknownFutureValue are hidden without `Prefer: include-unknown-enum-members`.
  const visible = options.includeUnknown
    ? 'json'
    : `CASE WHEN message_type = 'systemEventMessage' THEN json_set(json, '$.messageType', 'unknownFutureValue') ELSE json END`;
  if (!options.exported) return visible;
  // The export APIs list the base type, so each item names its type first [chats-getallmessages];
  // a message stored with that member first keeps it. The text is cut as bytes (BLOB): SQLite
  // would otherwise walk every UTF-8 character of a message to drop the `{` in front.
  return `CASE WHEN ${visible} GLOB '{"@odata.type":*' THEN ${visible}
    ELSE '{"@odata.type":"#microsoft.graph.chatMessage",' || substr(CAST(${visible} AS BLOB), 2) END`;
}

/**
 * A statement returning one row `[items, count]`: the messages `selectFromWhereOrder` yields (it
 * must end in `ORDER BY …`; `LIMIT ?` is appended), each rendered by `itemSql`, comma-joined as bytes.
 * group_concat keeps the order of its LIMITed subquery, which SQLite never flattens into an aggregate.
 */
export function pageSql(itemSql: string, fromWhereOrder: string): string {
  return `SELECT CAST(group_concat(item, ',') AS BLOB), count(*) FROM (SELECT ${itemSql} AS item ${fromWhereOrder} LIMIT ?)`;
}

/** `[items, count]` as the page statement returns it; `items` is null for an empty page. */
export type PageRow = [Buffer | null, number];

/** An OData collection as bytes: annotations first, as Graph orders them, then `value`. */
export function collectionBytes(page: {
  context: string;
  count?: number;
  nextLink?: string;
  deltaLink?: string;
  items: readonly (Buffer | null)[];
}): Buffer {
  let head = `{"@odata.context":${JSON.stringify(page.context)}`;
  if (page.count !== undefined) head += `,"@odata.count":${page.count}`;
  if (page.nextLink !== undefined) head += `,"@odata.nextLink":${JSON.stringify(page.nextLink)}`;
  if (page.deltaLink !== undefined) head += `,"@odata.deltaLink":${JSON.stringify(page.deltaLink)}`;
  const parts: Buffer[] = [Buffer.from(`${head},"value":[`)];
  for (const items of page.items) {
    if (!items || items.length === 0) continue;
    if (parts.length > 1) parts.push(COMMA);
    parts.push(items);
  }
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');
const CANONICAL_PREFIX = Buffer.from(`${GRAPH_CANONICAL_BASE}/`);

/**
 * `rebaseGraphUrls` (state/graph-urls.ts) on bytes: stored Graph URLs (inline images point at their
 * hosted contents) moved onto the base the client called. UTF-8 never has the prefix's bytes
 * inside another character, so a byte search finds exactly what a text search would.
 */
export function rebaseGraphUrlBytes(body: Buffer, baseUrl: string): Buffer {
  const base = baseUrl.replace(/\/+$/, '');
  if (base === GRAPH_CANONICAL_BASE) return body;
  let at = body.indexOf(CANONICAL_PREFIX);
  if (at < 0) return body;
  const replacement = Buffer.from(`${base}/`);
  const parts: Buffer[] = [];
  let from = 0;
  while (at >= 0) {
    parts.push(body.subarray(from, at), replacement);
    from = at + CANONICAL_PREFIX.length;
    at = body.indexOf(CANONICAL_PREFIX, from);
  }
  parts.push(body.subarray(from));
  return Buffer.concat(parts);
}
