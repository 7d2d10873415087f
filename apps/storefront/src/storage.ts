/**
 * What the storefront keeps in localStorage: the cart, the session, and which trace placed each order.
 * Each value is one JSON key; a value that does not parse (edited by hand, an older shape) reads as empty.
 */
import { useEffect, useState } from 'preact/hooks';

const CHANGED = 'storefront:storage';

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

function write<T>(key: string, value: T | null): void {
  if (value === null) localStorage.removeItem(key);
  else localStorage.setItem(key, JSON.stringify(value));
  window.dispatchEvent(new CustomEvent(CHANGED, { detail: key }));
}

/** A stored value as component state, kept in step across components and browser tabs. */
function useStored<T>(key: string, fallback: T): T {
  const [value, setValue] = useState(() => read(key, fallback));
  useEffect(() => {
    const reload = () => setValue(read(key, fallback));
    window.addEventListener(CHANGED, reload);
    window.addEventListener('storage', reload);
    return () => {
      window.removeEventListener(CHANGED, reload);
      window.removeEventListener('storage', reload);
    };
    // The fallback is a constant of each caller, so the key alone decides what is read.
  }, [key]);
  return value;
}

export interface CartLine {
  sku: string;
  quantity: number;
}

export interface Session {
  token: string;
  name: string;
  email: string;
  /** Epoch milliseconds after which the token is refused. */
  expiresAt: number;
}

const CART = 'storefront.cart';
const SESSION = 'storefront.session';
const TRACES = 'storefront.order-traces';
const NO_LINES: CartLine[] = [];

export const cart = {
  lines: () => read<CartLine[]>(CART, NO_LINES),
  use: () => useStored<CartLine[]>(CART, NO_LINES),
  add(sku: string, quantity = 1) {
    const lines = cart.lines();
    const line = lines.find((each) => each.sku === sku);
    write(
      CART,
      line
        ? lines.map((each) => (each.sku === sku ? { sku, quantity: each.quantity + quantity } : each))
        : [...lines, { sku, quantity }],
    );
  },
  set(sku: string, quantity: number) {
    write(
      CART,
      quantity <= 0
        ? cart.lines().filter((each) => each.sku !== sku)
        : cart.lines().map((each) => (each.sku === sku ? { sku, quantity } : each)),
    );
  },
  clear: () => write(CART, null),
};

const current = (session: Session | null) => (session && session.expiresAt > Date.now() ? session : null);

export const session = {
  get: () => current(read<Session | null>(SESSION, null)),
  use: () => current(useStored<Session | null>(SESSION, null)),
  set: (value: Session) => write(SESSION, value),
  clear: () => write(SESSION, null),
};

export const orderTraces = {
  get: (orderId: string): string | undefined => read<Record<string, string>>(TRACES, {})[orderId],
  set: (orderId: string, traceId: string) =>
    write(TRACES, { ...read<Record<string, string>>(TRACES, {}), [orderId]: traceId }),
};
