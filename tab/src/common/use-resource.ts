import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-client';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): Promise<void>;
  /** Replaces the data with what another call already answered (a report carries the new status). */
  set(data: T): void;
}

/** Loads once, reloads on demand; an answer that arrives after a newer request started is dropped. */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, error: asApiError(error), loading: false }));
    }
  }, []);

  useEffect(() => {
    void reload();
    // The caller's deps decide when to load again.
  }, deps);

  const set = useCallback((data: T) => {
    generation.current += 1;
    setState({ data, loading: false });
  }, []);

  return { data: state.data, error: state.error, loading: state.loading, reload, set };
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'internal', error instanceof Error ? error.message : 'Something went wrong.');
}
