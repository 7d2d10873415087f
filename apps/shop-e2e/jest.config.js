module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'shop-e2e',
  rootDir: __dirname,
  // The whole shop runs as processes; a checkout settles through the broker.
  testTimeout: 120_000,
};
