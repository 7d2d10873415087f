import type { ComponentChildren } from 'preact';
import { Link } from '../router';
import { cart, session } from '../storage';

/** Landmarks on every page: a skip link, the banner with the navigation, the main content, the footer. */
export function Layout({ children }: { children: ComponentChildren }) {
  const lines = cart.use();
  const user = session.use();
  const count = lines.reduce((sum, line) => sum + line.quantity, 0);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="banner">
        <Link href="/" class="brand">
          Shop
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href="/">Catalog</Link>
            </li>
            <li>
              <Link href="/cart">
                Cart <span class="badge">{count}</span>
                <span class="visually-hidden"> items</span>
              </Link>
            </li>
            {user ? (
              <>
                <li>
                  <Link href="/orders">Orders</Link>
                </li>
                <li>
                  <Link href="/emails">Mails</Link>
                </li>
                <li>
                  <button type="button" class="link-button" onClick={() => session.clear()}>
                    Log out {user.name}
                  </button>
                </li>
              </>
            ) : (
              <>
                <li>
                  <Link href="/login">Log in</Link>
                </li>
                <li>
                  <Link href="/signup">Sign up</Link>
                </li>
              </>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer class="footer">
        <p>A demo shop: no real money moves. Pay with one of the three test cards.</p>
      </footer>
    </>
  );
}
