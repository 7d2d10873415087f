import { useEffect } from 'preact/hooks';
import { api } from './api';
import { Layout } from './components/layout';
import { CartPage } from './pages/cart';
import { CatalogPage } from './pages/catalog';
import { CheckoutPage } from './pages/checkout';
import { EmailsPage } from './pages/emails';
import { LogInPage } from './pages/log-in';
import { NotFoundPage } from './pages/not-found';
import { OrderPage } from './pages/order';
import { OrdersPage } from './pages/orders';
import { ProductPage } from './pages/product';
import { SignUpPage } from './pages/sign-up';
import { match, usePath } from './router';
import { useLoad } from './use-load';

const TITLES: [pattern: RegExp, title: string][] = [
  [/^\/$/, 'Catalog'],
  [/^\/products\//, 'Product'],
  [/^\/cart$/, 'Cart'],
  [/^\/checkout$/, 'Check out'],
  [/^\/orders\/[^/]+$/, 'Order'],
  [/^\/orders$/, 'Orders'],
  [/^\/emails$/, 'Mails'],
  [/^\/login$/, 'Log in'],
  [/^\/signup$/, 'Sign up'],
];

function Page({ path, jaegerUiUrl }: { path: string; jaegerUiUrl: string | null }) {
  if (path === '/') return <CatalogPage />;
  const product = match('/products/:sku', path);
  if (product?.['sku']) return <ProductPage sku={product['sku']} />;
  if (path === '/cart') return <CartPage />;
  if (path === '/checkout') return <CheckoutPage />;
  if (path === '/login') return <LogInPage />;
  if (path === '/signup') return <SignUpPage />;
  if (path === '/orders') return <OrdersPage />;
  if (path === '/emails') return <EmailsPage />;
  const order = match('/orders/:id', path);
  if (order?.['id']) return <OrderPage id={order['id']} jaegerUiUrl={jaegerUiUrl} />;
  return <NotFoundPage />;
}

export function App() {
  const path = usePath();
  // Without its config (an older gateway, a network blip) the shop still works: only the trace link is left out.
  const config = useLoad(api.config, 'config');
  const jaegerUiUrl = config.state === 'done' ? config.value.jaegerUiUrl : null;
  useEffect(() => {
    const title = TITLES.find(([pattern]) => pattern.test(path))?.[1] ?? 'Not found';
    document.title = `${title} · Shop`;
  }, [path]);
  return (
    <Layout>
      <Page path={path} jaegerUiUrl={jaegerUiUrl} />
    </Layout>
  );
}
