import { formatPrice } from '../format';

export function Price({ cents, currency }: { cents: number; currency: string }) {
  return <span class="price">{formatPrice(cents, currency)}</span>;
}
