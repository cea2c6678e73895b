import type { GraphChatMessage } from '../../graph/tenant-graph-source';

/** Where one hosted content of a message is read from. */
export interface HostedContentLocation {
  chatId: string;
  messageId: string;
  hostedContentId: string;
}

/**
 * `…/chats/{chatId}/messages/{messageId}/hostedContents/{id}/$value`, as Graph writes inline images
 * into HTML bodies [chat-list-messages, second example]. Hosted content ids are base64 and may
 * hold `/` and `+`, so an id runs up to the `/$value` that ends the URL, never past a quote,
 * whitespace or tag boundary.
 */
const HOSTED_CONTENT_URL =
  /(?:\/chats\/([^/"'\s<>]+)\/messages\/([^/"'\s<>]+)\/)?hostedContents\/([^"'\s<>]+?)\/\$value/g;

/**
 * The hosted contents a message's body refers to, each once, in order of first mention. A URL that
 * names its chat and message is read from there (a quoted or forwarded image lives with its
 * original message); a relative one belongs to the message itself. Deleted messages have no body
 * to read, and text bodies never carry hosted contents.
 */
export function hostedContentsIn(message: GraphChatMessage, chatId: string): HostedContentLocation[] {
  const body = message.body;
  if (message.deletedDateTime || !body || body.contentType !== 'html' || !body.content) return [];
  const html = body.content.replace(/&amp;/g, '&');
  const found = new Map<string, HostedContentLocation>();
  for (const match of html.matchAll(HOSTED_CONTENT_URL)) {
    const location: HostedContentLocation = {
      chatId: match[1] ? decode(match[1]) : chatId,
      messageId: match[2] ? decode(match[2]) : message.id,
      hostedContentId: decode(match[3]!),
    };
    const key = locationKey(location);
    if (!found.has(key)) found.set(key, location);
  }
  return [...found.values()];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Not percent-encoded after all (a stray `%`): the segment is the id as written.
    return segment;
  }
}

/** One string per location, for maps and sets. */
export function locationKey(location: HostedContentLocation): string {
  return `${location.chatId}\u0000${location.messageId}\u0000${location.hostedContentId}`;
}
