import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/api-client';
import { asApiError } from './use-resource';

/**
 * One page of a list the server hands out a page at a time: `next` is the cursor of the page after
 * it; `summary` what the answer says of the whole list (a total, the order asked for).
 */
export interface Page<T, S = undefined> {
  items: T[];
  next?: string | undefined;
  summary?: S;
}

export interface PagedList<T, S = undefined> {
  items: T[] | undefined;
  /** The summary of the first page of the items shown. */
  summary: S | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** True while the server has more after the items shown. */
  hasMore: boolean;
  more(): Promise<void>;
}

export interface PagedListOptions {
  /**
   * Keep the items on screen while the first page is read again: the same list refreshed or sorted
   * anew, so the table (and the focus in it) stays. Without it they go at once: another list is
   * coming, and the old one must not pass for it meanwhile.
   */
  keepWhileReloading?: boolean;
}

/**
 * The first page whenever the deps change, the next ones appended on demand. An answer to an older
 * request is dropped.
 */
export function usePagedList<T, S = undefined>(
  load: (cursor: string | undefined) => Promise<Page<T, S>>,
  deps: readonly unknown[],
  options: PagedListOptions = {},
): PagedList<T, S> {
  const [items, setItems] = useState<T[]>();
  const [summary, setSummary] = useState<S>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const keep = options.keepWhileReloading === true;

  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    // The old list's cursor must not fetch into the new one (say its first page fails).
    setNext(undefined);
    if (!keep) setItems(undefined);
    loadRef.current(undefined).then(
      (page) => {
        if (mine !== generation.current) return;
        setItems(page.items);
        setSummary(page.summary);
        setNext(page.next);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (mine !== generation.current) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
    // The caller's deps decide when to start again.
  }, deps);

  const more = useCallback(async () => {
    if (!next) return;
    const mine = generation.current;
    setLoading(true);
    try {
      const page = await loadRef.current(next);
      if (mine !== generation.current) return;
      setItems((prev) => [...(prev ?? []), ...page.items]);
      setNext(page.next);
    } catch (failure) {
      if (mine === generation.current) setError(asApiError(failure));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [next]);

  return { items, summary, error, loading, hasMore: next !== undefined, more };
}
