import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { Field, formText } from '../components/field';
import { Problem } from '../components/problem';
import { logIn, nextPath } from '../log-in';
import { Link, navigate } from '../router';
import { asApiError } from '../use-load';

export function LogInPage() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await logIn(formText(form, 'email'), formText(form, 'password'));
      navigate(nextPath(), { replace: true });
    } catch (failure) {
      setError(asApiError(failure));
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Log in</h1>
      <form class="form" onSubmit={(event) => void onSubmit(event)}>
        <Field id="email" label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          id="password"
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        {error && <Problem error={error} />}
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
      <p>
        New here? <Link href={`/signup${location.search}`}>Sign up</Link>
      </p>
    </>
  );
}
