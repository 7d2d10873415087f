module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'loadgen',
  rootDir: __dirname,
  // test/ starts the whole shop as processes and opens the HTML report in headless Chromium.
  testTimeout: 120_000,
};
