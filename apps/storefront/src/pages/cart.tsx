import { api, type Product } from '../api';
import { Loading } from '../components/loading';
import { Price } from '../components/price';
import { Problem } from '../components/problem';
import { Link } from '../router';
import { cart, type CartLine } from '../storage';
import { useLoad } from '../use-load';

export interface PricedLine extends CartLine {
  product: Product;
}

/** The cart's lines with their products; lines for products the shop no longer sells are left out. */
export function priced(lines: CartLine[], products: Product[]): PricedLine[] {
  return lines.flatMap((line) => {
    const product = products.find((each) => each.sku === line.sku);
    return product ? [{ ...line, product }] : [];
  });
}

export const totalCents = (lines: PricedLine[]): number =>
  lines.reduce((sum, line) => sum + line.quantity * line.product.priceCents, 0);

/** What the cart and the checkout show when there is nothing to buy. */
export function EmptyCart({ title }: { title: string }) {
  return (
    <>
      <h1>{title}</h1>
      <p>
        The cart is empty. <Link href="/">Browse the catalog</Link>
      </p>
    </>
  );
}

export function CartPage() {
  const lines = cart.use();
  const products = useLoad(api.products, 'products');
  if (lines.length === 0) return <EmptyCart title="Your cart" />;
  if (products.state === 'loading') return <Loading what="the cart" />;
  if (products.state === 'failed') return <Problem error={products.error} />;
  const rows = priced(lines, products.value);
  const currency = rows[0]?.product.currency ?? 'EUR';
  return (
    <>
      <h1>Your cart</h1>
      <table class="lines">
        <caption class="visually-hidden">Items in the cart</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((line) => (
            <tr key={line.sku}>
              <th scope="row">
                <Link href={`/products/${encodeURIComponent(line.sku)}`}>{line.product.name}</Link>
              </th>
              <td>
                <label class="visually-hidden" for={`quantity-${line.sku}`}>
                  Quantity of {line.product.name}
                </label>
                <input
                  id={`quantity-${line.sku}`}
                  type="number"
                  min={0}
                  max={99}
                  value={line.quantity}
                  onChange={(event) => {
                    const quantity = Number(event.currentTarget.value);
                    if (Number.isInteger(quantity) && quantity >= 0 && quantity <= 99)
                      cart.set(line.sku, quantity);
                  }}
                />
                <button
                  type="button"
                  class="link-button"
                  aria-label={`Remove ${line.product.name}`}
                  onClick={() => cart.set(line.sku, 0)}
                >
                  Remove
                </button>
              </td>
              <td>
                <Price cents={line.quantity * line.product.priceCents} currency={line.product.currency} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td>
              <Price cents={totalCents(rows)} currency={currency} />
            </td>
          </tr>
        </tfoot>
      </table>
      <p>
        <Link href="/checkout" class="button">
          Check out
        </Link>
      </p>
    </>
  );
}
