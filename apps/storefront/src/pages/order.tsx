import { useEffect, useState } from 'preact/hooks';
import { api, type ApiError, type Order } from '../api';
import { Loading } from '../components/loading';
import { Price } from '../components/price';
import { Problem } from '../components/problem';
import { formatDateTime } from '../format';
import { Link } from '../router';
import { orderTraces, session } from '../storage';
import { asApiError, useLoad } from '../use-load';

const STATUS_TEXT = {
  PENDING: 'Processing',
  CONFIRMED: 'Confirmed',
  CANCELLED: 'Cancelled',
} as const;

export function statusText(order: Order): string {
  const text = STATUS_TEXT[order.status];
  return order.status === 'CANCELLED' && order.cancellationReason
    ? `${text} (${order.cancellationReason})`
    : text;
}

/** Follows the order's status stream until it settles; a broken stream is said, and can be resumed. */
function useLiveOrder(token: string, id: string) {
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    api.followOrder(token, id, setOrder, abort.signal).catch((failure: unknown) => {
      if (!abort.signal.aborted) setError(asApiError(failure));
    });
    return () => abort.abort();
  }, [token, id, attempt]);
  return { order, error, retry: () => setAttempt((count) => count + 1) };
}

export function OrderPage({ id, jaegerUiUrl }: { id: string; jaegerUiUrl: string | null }) {
  const user = session.use();
  if (!user)
    return (
      <>
        <h1>Order</h1>
        <p>
          Please <Link href={`/login?next=/orders/${encodeURIComponent(id)}`}>log in</Link> to see this order.
        </p>
      </>
    );
  return <LiveOrder token={user.token} id={id} jaegerUiUrl={jaegerUiUrl} />;
}

function LiveOrder({ token, id, jaegerUiUrl }: { token: string; id: string; jaegerUiUrl: string | null }) {
  const { order, error, retry } = useLiveOrder(token, id);
  const products = useLoad(api.products, 'products');
  const productOf = (sku: string) =>
    products.state === 'done' ? products.value.find((product) => product.sku === sku) : undefined;
  if (error && (error.status === 404 || error.status === 400))
    return (
      <>
        <h1>Order not found</h1>
        <p>There is no order {id} in your account.</p>
        <Link href="/orders">Your orders</Link>
      </>
    );
  const traceId = orderTraces.get(id);
  return (
    <>
      <h1>Order</h1>
      <p class="muted">{id}</p>
      <p class="status-line">
        Status:{' '}
        <strong
          role="status"
          aria-live="polite"
          class={`status status-${order?.status.toLowerCase() ?? 'unknown'}`}
        >
          {order ? statusText(order) : 'Loading…'}
        </strong>
      </p>
      {error && (
        <div>
          <Problem error={error} />
          <button type="button" onClick={retry}>
            Try again
          </button>
        </div>
      )}
      {!order && !error && <Loading what="the order" />}
      {order && (
        <>
          <ul class="summary items">
            {order.items.map((item) => (
              <li key={item.sku}>
                {productOf(item.sku) && (
                  <img src={productOf(item.sku)?.imageUrl} alt="" width={64} height={48} />
                )}
                {item.quantity} × {productOf(item.sku)?.name ?? item.sku}{' '}
                <Price cents={item.quantity * item.unitPriceCents} currency={order.currency} />
              </li>
            ))}
          </ul>
          <p class="big">
            Total <Price cents={order.totalCents} currency={order.currency} />
          </p>
          <p class="muted">Placed {formatDateTime(order.createdAt)}</p>
        </>
      )}
      {jaegerUiUrl && traceId && (
        <p>
          <a href={`${jaegerUiUrl.replace(/\/$/, '')}/trace/${traceId}`} target="_blank" rel="noreferrer">
            See this checkout’s trace in Jaeger
          </a>
        </p>
      )}
    </>
  );
}
