import { GRAPH_CANONICAL_BASE } from '../state/graph-urls';

/**
 * Pages of messages are assembled inside SQLite: one statement returns a whole page, annotations
 * and items, as UTF-8 bytes (`CAST(concat(…, group_concat(…), …) AS BLOB)`), and the response is
 * those bytes. Reading fifty stored JSON strings into JavaScript, joining them and encoding the
 * result back to UTF-8 costs more than the queries themselves; this way no message text is ever
 * decoded, and a page is one buffer from SQLite to the socket. Every further page-sized buffer
 * would cost more than its copy: V8 counts buffers against its heap limit, and under load each one
 * a page makes brings about four full garbage collections per thousand pages (measured with
 * bench/simulator-throughput.ts), each tens of milliseconds of marking. The rewrites a message may
 * need on the way out are SQL expressions that touch only the rows concerned: system messages
 * (`json_set`, see unknown-enum-members.ts) and, for the export APIs, the leading `@odata.type`.
 * Stored message JSON is compact, as JSON.stringify writes it: it starts with its `{`.
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

/** The annotations around a page's items, in the order Graph writes them. */
export interface PageFrame {
  context: string;
  /** Whether the page states `@odata.count`: how many items it holds. */
  counted: boolean;
  nextLink?: string;
  deltaLink?: string;
}

/**
 * A statement returning one row `[body, count]`: the whole page as JSON bytes, the messages
 * `fromWhereOrder` yields (see `pageSql`) between the annotations of a frame. Bind
 * `frameParams(frame)` first (the frame's `counted` must match), then the statement's own
 * parameters and the limit.
 */
export function pageBodySql(itemSql: string, fromWhereOrder: string, counted: boolean): string {
  // concat() skips the NULL of an empty group_concat and makes the page in one allocation.
  return `SELECT CAST(concat(?, ${counted ? 'count(*), ' : ''}?, group_concat(item, ','), ']}') AS BLOB), count(*) FROM (SELECT ${itemSql} AS item ${fromWhereOrder} LIMIT ?)`;
}

/** The two texts a `pageBodySql` statement puts around the count: what comes before it and after it. */
export function frameParams(frame: PageFrame): [string, string] {
  let before = `{"@odata.context":${JSON.stringify(frame.context)}`;
  if (frame.counted) before += ',"@odata.count":';
  let after = '';
  if (frame.nextLink !== undefined) after += `,"@odata.nextLink":${JSON.stringify(frame.nextLink)}`;
  if (frame.deltaLink !== undefined) after += `,"@odata.deltaLink":${JSON.stringify(frame.deltaLink)}`;
  return [before, `${after},"value":[`];
}

/** `[body, count]` as a `pageBodySql` statement returns it. */
export type PageBodyRow = [Buffer, number];

/**
 * An OData collection as bytes from pieces of comma-joined items (a page made of several
 * statements' rows): the frame's annotations first, then `value`. `count` is stated when the
 * frame is `counted`.
 */
export function collectionBytes(frame: PageFrame, count: number, items: readonly (Buffer | null)[]): Buffer {
  const [before, after] = frameParams(frame);
  const parts: Buffer[] = [Buffer.from(`${before}${frame.counted ? count : ''}${after}`)];
  for (const piece of items) {
    if (!piece || piece.length === 0) continue;
    if (parts.length > 1) parts.push(COMMA);
    parts.push(piece);
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
 *
 * `body` is the caller's to give away: a base no longer than Graph's (the simulator's own,
 * `https://127.0.0.1:<port>/v1.0`) is written over it in place, and the answer is a view of it.
 * Most pages hold an inline image somewhere, and a second page-sized buffer per page is what
 * this saves.
 */
export function rebaseGraphUrlBytes(body: Buffer, baseUrl: string): Buffer {
  const base = baseUrl.replace(/\/+$/, '');
  if (base === GRAPH_CANONICAL_BASE) return body;
  let at = body.indexOf(CANONICAL_PREFIX);
  if (at < 0) return body;
  const replacement = Buffer.from(`${base}/`);
  if (replacement.length <= CANONICAL_PREFIX.length) {
    // Each stretch between two URLs moves left by what the replacements before it saved, so the
    // writing never overtakes the reading.
    let to = at;
    let from = at;
    while (at >= 0) {
      if (to < from) body.copy(body, to, from, at);
      to += at - from;
      to += replacement.copy(body, to);
      from = at + CANONICAL_PREFIX.length;
      at = body.indexOf(CANONICAL_PREFIX, from);
    }
    if (to < from) body.copy(body, to, from);
    return body.subarray(0, to + body.length - from);
  }
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
