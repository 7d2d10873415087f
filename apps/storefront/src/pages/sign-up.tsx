import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { Field, formText } from '../components/field';
import { Problem } from '../components/problem';
import { logIn, nextPath } from '../log-in';
import { Link, navigate } from '../router';
import { asApiError } from '../use-load';

export function SignUpPage() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = formText(form, 'email');
    const password = formText(form, 'password');
    setBusy(true);
    setError(null);
    try {
      await api.signUp({ name: formText(form, 'name'), email, password });
      await logIn(email, password);
      navigate(nextPath(), { replace: true });
    } catch (failure) {
      setError(asApiError(failure));
      setBusy(false);
    }
  };
  return (
    <>
      <h1>Sign up</h1>
      <form class="form" onSubmit={(event) => void onSubmit(event)}>
        <Field id="name" label="Name" name="name" autoComplete="name" required maxLength={100} />
        <Field id="email" label="Email" name="email" type="email" autoComplete="email" required />
        <Field
          id="password"
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="At least 8 characters."
          required
          minLength={8}
          maxLength={128}
        />
        {error && <Problem error={error} />}
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <Link href={`/login${location.search}`}>Log in</Link>
      </p>
    </>
  );
}
