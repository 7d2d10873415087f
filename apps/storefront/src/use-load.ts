import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';

export type Loaded<T> =
  { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: ApiError };

const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError
    ? error
    : new ApiError(0, 'UNKNOWN', error instanceof Error ? error.message : String(error));

/** Loads once per change of `key`; an answer that arrives after the key changed is dropped. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (value) => current && setLoaded({ state: 'done', value }),
      (error: unknown) => current && setLoaded({ state: 'failed', error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
    // `key` names what `load` loads.
  }, [key]);
  return loaded;
}

export { asApiError };
