import sanitizeHtml from 'sanitize-html';

/**
 * What the search index holds of a message version, and how words become terms. Shared by every
 * adapter, so that SQLite (FTS5, tokenizer `unicode61 remove_diacritics 2`) and Cosmos DB (an array
 * of terms per version) split, fold and match words alike: letters and digits in runs, case and
 * accents ignored.
 */

/** The words of a version: its subject, the text of its body, and the names of its attachments. */
export function searchableText(message: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof message['subject'] === 'string') parts.push(message['subject']);
  const body = message['body'] as { contentType?: unknown; content?: unknown } | null | undefined;
  if (body && typeof body.content === 'string' && body.content !== '') {
    parts.push(body.contentType === 'html' ? htmlText(body.content) : body.content);
  }
  const attachments = Array.isArray(message['attachments']) ? message['attachments'] : [];
  for (const attachment of attachments as { name?: unknown }[]) {
    if (typeof attachment?.name === 'string') parts.push(attachment.name);
  }
  return parts.join('\n');
}

/**
 * The text of an HTML body, through the sanitiser with no tag allowed (so scripts' and styles'
 * contents go too). A space before every tag keeps `<p>one</p><p>two</p>` two words.
 */
export function htmlText(html: string): string {
  const text = sanitizeHtml(html.replace(/</g, ' <'), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title'],
  });
  // The sanitiser escapes these in the text it returns; words are what the index needs.
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const TERM = /[\p{L}\p{N}]+/gu;

/** Lower case, accents taken off: how both indexes fold a word. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The terms of a text in order, repeats kept: runs of letters and digits, folded. */
export function searchTerms(text: string): string[] {
  return foldText(text).match(TERM) ?? [];
}

/** At most this many distinct terms of one version are indexed (a Cosmos DB document stays small). */
export const MAX_INDEXED_TERMS = 2000;

/** The distinct terms of a text, for an index that stores them as a set. */
export function distinctTerms(text: string): string[] {
  return [...new Set(searchTerms(text))].slice(0, MAX_INDEXED_TERMS);
}
