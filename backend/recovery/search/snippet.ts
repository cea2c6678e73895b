import { foldText } from '../../store/search-text';

const WORD = /[\p{L}\p{N}]+/gu;
const BEFORE = 60;
const LENGTH = 200;

/**
 * Up to 200 characters of `text` around the first word matching one of the search terms (folded as
 * the index folds them; the last term as a beginning when `prefix`), cut at spaces and marked with
 * ellipses where text was left out.
 */
export function snippetOf(text: string, terms: readonly string[], prefix: boolean): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const wanted = new Set(terms);
  const begun = prefix ? terms[terms.length - 1] : undefined;
  let at = 0;
  for (const match of flat.matchAll(WORD)) {
    const word = foldText(match[0]);
    if (wanted.has(word) || (begun !== undefined && word.startsWith(begun))) {
      at = match.index;
      break;
    }
  }
  let start = Math.max(0, at - BEFORE);
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    if (space !== -1 && space < at) start = space + 1;
  }
  let end = Math.min(flat.length, start + LENGTH);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > at) end = space;
  }
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
