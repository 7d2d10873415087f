import { useState } from 'preact/hooks';
import { api, type ApiError, type Email } from '../api';
import { Loading } from '../components/loading';
import { Problem } from '../components/problem';
import { formatDateTime } from '../format';
import { Link } from '../router';
import { session } from '../storage';
import { asApiError, useLoad } from '../use-load';

export function EmailsPage() {
  const user = session.use();
  if (!user)
    return (
      <>
        <h1>Mails sent to you</h1>
        <p>
          Please <Link href="/login?next=/emails">log in</Link> to see the mails the shop sent you.
        </p>
      </>
    );
  return <Mails token={user.token} />;
}

function Mails({ token }: { token: string }) {
  const first = useLoad(() => api.emails(token), token);
  const [more, setMore] = useState<Email[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  if (first.state === 'loading') return <Loading what="your mails" />;
  if (first.state === 'failed') return <Problem error={first.error} />;
  const emails = [...first.value.items, ...more];
  const next = cursor === undefined ? first.value.nextCursor : cursor;
  const loadMore = async () => {
    try {
      const page = await api.emails(token, next);
      setMore([...more, ...page.items]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(asApiError(failure));
    }
  };
  return (
    <>
      <h1>Mails sent to you</h1>
      {emails.length === 0 ? (
        <p>No mails yet.</p>
      ) : (
        <ul class="history">
          {emails.map((email) => (
            <li key={email.id}>
              <strong>{email.subject}</strong> <span class="muted">{formatDateTime(email.sentAt)}</span>
            </li>
          ))}
        </ul>
      )}
      {error && <Problem error={error} />}
      {next && (
        <button type="button" onClick={() => void loadMore()}>
          Older mails
        </button>
      )}
    </>
  );
}
