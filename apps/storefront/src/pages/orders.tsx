import { useState } from 'preact/hooks';
import { api, type ApiError, type Order } from '../api';
import { Loading } from '../components/loading';
import { Price } from '../components/price';
import { Problem } from '../components/problem';
import { formatDateTime } from '../format';
import { Link } from '../router';
import { session } from '../storage';
import { asApiError, useLoad } from '../use-load';
import { statusText } from './order';

export function OrdersPage() {
  const user = session.use();
  if (!user)
    return (
      <>
        <h1>Your orders</h1>
        <p>
          Please <Link href="/login?next=/orders">log in</Link> to see your orders.
        </p>
      </>
    );
  return <OrderHistory token={user.token} />;
}

function OrderHistory({ token }: { token: string }) {
  const first = useLoad(() => api.orders(token), token);
  const [more, setMore] = useState<Order[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  if (first.state === 'loading') return <Loading what="your orders" />;
  if (first.state === 'failed') return <Problem error={first.error} />;
  const orders = [...first.value.items, ...more];
  const next = cursor === undefined ? first.value.nextCursor : cursor;
  const loadMore = async () => {
    try {
      const page = await api.orders(token, next);
      setMore([...more, ...page.items]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError(asApiError(failure));
    }
  };
  return (
    <>
      <h1>Your orders</h1>
      {orders.length === 0 ? (
        <p>
          No orders yet. <Link href="/">Browse the catalog</Link>
        </p>
      ) : (
        <ul class="history">
          {orders.map((order) => (
            <li key={order.id}>
              <Link href={`/orders/${order.id}`}>{formatDateTime(order.createdAt)}</Link>{' '}
              <Price cents={order.totalCents} currency={order.currency} />{' '}
              <span class={`status status-${order.status.toLowerCase()}`}>{statusText(order)}</span>
            </li>
          ))}
        </ul>
      )}
      {error && <Problem error={error} />}
      {next && (
        <button type="button" onClick={() => void loadMore()}>
          Older orders
        </button>
      )}
    </>
  );
}
