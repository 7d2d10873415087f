import { useState } from 'preact/hooks';
import { api, type ApiError } from '../api';
import { Loading } from '../components/loading';
import { Price } from '../components/price';
import { Problem } from '../components/problem';
import { Link, navigate } from '../router';
import { cart, orderTraces, session } from '../storage';
import { traceClick } from '../telemetry';
import { asApiError, useLoad } from '../use-load';
import { EmptyCart, priced, totalCents } from './cart';

/** The simulated card network's test cards, by the name a shopper reads. */
export const TEST_CARDS = [
  { id: 'pm_card_visa', name: 'Visa (payment succeeds)' },
  { id: 'pm_card_chargeDeclined', name: 'Declined card' },
  { id: 'pm_card_chargeDeclinedInsufficientFunds', name: 'Card with insufficient funds' },
] as const;

export function CheckoutPage() {
  const user = session.use();
  const lines = cart.use();
  const products = useLoad(api.products, 'products');
  // One key per visit of this page: a second click, or a retry after a lost answer, places one order.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [card, setCard] = useState<string>(TEST_CARDS[0].id);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  if (!user)
    return (
      <>
        <h1>Check out</h1>
        <p>
          Please <Link href="/login?next=/checkout">log in</Link> or{' '}
          <Link href="/signup?next=/checkout">sign up</Link> to place your order.
        </p>
      </>
    );
  if (lines.length === 0) return <EmptyCart title="Check out" />;
  if (products.state === 'loading') return <Loading what="the cart" />;
  if (products.state === 'failed') return <Problem error={products.error} />;
  const rows = priced(lines, products.value);

  const placeOrder = async (button: HTMLElement) => {
    setBusy(true);
    setError(null);
    try {
      const { order, traceId } = await traceClick(button, 'place-order', () =>
        api.placeOrder(
          user.token,
          { items: rows.map(({ sku, quantity }) => ({ sku, quantity })), paymentMethod: card },
          idempotencyKey,
        ),
      );
      if (traceId) orderTraces.set(order.id, traceId);
      cart.clear();
      navigate(`/orders/${order.id}`);
    } catch (failure) {
      setError(asApiError(failure));
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Check out</h1>
      <ul class="summary">
        {rows.map((line) => (
          <li key={line.sku}>
            {line.quantity} × {line.product.name}{' '}
            <Price cents={line.quantity * line.product.priceCents} currency={line.product.currency} />
          </li>
        ))}
      </ul>
      <p class="big">
        Total <Price cents={totalCents(rows)} currency={rows[0]?.product.currency ?? 'EUR'} />
      </p>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void placeOrder(event.submitter ?? event.currentTarget);
        }}
      >
        <fieldset>
          <legend>Test card</legend>
          {TEST_CARDS.map((each) => (
            <div class="choice" key={each.id}>
              <input
                type="radio"
                id={each.id}
                name="card"
                value={each.id}
                checked={card === each.id}
                onChange={() => setCard(each.id)}
              />
              <label for={each.id}>{each.name}</label>
            </div>
          ))}
        </fieldset>
        {error && <Problem error={error} />}
        <button type="submit" disabled={busy}>
          Place order
        </button>
      </form>
    </>
  );
}
