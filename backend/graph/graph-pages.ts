import { graphReadError } from './graph-read-failures';
import type { GraphCall, PacedGraphRequester } from './paced-graph-requester';

interface CollectionPage {
  value: unknown[];
  nextLink?: string;
}

/**
 * The pages of a Graph collection, in order, following `@odata.nextLink` to the end. A page is
 * yielded only once it was read whole, so retries never show: each page comes out exactly once.
 */
export async function* collectionPages<T>(
  requester: PacedGraphRequester,
  graphBaseUrl: string,
  firstUrl: string,
  call: GraphCall,
  signal?: AbortSignal,
): AsyncGenerator<T[], void, undefined> {
  const origin = new URL(graphBaseUrl).origin;
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    const { body } = await requester.get(url, call, signal);
    const page = parsePage(body, call);
    yield page.value as T[];
    if (page.nextLink !== undefined && new URL(page.nextLink).origin !== origin) {
      // The bearer token goes only to the configured Graph host, never where a response points.
      throw graphReadError('unavailable', `${call.what} (its next page is on another host than ${origin})`);
    }
    url = page.nextLink;
  }
}

/** Every item of a collection, for the small ones read whole (members, pins). */
export async function allItems<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
}

function parsePage(body: Buffer, call: GraphCall): CollectionPage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw graphReadError('unavailable', `${call.what} (the answer was not JSON)`);
  }
  const page = parsed as { value?: unknown; '@odata.nextLink'?: unknown };
  if (!Array.isArray(page.value))
    throw graphReadError('unavailable', `${call.what} (the answer had no "value" list)`);
  const next = page['@odata.nextLink'];
  if (next !== undefined && next !== null && typeof next !== 'string') {
    throw graphReadError('unavailable', `${call.what} (its "@odata.nextLink" was not a link)`);
  }
  return typeof next === 'string' ? { value: page.value, nextLink: next } : { value: page.value };
}
