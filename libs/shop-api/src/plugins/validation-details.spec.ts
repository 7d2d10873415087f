import { pointerToPath, validationDetails } from './validation-details';

describe('pointerToPath', () => {
  it.each([
    ['', ''],
    ['/currency', 'currency'],
    ['/items/0/quantity', 'items[0].quantity'],
    ['/a~1b/c~0d', 'a/b.c~d'],
  ])('reads %j as %j', (pointer, path) => {
    expect(pointerToPath(pointer)).toBe(path);
  });
});

describe('validationDetails', () => {
  it('names each missing and each unknown field once', () => {
    const details = validationDetails('body', [
      { keyword: 'required', instancePath: '/items/0', params: { requiredProperties: ['sku', 'quantity'] } },
      { keyword: 'boolean', instancePath: '/coupon', params: {}, message: 'schema is false' },
      { keyword: 'additionalProperties', instancePath: '', params: { additionalProperties: ['coupon'] } },
    ]);
    expect(details).toEqual([
      { field: 'items[0].sku', message: 'is required' },
      { field: 'items[0].quantity', message: 'is required' },
      { field: 'coupon', message: 'is not a known field' },
    ]);
  });

  it('lists the allowed values of an enum', () => {
    const [detail] = validationDetails('body', [
      { keyword: 'enum', instancePath: '/paymentMethod', params: { allowedValues: ['a', 'b'] } },
    ]);
    expect(detail).toEqual({ field: 'paymentMethod', message: 'must be one of: a, b' });
  });

  it('names headers the way clients write them', () => {
    const [detail] = validationDetails('headers', [
      { keyword: 'maxLength', instancePath: '/idempotency-key', params: {}, message: 'too long' },
    ]);
    expect(detail?.field).toBe('Idempotency-Key');
  });

  it('says so when the body is not an object at all', () => {
    expect(validationDetails('body', [{ keyword: 'type', instancePath: '', params: {} }])).toEqual([
      { message: 'The body must be a JSON object' },
    ]);
  });

  it('ignores what it cannot read', () => {
    expect(validationDetails('body', [{ nonsense: true }, 'text'])).toEqual([]);
    expect(validationDetails('body', undefined)).toEqual([]);
  });
});
