import { Link } from '../router';

export function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is nothing at {location.pathname}. <Link href="/">Back to the catalog</Link>
      </p>
    </>
  );
}
