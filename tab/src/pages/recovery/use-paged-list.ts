import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../api/api-client';
import type { RecoveryPage } from '../../api/recovery-types';
import { asApiError } from '../../common/use-resource';

export interface PagedList<T> {
  items: T[] | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** True while the server has more after the items shown. */
  hasMore: boolean;
  more(): Promise<void>;
}

/**
 * A list the server hands out a page at a time (`{items, next}`): the first page whenever the deps
 * change, the next ones appended on demand. An answer to an older request is dropped.
 */
export function usePagedList<T>(
  load: (cursor: string | undefined) => Promise<RecoveryPage<T>>,
  deps: readonly unknown[],
): PagedList<T> {
  const [items, setItems] = useState<T[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    setItems(undefined);
    loadRef.current(undefined).then(
      (page) => {
        if (mine !== generation.current) return;
        setItems(page.items);
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

  return { items, error, loading, hasMore: next !== undefined, more };
}
