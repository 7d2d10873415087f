import type { ApiError } from '../api';

/** An error the shop answered, in its own words, announced to screen readers as it appears. */
export function Problem({ error }: { error: ApiError }) {
  return (
    <p class="problem" role="alert">
      {error.message}
    </p>
  );
}
