/**
 * Absolute links the simulator hands back (`@odata.nextLink`, `@odata.deltaLink`, `@odata.context`),
 * always built on the base URL the client called, so they lead back to this simulator.
 */

/**
 * Encodes one path segment the way Graph writes its own links: chat ids keep their `:` and `@`
 * (`/chats/19:abc@thread.v2/messages`), anything else unsafe is percent-encoded.
 */
export function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%40/g, '@');
}

/** `baseUrl` + `path` (already encoded) + the query parameters, values percent-encoded. */
export function link(baseUrl: string, path: string, params: readonly (readonly [string, string])[]): string {
  const query = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return query ? `${baseUrl}${path}?${query}` : `${baseUrl}${path}`;
}

/** `@odata.context` for a resource path (`chats('…')/messages`, `users`, …). */
export function metadataContext(baseUrl: string, fragment: string): string {
  return `${baseUrl}/$metadata#${fragment}`;
}

/** The key segment of a context URL, e.g. `chats('19%3Aabc%40thread.v2')`, as Graph encodes it. */
export function keySegment(collection: string, id: string): string {
  return `${collection}('${encodeURIComponent(id)}')`;
}
