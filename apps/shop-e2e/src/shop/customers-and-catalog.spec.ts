import type { ShopClient } from '@shop/shop-client';
import { eventually } from '@shop/testing';
import { ARCHITECTURES, shopUnderTest } from './shop-under-test';

/**
 * The shop end to end, deployed as microservices and as the monolith: its customers (sign-up, sign-in,
 * the welcome mail) and its catalog, driven only through the public HTTP API.
 */
jest.setTimeout(120_000);

describe.each(ARCHITECTURES)('the shop as %s: customers and the catalog', (architecture) => {
  const under = shopUnderTest(architecture, 'e2ecustomers');
  const { email, mailsTo } = under;
  let shop: ShopClient;
  beforeAll(() => (shop = under.shop));

  it('registers a customer who logs in, sees themself, and gets a welcome mail', async () => {
    const registered = await shop.request('POST', '/v1/users', {
      body: { email: email('ada'), name: 'Ada Lovelace', password: 'analytical engine' },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ email: email('ada'), name: 'Ada Lovelace' });
    expect(JSON.stringify(registered.body)).not.toMatch(/analytical|password|hash/i);

    const again = await shop.request('POST', '/v1/users', {
      body: { email: email('ada'), name: 'Ada again', password: 'another password' },
    });
    expect(again.status).toBe(409);

    const token = await shop.request<{ accessToken: string; tokenType: string; expiresIn: number }>(
      'POST',
      '/v1/auth/token',
      {
        body: { email: email('ada'), password: 'analytical engine' },
      },
    );
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) as number });

    const me = await shop.request('GET', '/v1/users/me', { token: token.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: registered.body['id'], email: email('ada') });

    await eventually(() => expect(mailsTo(email('ada'))).toHaveLength(1), 30_000);
    expect(mailsTo(email('ada'))[0]?.subject).toMatch(/welcome/i);
  });

  it('answers bad credentials with one 401, whether the email is unknown or the password wrong', async () => {
    await shop.signUp(email('grace'));
    const wrong = await shop.request('POST', '/v1/auth/token', {
      body: { email: email('grace'), password: 'not the password' },
    });
    const unknown = await shop.request('POST', '/v1/auth/token', {
      body: { email: email('nobody'), password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('shows the catalog to anyone, and each product by its sku', async () => {
    const catalog = await shop.listProducts();
    expect(catalog.status).toBe(200);
    expect(catalog.body.items.map((product) => product.sku)).toEqual([
      'beans-huila',
      'beans-yirgacheffe',
      'espresso-cups',
      'gooseneck-kettle',
      'hand-grinder',
      'milk-jug',
      'paper-filters',
      'pour-over-dripper',
    ]);
    const kettle = await shop.getProduct('gooseneck-kettle');
    expect(kettle.status).toBe(200);
    expect(kettle.body).toEqual({
      sku: 'gooseneck-kettle',
      name: 'Gooseneck kettle, 1 l',
      description: expect.any(String) as string,
      priceCents: 5400,
      currency: 'EUR',
      imageUrl: '/images/products/gooseneck-kettle.svg',
    });
    const unknown = await shop.getProduct('samovar');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      detail: 'Product samovar not found',
    });
    expect((await shop.getProduct('.samovar')).status).toBe(400);
  });
});
