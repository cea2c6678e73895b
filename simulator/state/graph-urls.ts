/**
 * Graph URLs inside stored JSON (inline images in message bodies point at their hosted contents)
 * are written under Graph's public base. The simulator's own base carries a port that changes
 * from one start to the next while a tenant database may outlive it, so the Graph routes rewrite
 * the base when they serve a message: `rebaseGraphUrls(json, request.baseUrl)`.
 */
export const GRAPH_CANONICAL_BASE = 'https://graph.microsoft.com/v1.0';

/** Where an inline image's bytes are served, as Graph writes it into the `<img src>` of a body. */
export function hostedContentUrl(chatId: string, messageId: string, hostedContentId: string): string {
  return `${GRAPH_CANONICAL_BASE}/chats/${chatId}/messages/${messageId}/hostedContents/${hostedContentId}/$value`;
}

/** Rewrites every stored Graph URL in `text` (JSON or HTML) onto `baseUrl`, e.g. `https://127.0.0.1:8443/v1.0`. */
export function rebaseGraphUrls(text: string, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  if (base === GRAPH_CANONICAL_BASE) return text;
  return text.split(`${GRAPH_CANONICAL_BASE}/`).join(`${base}/`);
}

/** The Teams web link Graph puts in `chat.webUrl`. */
export function chatWebUrl(chatId: string, tenantId: string): string {
  return `https://teams.microsoft.com/l/chat/${encodeURIComponent(chatId)}/0?tenantId=${tenantId}`;
}
