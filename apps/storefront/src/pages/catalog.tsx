import { useState } from 'preact/hooks';
import { api } from '../api';
import { Loading } from '../components/loading';
import { Price } from '../components/price';
import { Problem } from '../components/problem';
import { Link } from '../router';
import { cart } from '../storage';
import { useLoad } from '../use-load';

export function CatalogPage() {
  const products = useLoad(api.products, 'products');
  const [added, setAdded] = useState('');
  return (
    <>
      <h1>Coffee gear</h1>
      <p role="status" class="notice">
        {added}
      </p>
      {products.state === 'loading' && <Loading what="products" />}
      {products.state === 'failed' && <Problem error={products.error} />}
      {products.state === 'done' && (
        <ul class="products">
          {products.value.map((product) => (
            <li key={product.sku} class="card">
              <img src={product.imageUrl} alt="" width={240} height={180} />
              <h2>
                <Link href={`/products/${encodeURIComponent(product.sku)}`}>{product.name}</Link>
              </h2>
              <Price cents={product.priceCents} currency={product.currency} />
              <button
                type="button"
                aria-label={`Add to cart: ${product.name}`}
                onClick={() => {
                  cart.add(product.sku);
                  setAdded(`${product.name} added to the cart`);
                }}
              >
                Add to cart
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
