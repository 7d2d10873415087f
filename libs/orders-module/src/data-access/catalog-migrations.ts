import type { Migration } from '@shop/db';

// The storefront names these skus and image paths: change them only together with it.
export const catalogMigrations: readonly Migration[] = [
  {
    name: '0002-catalog',
    up: `
      CREATE TABLE products (
        sku         text PRIMARY KEY,
        name        text NOT NULL,
        description text NOT NULL,
        price_cents bigint NOT NULL CHECK (price_cents > 0),
        currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        image_url   text NOT NULL
      );
      INSERT INTO products (sku, name, description, price_cents, currency, image_url) VALUES
        ('beans-yirgacheffe', 'Yirgacheffe coffee beans, 250 g',
         'Washed Ethiopian beans with notes of jasmine, bergamot and lemon, roasted light for filter.',
         1450, 'EUR', '/images/products/beans-yirgacheffe.svg'),
        ('beans-huila', 'Huila coffee beans, 250 g',
         'Colombian beans from the Huila highlands, sweet with caramel, red apple and a cocoa finish.',
         1290, 'EUR', '/images/products/beans-huila.svg'),
        ('espresso-cups', 'Espresso cups, set of two',
         'Two thick-walled porcelain cups of 80 ml that keep a double espresso warm to the last sip.',
         2400, 'EUR', '/images/products/espresso-cups.svg'),
        ('pour-over-dripper', 'Ceramic pour-over dripper',
         'A glazed ceramic cone with spiral ribs for an even extraction, sized for one to four cups.',
         3200, 'EUR', '/images/products/pour-over-dripper.svg'),
        ('paper-filters', 'Paper filters, pack of 100',
         'Unbleached cone filters that fit the ceramic dripper and leave no papery taste behind.',
         650, 'EUR', '/images/products/paper-filters.svg'),
        ('hand-grinder', 'Hand grinder with steel burrs',
         'A compact grinder with conical steel burrs and 40 click settings, from espresso to French press.',
         8900, 'EUR', '/images/products/hand-grinder.svg'),
        ('milk-jug', 'Milk jug, 350 ml',
         'A stainless steel jug with a sharp spout for steaming milk and pouring latte art.',
         1900, 'EUR', '/images/products/milk-jug.svg'),
        ('gooseneck-kettle', 'Gooseneck kettle, 1 l',
         'A stovetop kettle with a slim gooseneck spout for a slow, precise pour over the grounds.',
         5400, 'EUR', '/images/products/gooseneck-kettle.svg');
    `,
  },
];
