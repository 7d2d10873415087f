/** The first block of an order id: enough for a person to tell their orders apart in a subject line. */
export function shortOrderId(orderId: string): string {
  return orderId.slice(0, 8);
}

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY), as ISO 4217 defines them. */
function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    // Not a well-formed code: show the amount as cents are usually meant.
    return 2;
  }
}

/** An amount in minor units with its currency code, e.g. `EUR 1,234.50` for 123450 EUR cents. */
export function formatMoney(minorUnits: number, currency: string): string {
  const digits = minorDigits(currency);
  const amount = new Intl.NumberFormat('en', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minorUnits / 10 ** digits);
  return `${currency} ${amount}`;
}

/**
 * How a mail greets its recipient: by name, or by address when the event carries no name. Whitespace
 * runs (line breaks included) become one space, since the name also goes into a subject header.
 */
export function greetingName(name: string, email: string): string {
  return name.replace(/\s+/g, ' ').trim() || email;
}
