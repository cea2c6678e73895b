/**
 * Assembling response bodies from stored JSON text without parsing it: Graph resources are kept as
 * the exact JSON Graph returns, and a response is that text with annotations around it. Stored
 * text is trusted to be one JSON object (the state layer writes it with JSON.stringify). Pages of
 * messages, the bulk of the traffic, are assembled as bytes instead (message-pages.ts).
 */

/** One `"name":value` member, value serialised. */
export function member(name: string, value: unknown): string {
  return `${JSON.stringify(name)}:${JSON.stringify(value)}`;
}

/** The object `json` with `members` (joined `"name":value` text) inserted before its own members. */
export function withLeadingMembers(json: string, members: string): string {
  const open = json.indexOf('{');
  if (open < 0) throw new Error('Stored resource is not a JSON object.');
  const rest = json.slice(open + 1);
  return isEmptyObjectRest(rest) ? `{${members}}` : `{${members},${rest}`;
}

/** The object `json` with `members` appended after its own members. */
export function withTrailingMembers(json: string, members: string): string {
  const close = json.lastIndexOf('}');
  if (close < 0) throw new Error('Stored resource is not a JSON object.');
  const head = json.slice(0, close);
  return /\{\s*$/.test(head) ? `${head}${members}}` : `${head},${members}}`;
}

function isEmptyObjectRest(rest: string): boolean {
  return /^\s*\}\s*$/.test(rest);
}

/** An OData collection body: annotations first, as Graph orders them, then `value`. */
export function collectionBody(page: {
  context: string;
  count?: number;
  nextLink?: string;
  deltaLink?: string;
  items: readonly string[];
}): string {
  let head = `{"@odata.context":${JSON.stringify(page.context)}`;
  if (page.count !== undefined) head += `,"@odata.count":${page.count}`;
  if (page.nextLink !== undefined) head += `,"@odata.nextLink":${JSON.stringify(page.nextLink)}`;
  if (page.deltaLink !== undefined) head += `,"@odata.deltaLink":${JSON.stringify(page.deltaLink)}`;
  return `${head},"value":[${page.items.join(',')}]}`;
}
