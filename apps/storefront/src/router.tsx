/**
 * A router of a few lines: the path is the state, links push history entries, and the page re-renders
 * on navigation and on the back button. The gateway answers every page path with index.html.
 */
import type { ComponentChildren, ComponentProps } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const NAVIGATED = 'storefront:navigated';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => {
      setPath(location.pathname);
      window.scrollTo(0, 0);
      // A screen reader starts reading the new page, as after a page load, not from the old link.
      document.getElementById('main')?.focus({ preventScroll: true });
    };
    window.addEventListener(NAVIGATED, update);
    window.addEventListener('popstate', update);
    return () => {
      window.removeEventListener(NAVIGATED, update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

/** The path's parameters when it matches `pattern` (`/orders/:id`), else null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const wanted = pattern.split('/');
  const actual = path.replace(/\/$/, '').split('/');
  if (wanted.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of wanted.entries()) {
    const value = actual[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

type LinkProps = ComponentProps<'a'> & { href: string; children: ComponentChildren };

/** An ordinary link (it opens in a new tab, it can be copied) that navigates in place when clicked. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
