import { useState } from 'preact/hooks';
import { api } from '../api';
import { Loading } from '../components/loading';
import { Price } from '../components/price';
import { Problem } from '../components/problem';
import { Link } from '../router';
import { cart } from '../storage';
import { useLoad } from '../use-load';

export function ProductPage({ sku }: { sku: string }) {
  const product = useLoad(() => api.product(sku), sku);
  const [added, setAdded] = useState('');
  if (product.state === 'loading') return <Loading what="the product" />;
  if (product.state === 'failed')
    return (
      <>
        <h1>{product.error.status === 404 ? 'Product not found' : 'The product cannot be shown'}</h1>
        <Problem error={product.error} />
        <Link href="/">Back to the catalog</Link>
      </>
    );
  const { value } = product;
  return (
    <article class="product">
      <img src={value.imageUrl} alt="" width={480} height={360} />
      <div>
        <h1>{value.name}</h1>
        <p>{value.description}</p>
        <p class="big">
          <Price cents={value.priceCents} currency={value.currency} />
        </p>
        <button
          type="button"
          onClick={() => {
            cart.add(value.sku);
            setAdded(`${value.name} added to the cart`);
          }}
        >
          Add to cart
        </button>
        <p role="status" class="notice">
          {added}
        </p>
        {added && <Link href="/cart">Go to the cart</Link>}
      </div>
    </article>
  );
}
